import LAMJSON

/// The body of `POST /v1/completions` (plain text in, text out), validated like `ChatCompletionRequest`.
/// One prompt per request: a string, or an array holding one string.
public struct CompletionRequest: Sendable, Hashable {
    public var model: String
    public var prompt: String
    public var sampling: SamplingParameters
    public var stream: Bool
    public var includeUsage: Bool?

    /// OpenAI's default length for text completions when `max_tokens` is absent.
    public static let defaultMaxTokens = 16

    public init(
        model: String, prompt: String, sampling: SamplingParameters = SamplingParameters(), stream: Bool = false,
        includeUsage: Bool? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.sampling = sampling
        self.stream = stream
        self.includeUsage = includeUsage
    }

    public init(json: JSONValue) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        model = try reader.requiredString("model")
        switch try reader.required("prompt") {
        case .string(let text):
            prompt = text
        case .array(let elements):
            guard elements.count == 1, case .string(let text) = elements[0] else {
                throw reader.error("prompt", "only one prompt string per request is supported")
            }
            prompt = text
        case let other:
            throw reader.error("prompt", "expected a string, got \(other.kindName)")
        }
        sampling = try SamplingParameters(reading: &reader)
        let streamOptions = try StreamOptions(reading: &reader)
        stream = streamOptions.stream
        includeUsage = streamOptions.includeUsage
        if let n = try reader.integer("n"), n != 1 { throw reader.error("n", "only n=1 is supported, got \(n)") }
        if let bestOf = try reader.integer("best_of"), bestOf != 1 {
            throw reader.error("best_of", "only best_of=1 is supported, got \(bestOf)")
        }
        if try reader.bool("echo") == true { throw reader.error("echo", "echoing the prompt is not supported") }
        if try reader.string("suffix") != nil { throw reader.error("suffix", "suffixes are not supported") }
        if try reader.integer("logprobs") != nil { throw reader.error("logprobs", "log probabilities are not supported") }
        reader.ignore("user")
        try reader.rejectUnknownKeys()
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("model", model)
        builder.set("prompt", prompt)
        sampling.write(to: &builder)
        StreamOptions(stream: stream, includeUsage: includeUsage).write(to: &builder)
        return builder.json
    }
}
