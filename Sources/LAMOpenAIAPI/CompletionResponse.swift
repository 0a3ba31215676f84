import LAMJSON

/// A text completion, `{"object": "text_completion", ...}`. A stream sends the same object once per text
/// piece, with `finishReason` nil until the last piece.
public typealias CompletionResponse = CompletionObject<TextCompletionChoice>

/// One choice of a text completion.
public struct TextCompletionChoice: CompletionChoice {
    public static let object = "text_completion"

    public var index: Int
    public var text: String
    public var finishReason: FinishReason?

    public init(index: Int = 0, text: String, finishReason: FinishReason?) {
        self.index = index
        self.text = text
        self.finishReason = finishReason
    }

    public init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        index = try reader.integer("index") ?? 0
        text = try reader.requiredString("text")
        finishReason = try reader.nested("finish_reason", FinishReason.init(json:at:))
    }

    public var json: JSONValue {
        ["text": .string(text), "index": .integer(index), "logprobs": .null,
         "finish_reason": finishReason.map { .string($0.rawValue) } ?? .null]
    }
}
