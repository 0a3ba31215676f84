/// What can go wrong in the agent runtime itself (tool failures are not errors: they go back to the model).
public enum AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedMessage(String)
    /// A transcript line that is not a message; `line` counts from 1.
    case malformedTranscript(line: Int, reason: String)
    case invalidToolSchema(tool: String, reason: String)
    case duplicateTool(String)
    case backend(String)
    case mcp(String)

    public var description: String {
        switch self {
        case .malformedMessage(let reason): "malformed message: \(reason)"
        case .malformedTranscript(let line, let reason): "transcript line \(line): \(reason)"
        case .invalidToolSchema(let tool, let reason): "tool '\(tool)' has an unusable schema: \(reason)"
        case .duplicateTool(let name): "two tools are named '\(name)'"
        case .backend(let reason): "model backend: \(reason)"
        case .mcp(let reason): "MCP: \(reason)"
        }
    }
}
