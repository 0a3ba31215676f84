import LAMJSON

/// The body of `POST /v1/chat/completions`, validated: every error names the field it is about.
///
/// Fields that change nothing for a local model (`user`, `metadata`, `store`, `service_tier`,
/// `prompt_cache_key`, `safety_identifier`) are accepted and dropped; fields asking for what this server cannot
/// do (`n` > 1, `logprobs`, audio) are refused rather than silently ignored; unknown fields are refused.
public struct ChatCompletionRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    public var parallelToolCalls: Bool?
    public var responseFormat: ResponseFormat?
    public var sampling: SamplingParameters
    /// `max_completion_tokens`, OpenAI's newer name for `max_tokens`; it wins when both are given.
    public var maxCompletionTokens: Int?
    public var stream: Bool
    /// `stream_options.include_usage`: send a last chunk with the token counts.
    public var includeUsage: Bool?

    public init(
        model: String, messages: [ChatMessage], tools: [ToolDefinition] = [], toolChoice: ToolChoice? = nil,
        parallelToolCalls: Bool? = nil, responseFormat: ResponseFormat? = nil,
        sampling: SamplingParameters = SamplingParameters(), maxCompletionTokens: Int? = nil, stream: Bool = false,
        includeUsage: Bool? = nil
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.responseFormat = responseFormat
        self.sampling = sampling
        self.maxCompletionTokens = maxCompletionTokens
        self.stream = stream
        self.includeUsage = includeUsage
    }

    /// The completion length limit the client asked for, if any.
    public var maxTokens: Int? { maxCompletionTokens ?? sampling.maxTokens }

    /// How tools are to be used once defaults are applied: `auto` with tools, `none` without.
    public var effectiveToolChoice: ToolChoice { toolChoice ?? (tools.isEmpty ? .none : .auto) }

    public init(json: JSONValue) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        model = try reader.requiredString("model")
        messages = try reader.elements("messages", ChatMessage.init(json:at:)) ?? []
        if messages.isEmpty { throw reader.error("messages", "must contain at least one message") }
        tools = try reader.elements("tools", ToolDefinition.init(json:at:)) ?? []
        toolChoice = try reader.nested("tool_choice", ToolChoice.init(json:at:))
        parallelToolCalls = try reader.bool("parallel_tool_calls")
        responseFormat = try reader.nested("response_format", ResponseFormat.init(json:at:))
        sampling = try SamplingParameters(reading: &reader)
        maxCompletionTokens = try reader.integer("max_completion_tokens", in: 1...Int.max)
        let streamOptions = try StreamOptions(reading: &reader)
        stream = streamOptions.stream
        includeUsage = streamOptions.includeUsage
        if let n = try reader.integer("n"), n != 1 {
            throw reader.error("n", "only n=1 is supported, got \(n)")
        }
        if try reader.bool("logprobs") == true { throw reader.error("logprobs", "log probabilities are not supported") }
        reader.ignore("user", "metadata", "store", "service_tier", "prompt_cache_key", "safety_identifier")
        try reader.rejectUnknownKeys()
        try validateToolChoice()
        try validateToolResults()
    }

    private func validateToolChoice() throws(FieldError) {
        switch toolChoice {
        case .required where tools.isEmpty:
            throw FieldError(field: "tool_choice", problem: "'required' needs a non-empty tools list")
        case .function(let name):
            guard tools.contains(where: { $0.name == name }) else {
                throw FieldError(field: "tool_choice.function.name", problem: "no tool named '\(name)' in tools")
            }
        default:
            break
        }
    }

    /// Each `tool` message must answer a call of the latest assistant message before it, as OpenAI requires.
    private func validateToolResults() throws(FieldError) {
        var openCallIDs: Set<String> = []
        for (index, message) in messages.enumerated() {
            switch message.role {
            case .assistant:
                openCallIDs = Set(message.toolCalls.map(\.id))
            case .tool:
                guard let id = message.toolCallID, openCallIDs.contains(id) else {
                    throw FieldError(
                        field: "messages[\(index)].tool_call_id",
                        problem: "'\(message.toolCallID ?? "")' does not answer a tool call of a preceding assistant message")
                }
            case .system, .developer, .user:
                openCallIDs = []
            }
        }
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("model", model)
        builder.set("messages", .array(messages.map(\.json)))
        if !tools.isEmpty { builder.set("tools", .array(tools.map(\.json))) }
        builder.set("tool_choice", toolChoice?.json)
        builder.set("parallel_tool_calls", parallelToolCalls)
        builder.set("response_format", responseFormat?.json)
        sampling.write(to: &builder)
        builder.set("max_completion_tokens", maxCompletionTokens)
        StreamOptions(stream: stream, includeUsage: includeUsage).write(to: &builder)
        return builder.json
    }
}
