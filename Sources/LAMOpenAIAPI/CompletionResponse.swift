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
        var reader = try FieldReader(json, at: "")
        id = try reader.requiredString("id")
        created = try reader.integer("created") ?? 0
        model = try reader.requiredString("model")
        choices = try reader.elements("choices", Choice.init(json:at:)) ?? []
        usage = try reader.nested("usage", Usage.init(json:at:))
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("id", id)
        builder.set("object", "text_completion")
        builder.set("created", created)
        builder.set("model", model)
        builder.set("choices", .array(choices.map(\.json)))
        builder.set("usage", usage?.json)
        return builder.json
    }
}
