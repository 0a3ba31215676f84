import Foundation
import LAMJSON
import LAMToolCalling
import MCP
import SystemPackage

/// A connection to an MCP server, whose tools become agent tools. Over stdio the server is started as a child
/// process (ended by `close`); over streamable HTTP it is reached at a URL (see `StreamableHTTPTransport` for why
/// the SDK's own HTTP transport is not used on Linux).
public actor MCPServerConnection {
    private let client: Client
    /// A stdio server's process, and the pipe to its standard input.
    private let process: Process?
    private let serverInput: FileHandle?
    public let serverName: String

    /// Starts `command` (e.g. `["python", "todo_server.py"]`, looked up on PATH) and talks to it over its stdio.
    public static func launch(
        _ command: [String], environment: [String: String]? = nil, initializeTimeout: Duration = .seconds(30)
    ) async throws -> MCPServerConnection
    {
        guard let executable = command.first else { throw AgentError.mcp("empty server command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + command.dropFirst()
        if let environment { process.environment = environment }
        let toServer = Pipe()
        let fromServer = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        do {
            try process.run()
        } catch {
            throw AgentError.mcp("cannot start '\(command.joined(separator: " "))': \(error)")
        }
        ignoreBrokenPipes()
        let transport = StdioTransport(
            input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor)
        )
        do {
            return try await open(
                transport, process: process, serverInput: toServer.fileHandleForWriting, timeout: initializeTimeout)
        } catch {
            await process.stop()
            throw AgentError.mcp("'\(command.joined(separator: " "))' did not start as an MCP server: \(error)")
        }
    }

    /// Connects to a streamable-HTTP MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`.
    public static func connect(url: String, initializeTimeout: Duration = .seconds(30)) async throws
        -> MCPServerConnection
    {
        do {
            return try await open(
                StreamableHTTPTransport(endpoint: url), process: nil, serverInput: nil, timeout: initializeTimeout)
        } catch {
            throw AgentError.mcp("cannot connect to \(url): \(error)")
        }
    }

    /// The SDK's client waits forever for a server that never answers `initialize`, so the wait is bounded.
    private static func open(
        _ transport: any Transport, process: Process?, serverInput: FileHandle?, timeout: Duration
    ) async throws -> MCPServerConnection {
        let client = Client(name: "swiftlam", version: "0.1")
        let transport = ServerEndTransport(transport)
        switch await runWithTimeout(timeout, { try await client.connect(transport: transport) }) {
        case .finished(let initialized):
            return MCPServerConnection(
                client: client, process: process, serverInput: serverInput, serverName: initialized.serverInfo.name)
        case .failed(let error):
            await client.disconnect()
            throw error
        case .timedOut:
            await client.disconnect()
            throw AgentError.mcp("no answer to initialize within \(timeout)")
        }
    }

    private init(client: Client, process: Process?, serverInput: FileHandle?, serverName: String) {
        self.client = client
        self.process = process
        self.serverInput = serverInput
        self.serverName = serverName
    }

    /// The server's tools. MCP's `destructiveHint` (or a missing `readOnlyHint`, which MCP treats as possibly
    /// destructive) marks a tool as having side effects, unless the server says it is read-only.
    public func tools() async throws -> [MCPServerTool] {
        var tools: [MCPServerTool] = []
        var cursor: String? = nil
        repeat {
            let page = try await client.listTools(cursor: cursor)
            for tool in page.tools {
                let readOnly = tool.annotations.readOnlyHint ?? false
                let destructive = tool.annotations.destructiveHint ?? !readOnly
                tools.append(
                    MCPServerTool(
                        definition: ToolDefinition(
                            name: tool.name, description: tool.description,
                            parameters: MCPValueMapping.json(tool.inputSchema)),
                        hasSideEffects: destructive && !readOnly,
                        connection: self))
            }
            cursor = page.nextCursor
        } while cursor != nil
        return tools
    }

    func callTool(_ name: String, arguments: JSONValue) async throws -> String {
        guard case .object(let object) = MCPValueMapping.value(arguments) else {
            throw ToolFailure("arguments must be an object")
        }
        let result = try await client.callTool(name: name, arguments: object)
        let text = result.content.map(MCPValueMapping.text).joined(separator: "\n")
        if result.isError == true { throw ToolFailure(text) }
        return text
    }

    /// Disconnects; a stdio server is shut down as MCP asks: its input is closed, and it is stopped if it has not
    /// exited 2 seconds later.
    public func close() async {
        await client.disconnect()
        guard let process else { return }
        try? serverInput?.close()
        if await process.exited(within: .seconds(2)) { return }
        await process.stop()
    }
}

/// One tool of an MCP server.
public struct MCPServerTool: AgentTool {
    public let definition: ToolDefinition
    public let hasSideEffects: Bool
    let connection: MCPServerConnection

    public func call(arguments: JSONValue) async throws -> String {
        try await connection.callTool(definition.name, arguments: arguments)
    }
}

/// Converts between the SDK's `Value` and `JSONValue`. The SDK keeps objects in dictionaries, so a server's key
/// order is lost; keys are sorted to keep prompts stable.
enum MCPValueMapping {
    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .integer(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .data(let mimeType, let data):
            .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): .array(items.map(json))
        case .object(let object):
            .object(JSONObject(uniqueKeysWithValues: object.keys.sorted().map { ($0, json(object[$0]!)) }))
        }
    }

    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(value))
        case .object(let object): .object(Dictionary(uniqueKeysWithValues: object.map { ($0.key, value($0.value)) }))
        }
    }

    static func text(_ content: Tool.Content) -> String {
        switch content {
        case .text(let text, _, _): text
        case .image(_, let mimeType, _, _): "[image \(mimeType)]"
        case .audio(_, let mimeType, _, _): "[audio \(mimeType)]"
        case .resource(let resource, _, _): resource.text ?? "[resource \(resource.uri)]"
        case .resourceLink(let uri, let name, _, _, _, _): "[resource link \(name): \(uri)]"
        }
    }
}
