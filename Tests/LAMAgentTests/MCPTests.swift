import Foundation
import LAMAgent
import LAMJSON
import LAMToolCalling
import Testing

/// The to-do server in MCPServers/todo_server.py, written with the Python `mcp` SDK, driven for real.
@Suite(.serialized) struct MCPTests {
    static let server = ReferencePython.script("MCPServers/todo_server.py")

    /// Runs `body` with a stdio connection to the to-do server, closing it (and ending the server) afterwards.
    static func withStdioServer<T>(
        _ extraArguments: [String] = [], _ body: (MCPServerConnection) async throws -> T
    ) async throws -> T {
        let connection = try await MCPServerConnection.launch(
            [try ReferencePython.path(), Self.server] + extraArguments)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    @Test func stdioServerToolsAndStatefulCalls() async throws {
        try await Self.withStdioServer { try await checkTodoServer($0) }
    }

    @Test func streamableHTTPServerToolsAndStatefulCalls() async throws {
        try await withServer([Self.server, "--http", "0"]) { server in
            let connection = try await retrying {
                try await MCPServerConnection.connect(url: "http://127.0.0.1:\(server.port)/mcp")
            }
            try await checkTodoServer(connection)
            await connection.close()
        }
    }

    @Test func agentDrivesTheServerThroughTheLoop() async throws {
        try await Self.withStdioServer { connection in
            let tools = try await connection.tools()
            let model = ScriptedModel([
                ModelReply(content: "", calls: [call("add_todo", #"{"title": "write report"}"#)]),
                // Independent calls, run concurrently.
                ModelReply(content: "", calls: [
                    call("add_todo", #"{"title": "call Bob"}"#), call("complete_todo", #"{"id": 1}"#),
                ]),
                ModelReply(content: "", calls: [call("complete_todo", #"{"id": "one"}"#), call("list_todos", "{}")]),
                ModelReply(content: "Done: write report. Open: call Bob."),
            ])
            let agent = try Agent(model: model, tools: tools, limits: AgentLimits(maximumSteps: 6))
            let outcome = try await agent.run("add two to-dos and complete the first")
            #expect(outcome.stop == .answered)
            let results = model.conversations[3].filter { $0.role == .tool }.map(\.content)
            #expect(results.count == 5)
            #expect(results[0...2] == ["added #1: write report", "added #2: call Bob", "completed #1"])
            #expect(results[3].hasPrefix("Error: arguments at '/id': expected integer"))  // caught by the validator, never sent
            #expect(results[4] == "#1 [x] write report (priority 1)\n#2 [ ] call Bob (priority 1)")
        }
    }

    private func checkTodoServer(_ connection: MCPServerConnection) async throws {
        let tools = try await connection.tools()
        #expect(tools.map(\.definition.name) == ["add_todo", "list_todos", "complete_todo"])
        let add = try #require(tools.first)
        #expect(add.definition.description == "Add a to-do item and return its id.")
        #expect(add.definition.parameters["properties"]?["title"]?["type"] == "string")
        #expect(add.definition.parameters["required"] == ["title"])
        #expect(tools.map(\.hasSideEffects) == [false, false, true])
        // The schemas the server sent compile for validation.
        _ = try ToolCallValidator(tools: tools.map(\.definition))

        #expect(try await add.call(arguments: ["title": "buy milk", "priority": 2]) == "added #1: buy milk")
        #expect(try await add.call(arguments: ["title": "walk"]) == "added #2: walk")
        #expect(try await tools[2].call(arguments: ["id": 2]) == "completed #2")
        await #expect(throws: ToolFailure.self) { try await tools[2].call(arguments: ["id": 9]) }
        #expect(try await tools[1].call(arguments: [:]) == "#1 [ ] buy milk (priority 2)\n#2 [x] walk (priority 1)")
        #expect(try await tools[1].call(arguments: ["include_done": false]) == "#1 [ ] buy milk (priority 2)")
    }

    @Test func serverThatIsNotMCPFailsWithItsCommand() async throws {
        await #expect(throws: AgentError.self) {
            _ = try await MCPServerConnection.launch(
                ["/bin/sh", "-c", "echo not-json; exit 0"], initializeTimeout: .seconds(2))
        }
    }
}

extension MCPTests {
    /// A server that dies during a call fails that call (and later ones) at once; it does not leave them waiting.
    @Test func serverThatExitsMidCallFailsTheCall() async throws {
        try await Self.withStdioServer(["--crash-on", "complete_todo"]) { connection in
            let tools = try await connection.tools()
            #expect(try await tools[0].call(arguments: ["title": "x"]) == "added #1: x")
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await tools[2].call(arguments: ["id": 1]) }
            await #expect(throws: (any Error).self) { try await tools[1].call(arguments: [:]) }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}
