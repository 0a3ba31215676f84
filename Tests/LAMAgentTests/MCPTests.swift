import Foundation
import LAMAgent
import LAMJSON
import LAMToolCalling
import Testing

/// The to-do server in MCPServers/todo_server.py, written with the Python `mcp` SDK, driven for real.
@Suite(.serialized) struct MCPTests {
    static let server = ReferencePython.script("MCPServers/todo_server.py")

    @Test func stdioServerToolsAndStatefulCalls() async throws {
        let connection = try await MCPServerConnection.launch([try ReferencePython.path(), Self.server])
        defer { Task { await connection.close() } }
        try await checkTodoServer(connection)
        await connection.close()
    }

    @Test func streamableHTTPServerToolsAndStatefulCalls() async throws {
        let process = try ServerProcess([Self.server, "--http", "0"])
        defer { process.stop() }
        let connection = try await retrying {
            try await MCPServerConnection.connect(url: "http://127.0.0.1:\(process.port)/mcp")
        }
        try await checkTodoServer(connection)
        await connection.close()
    }

    @Test func agentDrivesTheServerThroughTheLoop() async throws {
        let connection = try await MCPServerConnection.launch([try ReferencePython.path(), Self.server])
        let tools = try await connection.tools()
        let model = ScriptedModel([
            ModelReply(content: "", calls: [
                call("add_todo", #"{"title": "write report"}"#), call("add_todo", #"{"title": "call Bob"}"#),
            ]),
            ModelReply(content: "", calls: [call("complete_todo", #"{"id": 1}"#)]),
            ModelReply(content: "", calls: [call("complete_todo", #"{"id": "one"}"#), call("list_todos", "{}")]),
            ModelReply(content: "Done: write report. Open: call Bob."),
        ])
        let agent = try Agent(model: model, tools: tools, limits: AgentLimits(maximumSteps: 6))
        let outcome = try await agent.run("add two to-dos and complete the first")
        await connection.close()
        #expect(outcome.stop == .answered)
        let results = model.conversations[3].filter { $0.role == .tool }.map(\.content)
        #expect(results.count == 5)
        #expect(results[0] == "added #1: write report")
        #expect(results[2] == "completed #1")
        #expect(results[3].hasPrefix("Error: arguments at 'id'"))  // caught by the validator, never sent
        #expect(results[4] == "#1 [x] write report (priority 1)\n#2 [ ] call Bob (priority 1)")
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
