import Foundation
import LAMAgent
import LAMJSON
import Testing

@Suite struct CommandToolTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func exampleToolsFileRunsItsProgram() async throws {
        let tools = try CommandTool.load(from: Self.repository.appendingPathComponent("examples/agent/tools.json"))
        #expect(tools.map(\.definition.name) == ["word_count"])
        let tool = CommandTool(
            definition: tools[0].definition,
            command: ["python3", Self.repository.appendingPathComponent("examples/agent/word_count.py").path],
            hasSideEffects: false)
        #expect(try await tool.call(arguments: ["text": "one two three"]) == #"{"words": 3, "characters": 13}"#)
    }

    @Test func failingProgramReportsItsExitAndStandardError() async throws {
        let tool = CommandTool(
            definition: .init(name: "fails", parameters: ["type": "object"]),
            command: ["sh", "-c", "cat >/dev/null; echo 'no such city' >&2; exit 3"], hasSideEffects: false)
        do {
            _ = try await tool.call(arguments: [:])
            Issue.record("no failure")
        } catch let failure as ToolFailure {
            #expect(failure.message == "exit 3: no such city")
        }
    }

    @Test func toolsFileWithoutCommandIsRejected() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tools-\(UUID()).json")
        try Data(#"[{"type": "function", "function": {"name": "x", "parameters": {"type": "object"}}}]"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: AgentError.self) { try CommandTool.load(from: file) }
    }
}

extension CommandToolTests {
    @Test func programThatHangsIsStoppedAtTheToolTimeout() async throws {
        let hangs = CommandTool(
            definition: .init(name: "hangs", parameters: ["type": "object"]),
            command: ["sh", "-c", "cat >/dev/null; sleep 300"], hasSideEffects: false)
        let model = ScriptedModel([ModelReply(content: "", calls: [call("hangs", "{}")]), ModelReply(content: "ok")])
        let agent = try Agent(
            model: model, tools: [hangs], limits: AgentLimits(maximumSteps: 2, toolTimeout: .milliseconds(300)))
        let started = ContinuousClock.now
        try await agent.run("go")
        // Only shows the program was not waited for: model tests running beside it hold both cooperative
        // threads for over a minute, delaying the timeout's wake-up.
        #expect(ContinuousClock.now - started < .seconds(240))
        #expect(model.conversations[1].last?.content == "Error: hangs did not finish within 0.3 s.")
    }
}
