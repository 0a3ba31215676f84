import LAMJSON

/// One message of a chat: `{"role": ..., "content": ...}`, an assistant turn that calls tools, or a tool's result.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case system, developer, user, assistant, tool
    }

    public var role: Role
    /// Absent only on an assistant message that calls tools.
    public var content: MessageContent?
    public var name: String?
    /// The calls an assistant message makes (empty for every other role).
    public var toolCalls: [ToolCall]
    /// Which call a `tool` message answers.
    public var toolCallID: String?

    public init(
        role: Role, content: MessageContent?, name: String? = nil, toolCalls: [ToolCall] = [],
        toolCallID: String? = nil
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: .text(text)) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: .text(text)) }
    public static func assistant(_ text: String?, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text.map(MessageContent.text), toolCalls: toolCalls)
    }
    public static func tool(_ text: String, callID: String) -> ChatMessage {
        ChatMessage(role: .tool, content: .text(text), toolCallID: callID)
    }

    public init(json: JSONValue, at path: String = "") throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        let roleName = try reader.requiredString("role")
        guard let role = Role(rawValue: roleName) else {
            throw reader.error("role", "'\(roleName)' is not one of system, developer, user, assistant, tool")
        }
        self.role = role
        content = try reader.nested("content", MessageContent.init(json:at:))
        name = try reader.string("name")
        toolCalls = []
        switch role {
        case .assistant:
            toolCalls = try reader.elements("tool_calls", ToolCall.init(json:at:)) ?? []
            reader.ignore("refusal")
            if content == nil && toolCalls.isEmpty {
                throw reader.error("content", "is required unless tool_calls is given")
            }
        case .tool:
            toolCallID = try reader.requiredString("tool_call_id")
            if content == nil { throw reader.error("content", "is required") }
        case .system, .developer, .user:
            if content == nil { throw reader.error("content", "is required") }
        }
        try reader.rejectUnknownKeys()
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("role", role.rawValue)
        builder.set("content", content?.json)
        builder.set("name", name)
        if !toolCalls.isEmpty { builder.set("tool_calls", .array(toolCalls.map(\.json))) }
        builder.set("tool_call_id", toolCallID)
        return builder.json
    }
}

/// A message's content: a string, or a list of text parts (the only part type a text model can take).
public enum MessageContent: Sendable, Hashable {
    case text(String)
    case parts([String])

    /// The whole text, parts joined without separators as OpenAI does.
    public var text: String {
        switch self {
        case .text(let text): text
        case .parts(let parts): parts.joined()
        }
    }

    init(json: JSONValue, at path: String) throws(FieldError) {
        switch json {
        case .string(let text):
            self = .text(text)
        case .array(let elements):
            var parts: [String] = []
            for (index, element) in elements.enumerated() {
                var part = try FieldReader(element, at: "\(path)[\(index)]")
                let type = try part.requiredString("type")
                guard type == "text" else {
                    throw part.error("type", "content part type '\(type)' is not supported; only 'text' is")
                }
                parts.append(try part.requiredString("text"))
                try part.rejectUnknownKeys()
            }
            self = .parts(parts)
        default:
            throw FieldError(field: path, problem: "expected a string or an array of content parts, got \(json.kindName)")
        }
    }

    var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .parts(let parts): .array(parts.map { ["type": "text", "text": .string($0)] })
        }
    }
}

/// A call an assistant made: `{"id", "type": "function", "function": {"name", "arguments"}}`. `arguments` is a
/// JSON text exactly as the model wrote it.
public struct ToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    public init(json: JSONValue, at path: String = "") throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        id = try reader.requiredString("id")
        let type = try reader.string("type") ?? "function"
        guard type == "function" else { throw reader.error("type", "'\(type)' is not supported; only 'function' is") }
        var function = try FieldReader(try reader.required("function"), at: reader.fieldPath("function"))
        name = try function.requiredString("name")
        arguments = try function.requiredString("arguments")
        try function.rejectUnknownKeys()
        try reader.rejectUnknownKeys()
    }

    public var json: JSONValue {
        ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
    }
}
