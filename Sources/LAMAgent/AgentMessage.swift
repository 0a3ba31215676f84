import LAMJSON

/// One message of a conversation, in the shape of OpenAI's chat messages (the shape every backend and the
/// JSONL transcript use).
public struct AgentMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant, tool }

    public var role: Role
    public var content: String
    /// Calls an assistant message asked for (`arguments` as JSON text, as OpenAI carries them).
    public var toolCalls: [AgentToolCall]
    /// For a tool message: the call it answers, and the tool's name.
    public var toolCallID: String?
    public var name: String?

    public init(
        role: Role, content: String, toolCalls: [AgentToolCall] = [], toolCallID: String? = nil, name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    public static func system(_ text: String) -> AgentMessage { AgentMessage(role: .system, content: text) }
    public static func user(_ text: String) -> AgentMessage { AgentMessage(role: .user, content: text) }

    /// The OpenAI chat-completions message object.
    public var openAIJSON: JSONValue {
        var object: JSONObject = ["role": .string(role.rawValue)]
        object["content"] = role == .assistant && content.isEmpty && !toolCalls.isEmpty ? .null : .string(content)
        if !toolCalls.isEmpty { object["tool_calls"] = .array(toolCalls.map(\.openAIJSON)) }
        if let toolCallID { object["tool_call_id"] = .string(toolCallID) }
        if let name { object["name"] = .string(name) }
        return .object(object)
    }

    public init(openAIJSON json: JSONValue) throws(AgentError) {
        guard let roleText = json["role"]?.stringValue, let role = Role(rawValue: roleText) else {
            throw .malformedMessage("a message needs a role of system, user, assistant or tool: \(json.compactJSON)")
        }
        var calls: [AgentToolCall] = []
        for call in json["tool_calls"]?.arrayValue ?? [] { calls.append(try AgentToolCall(openAIJSON: call)) }
        self.init(
            role: role,
            content: json["content"]?.stringValue ?? "",
            toolCalls: calls,
            toolCallID: json["tool_call_id"]?.stringValue,
            name: json["name"]?.stringValue
        )
    }
}

/// A call an assistant message asked for.
public struct AgentToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The arguments' JSON text.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    public var openAIJSON: JSONValue {
        ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
    }

    public init(openAIJSON json: JSONValue) throws(AgentError) {
        guard let function = json["function"], let name = function["name"]?.stringValue else {
            throw .malformedMessage("a tool call needs function.name: \(json.compactJSON)")
        }
        // Some servers send arguments as an object instead of a JSON string.
        let arguments: String
        switch function["arguments"] {
        case .string(let text): arguments = text
        case .some(let value) where !value.isNull: arguments = value.compactJSON
        default: arguments = "{}"
        }
        self.init(id: json["id"]?.stringValue ?? "", name: name, arguments: arguments)
    }
}
