import LAMJSON

/// Checks parsed calls against the tools they name, whether or not decoding was constrained: a call is usable
/// only if its tool exists, its arguments are complete JSON, and they satisfy the tool's schema. Compile once per
/// tool set and reuse.
public struct ToolCallValidator: Sendable {
    private let schemas: [String: JSONSchema]
    public let toolNames: [String]

    public init(tools: [ToolDefinition]) throws(SchemaError) {
        var schemas: [String: JSONSchema] = [:]
        for tool in tools { schemas[tool.name] = try JSONSchema(tool.parameters) }
        self.schemas = schemas
        toolNames = tools.map(\.name)
    }

    public func validate(_ call: ParsedToolCall) -> ValidatedToolCall {
        guard let schema = schemas[call.name] else {
            return ValidatedToolCall(call: call, arguments: nil, errors: [.unknownTool(call.name, known: toolNames)])
        }
        guard call.isComplete else {
            return ValidatedToolCall(call: call, arguments: nil, errors: [.argumentsIncomplete(call.arguments)])
        }
        let arguments: JSONValue
        do {
            arguments = try JSONValue(parsing: call.arguments)
        } catch {
            return ValidatedToolCall(call: call, arguments: nil, errors: [.argumentsNotJSON(error.description)])
        }
        let violations = schema.violations(of: arguments)
        return ValidatedToolCall(call: call, arguments: arguments, errors: violations.map(ToolCallError.schemaViolation))
    }

    public func validate(_ reply: ParsedReply) -> [ValidatedToolCall] { reply.calls.map(validate) }
}

/// A parsed call and its verdict. `arguments` is set when they are JSON; the call is executable only if `isValid`.
public struct ValidatedToolCall: Sendable, Hashable {
    public let call: ParsedToolCall
    public let arguments: JSONValue?
    public let errors: [ToolCallError]
    public var isValid: Bool { errors.isEmpty }
}

public enum ToolCallError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTool(String, known: [String])
    /// The output ended or broke off inside the arguments (the text received is attached).
    case argumentsIncomplete(String)
    case argumentsNotJSON(String)
    case schemaViolation(SchemaViolation)

    public var description: String {
        switch self {
        case .unknownTool(let name, let known):
            "no tool named '\(name)' (tools: \(known.joined(separator: ", ")))"
        case .argumentsIncomplete(let text):
            "arguments are cut off: \(text.prefix(80))"
        case .argumentsNotJSON(let reason):
            "arguments are not JSON: \(reason)"
        case .schemaViolation(let violation):
            "arguments\(violation.path.isEmpty ? "" : " at '\(violation.path)'"): expected \(violation.expected)"
        }
    }
}
