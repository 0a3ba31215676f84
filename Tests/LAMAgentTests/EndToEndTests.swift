import Foundation
import LAMAgent
import LAMEngine
import LAMJSON
import LAMTestSupport
import Testing

/// The agent on a real model (Qwen2.5-Coder 1.5B, our stand-in for xLAM-2-1b, in process, greedy) with the real
/// to-do MCP server, on a task of two dependent steps: add an item, then complete it by the id the first result
/// gave. The task is done when the server's state says so, whatever the model writes around it.
///
/// How the turn ends is the model's choice: after the results this model ends its reply at once, with no text
/// (llama.cpp's greedy continuation of the same prompt is empty too), so an empty final reply counts as the end of
/// the turn; running out of steps does not. The 0.5B cannot do the task: it repeats add_todo at every step.
@Suite struct EndToEndTests {
    @Test func addThenCompleteByTheReturnedID() async throws {
        try await MCPTests.withStdioServer { connection in
            let tools = try await connection.tools()
            let engine = Engine(model: try LoadedModel.load(path: try TestModel.qwen15b.path()), contextSize: 4096)
            let log = EventLog()
            let agent = try Agent(
                model: EngineModel(engine: engine, maxTokens: 128, parallelToolCalls: false),
                tools: tools, limits: AgentLimits(maximumSteps: 5, toolTimeout: .seconds(10)))
            let outcome = try await agent.run("Add 'buy milk' to my to-do list, then mark it as done.", events: log.record)

            var trajectory = ""
            for event in log.events { if case .text(let text) = event { trajectory += text } else { trajectory += "\n\(event)\n" } }
            let calls = log.events.compactMap { event -> AgentToolCall? in
                if case .call(let call) = event { call } else { nil }
            }
            let results = log.events.compactMap { event -> (content: String, isError: Bool)? in
                if case .result(_, _, let content, let isError) = event { (content, isError) } else { nil }
            }
            #expect(Array(calls.map(\.name).prefix(2)) == ["add_todo", "complete_todo"], "\(trajectory)")
            #expect(Array(results.map(\.content).prefix(2)) == ["added #1: buy milk", "completed #1"], "\(trajectory)")
            #expect(results.allSatisfy { !$0.isError }, "\(trajectory)")
            #expect(outcome.stop != .stepLimit, "\(trajectory)")

            let listTodos = try #require(tools.first { $0.definition.name == "list_todos" })
            #expect(try await listTodos.call(arguments: [:]) == "#1 [x] buy milk (priority 1)", "\(trajectory)")
        }
    }
}
