import Foundation
import LAMAgent
import LAMEngine
import LAMJSON
import LAMTestSupport
import Testing

/// The agent on a real model (Qwen2.5-Coder 0.5B, in process, greedy) with the real to-do MCP server: a task of
/// two steps (add an item, then list), then an answer.
///
/// Opt-in (SWIFTLAM_AGENT_E2E=1) because it does not pass yet: the 0.5B makes the first call right
/// (add_todo "buy milk"), but writes its second reply as bare JSON text (`{"name": "list_t…`), which the engine's
/// `auto` tool choice does not constrain (only a reply opening with `<tool_call>` is), so the parser then finds a
/// run of repeated calls in that text and the turn ends at the step limit.
@Suite struct EndToEndTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLAM_AGENT_E2E"] == "1"))
    func addThenListThenAnswer() async throws {
        try await MCPTests.withStdioServer { connection in
            let engine = Engine(model: try LoadedModel.load(path: try TestModel.qwen05b.path()), contextSize: 4096)
            let log = EventLog()
            let agent = try Agent(
                model: EngineModel(engine: engine, maxTokens: 128, parallelToolCalls: false),
                tools: try await connection.tools(), limits: AgentLimits(maximumSteps: 4, toolTimeout: .seconds(10)))
            let outcome = try await agent.run("Add 'buy milk' to my to-do list, then show me the list.", events: log.record)

            var trajectory = ""
            for event in log.events { if case .text(let text) = event { trajectory += text } else { trajectory += "\n\(event)\n" } }
            let calls = log.events.compactMap { event -> AgentToolCall? in
                if case .call(let call) = event { call } else { nil }
            }
            let results = log.events.compactMap { event -> String? in
                if case .result(_, _, let content, false) = event { content } else { nil }
            }
            #expect(calls.map(\.name) == ["add_todo", "list_todos"], "\(trajectory)")
            #expect(results == ["added #1: buy milk", "#1 [ ] buy milk (priority 1)"], "\(trajectory)")
            #expect(outcome.stop == .answered, "\(trajectory)")
            #expect(outcome.answer.contains("buy milk"), "\(trajectory)")
        }
    }
}
