import LAMJSON

// Responses are decoded leniently (unknown members are skipped) because real endpoints keep adding members;
// requests are decoded strictly. Both are written in the member order OpenAI uses.

/// Why generation stopped.
public enum FinishReason: String, Sendable, Hashable, CaseIterable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"
    case functionCall = "function_call"

    init(json: JSONValue, at path: String) throws(FieldError) {
        guard case .string(let name) = json, let reason = FinishReason(rawValue: name) else {
            throw FieldError(field: path, problem: "unknown finish reason \(json.compactJSON)")
        }
        self = reason
    }
}

/// Token counts of one request. `cachedPromptTokens` is how much of the prompt was reused from an earlier
/// request's KV cache (`prompt_tokens_details.cached_tokens`).
public struct Usage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedPromptTokens: Int?

    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }

    public var totalTokens: Int { promptTokens + completionTokens }

    public init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        promptTokens = try reader.integer("prompt_tokens", in: 0...Int.max) ?? 0
        completionTokens = try reader.integer("completion_tokens", in: 0...Int.max) ?? 0
        if let details = reader.value("prompt_tokens_details") {
            var detailsReader = try FieldReader(details, at: reader.fieldPath("prompt_tokens_details"))
            cachedPromptTokens = try detailsReader.integer("cached_tokens", in: 0...Int.max)
        }
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("prompt_tokens", promptTokens)
        builder.set("completion_tokens", completionTokens)
        builder.set("total_tokens", totalTokens)
        if let cachedPromptTokens { builder.set("prompt_tokens_details", ["cached_tokens": .integer(cachedPromptTokens)]) }
        return builder.json
    }
}

/// A whole (non-streamed) chat completion: `{"object": "chat.completion", ...}`.
public struct ChatCompletionResponse: Sendable, Hashable {
    public struct Choice: Sendable, Hashable {
        public var index: Int
        /// The assistant's text, nil when it only called tools.
        public var content: String?
        public var toolCalls: [ToolCall]
        public var finishReason: FinishReason

        public init(index: Int = 0, content: String?, toolCalls: [ToolCall] = [], finishReason: FinishReason) {
            self.index = index
            self.content = content
            self.toolCalls = toolCalls
            self.finishReason = finishReason
        }

        /// The reply as a message to append to the conversation.
        public var message: ChatMessage { .assistant(content, toolCalls: toolCalls) }

        init(json: JSONValue, at path: String) throws(FieldError) {
            var reader = try FieldReader(json, at: path)
            index = try reader.integer("index") ?? 0
            var message = try FieldReader(try reader.required("message"), at: reader.fieldPath("message"))
            content = try message.string("content")
            toolCalls = try message.elements("tool_calls", ToolCall.init(json:at:)) ?? []
            finishReason = try FinishReason(json: try reader.required("finish_reason"), at: reader.fieldPath("finish_reason"))
        }

        var json: JSONValue {
            var message: JSONObject = ["role": "assistant", "content": content.map(JSONValue.string) ?? .null, "refusal": .null]
            if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls.map(\.json)) }
            return [
                "index": .integer(index), "message": .object(message), "logprobs": .null,
                "finish_reason": .string(finishReason.rawValue),
            ]
        }
    }

    public var id: String
    /// Unix time in seconds.
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
        CompletionEnvelope<Choice>.json(object: "chat.completion", id: id, created: created, model: model,
                                        choices: choices.map(\.json), usage: usage?.json)
    }
}

/// One server-sent event of a streamed chat completion: `{"object": "chat.completion.chunk", ...}`.
public struct ChatCompletionChunk: Sendable, Hashable {
    public struct Choice: Sendable, Hashable {
        public var index: Int
        public var delta: Delta
        public var finishReason: FinishReason?

        public init(index: Int = 0, delta: Delta, finishReason: FinishReason? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        init(json: JSONValue, at path: String) throws(FieldError) {
            var reader = try FieldReader(json, at: path)
            index = try reader.integer("index") ?? 0
            delta = try Delta(json: try reader.required("delta"), at: reader.fieldPath("delta"))
            finishReason = try reader.nested("finish_reason", FinishReason.init(json:at:))
        }

        var json: JSONValue {
            ["index": .integer(index), "delta": delta.json, "logprobs": .null,
             "finish_reason": finishReason.map { .string($0.rawValue) } ?? .null]
        }
    }

    /// What this chunk adds to the message: the role (first chunk only), text, or pieces of tool calls.
    public struct Delta: Sendable, Hashable {
        public var role: ChatMessage.Role?
        public var content: String?
        public var toolCalls: [ToolCallDelta]

        public init(role: ChatMessage.Role? = nil, content: String? = nil, toolCalls: [ToolCallDelta] = []) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }

        init(json: JSONValue, at path: String) throws(FieldError) {
            var reader = try FieldReader(json, at: path)
            if let roleName = try reader.string("role") {
                guard let role = ChatMessage.Role(rawValue: roleName) else { throw reader.error("role", "unknown role '\(roleName)'") }
                self.role = role
            }
            content = try reader.string("content")
            toolCalls = try reader.elements("tool_calls", ToolCallDelta.init(json:at:)) ?? []
        }

        var json: JSONValue {
            var builder = ObjectBuilder()
            builder.set("role", role?.rawValue)
            builder.set("content", content)
            if !toolCalls.isEmpty { builder.set("tool_calls", .array(toolCalls.map(\.json))) }
            return builder.json
        }
    }

    public var id: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// Set only on the last chunk, and only when the request asked for `stream_options.include_usage`.
    public var usage: Usage?
    /// Whether `usage` is written even when nil: OpenAI puts `"usage": null` on every chunk of a stream that
    /// asked for usage.
    public var writesUsage: Bool

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil, writesUsage: Bool = false) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.writesUsage = writesUsage || usage != nil
    }

    public init(json: JSONValue) throws(FieldError) {
        let envelope = try CompletionEnvelope(json: json, choice: Choice.init(json:at:))
        self.init(id: envelope.id, created: envelope.created, model: envelope.model, choices: envelope.choices,
                  usage: envelope.usage, writesUsage: envelope.hasUsageMember)
    }

    public var json: JSONValue {
        // Not a ternary: its `nil` branch would turn into `JSONValue.null`, which is a literal nil too.
        var usageMember: JSONValue?
        if writesUsage { usageMember = usage?.json ?? .null }
        return CompletionEnvelope<Choice>.json(object: "chat.completion.chunk", id: id, created: created, model: model,
                                               choices: choices.map(\.json), usage: usageMember)
    }
}

/// A piece of a streamed tool call. The first piece of a call carries its `id` and function `name`; later
/// pieces carry fragments of `arguments`, to be concatenated in order per `index`.
public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var name: String?
    public var arguments: String?

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String? = nil) {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        guard let index = try reader.integer("index", in: 0...Int.max) else { throw reader.error("index", "is required") }
        self.index = index
        id = try reader.string("id")
        if let function = reader.value("function") {
            var functionReader = try FieldReader(function, at: reader.fieldPath("function"))
            name = try functionReader.string("name")
            arguments = try functionReader.string("arguments")
        }
    }

    var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("index", index)
        builder.set("id", id)
        if id != nil { builder.set("type", "function") }
        var function = ObjectBuilder()
        function.set("name", name)
        function.set("arguments", arguments)
        builder.set("function", function.json)
        return builder.json
    }
}
