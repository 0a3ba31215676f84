import LAMJSON

/// A text completion, `{"object": "text_completion", ...}`. A stream sends the same object once per text
/// piece, with `finishReason` nil until the last piece.
public struct CompletionResponse: Sendable, Hashable {
    public struct Choice: Sendable, Hashable {
        public var index: Int
        public var text: String
        public var finishReason: FinishReason?

        public init(index: Int = 0, text: String, finishReason: FinishReason?) {
            self.index = index
            self.text = text
            self.finishReason = finishReason
        }

        init(json: JSONValue, at path: String) throws(FieldError) {
            var reader = try FieldReader(json, at: path)
            index = try reader.integer("index") ?? 0
            text = try reader.requiredString("text")
            finishReason = try reader.nested("finish_reason", FinishReason.init(json:at:))
        }

        var json: JSONValue {
            ["text": .string(text), "index": .integer(index), "logprobs": .null,
             "finish_reason": finishReason.map { .string($0.rawValue) } ?? .null]
        }
    }

    public var id: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    public init(json: JSONValue) throws(FieldError) {
        let envelope = try CompletionEnvelope(json: json, choice: Choice.init(json:at:))
        self.init(id: envelope.id, created: envelope.created, model: envelope.model, choices: envelope.choices,
                  usage: envelope.usage)
    }

    public var json: JSONValue {
        CompletionEnvelope<Choice>.json(object: "text_completion", id: id, created: created, model: model,
                                        choices: choices.map(\.json), usage: usage?.json)
    }
}
