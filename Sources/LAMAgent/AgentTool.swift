import LAMJSON
import LAMToolCalling

/// Something the agent can call: a Swift function (`SwiftTool`), a tool of an MCP server (`MCPServerTool`), or
/// any type of yours.
public protocol AgentTool: Sendable {
    var definition: ToolDefinition { get }
    /// True for tools that change the world (write files, send mail): interactive use asks before running them.
    var hasSideEffects: Bool { get }
    /// Runs the tool on arguments that already satisfy `definition.parameters`. The text returned is what the
    /// model reads as the tool's result; a thrown error is reported to the model as a failed call.
    func call(arguments: JSONValue) async throws -> String
}

/// A tool's own report that the call failed, with the text the model should see.
public struct ToolFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
