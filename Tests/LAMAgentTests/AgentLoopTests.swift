import Foundation
import LAMAgent
import LAMJSON
import LAMToolCalling
import Synchronization
import Testing

struct AddInput: Codable, Sendable {
    var a: Int
    var b: Int
}

private func adder() throws -> SwiftTool<AddInput, Int> {
    try SwiftTool(name: "add", description: "Adds two integers") { (input: AddInput) in input.a + input.b }
}

struct NoInput: Codable, Sendable {}

/// Two calls that can only both finish when they run at the same time.
actor Rendezvous {
    private var arrived = 0
    func arriveAndWait(expected: Int) async throws {
        arrived += 1
        while arrived < expected { try await Task.sleep(for: .milliseconds(5)) }
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

@Suite struct AgentLoopTests {
    @Test func callThenAnswerKeepsOneResultMessagePerCall() async throws {
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("add", #"{"a": 2, "b": 3}"#), call("add", #"{"a": 10, "b": -4}"#)]),
            ModelReply(content: "The sums are 5 and 6."),
        ])
        let log = EventLog()
        let agent = try Agent(model: model, tools: [try adder()], systemPrompt: "Be brief.")
        let outcome = try await agent.run("add 2+3 and 10-4", events: log.record)
        #expect(outcome == TurnOutcome(stop: .answered, answer: "The sums are 5 and 6.", steps: 2))
        let second = model.conversations[1]
        #expect(second.map(\.role) == [.system, .user, .assistant, .tool, .tool])
        #expect(second[2].toolCalls.map(\.id) == ["call_1", "call_2"])
        #expect(second[3] == AgentMessage(role: .tool, content: "5", toolCallID: "call_1", name: "add"))
        #expect(second[4] == AgentMessage(role: .tool, content: "6", toolCallID: "call_2", name: "add"))
        #expect(log.events.last == .answer("The sums are 5 and 6."))
        #expect(log.events.contains(.result(callID: "call_2", name: "add", content: "6", isError: false)))
    }

    @Test func unknownToolIsReportedToTheModel() async throws {
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("multiply", #"{"a": 2}"#)]),
            ModelReply(content: "I cannot multiply."),
        ])
        let agent = try Agent(model: model, tools: [try adder()])
        let outcome = try await agent.run("2*3")
        #expect(outcome.stop == .answered)
        let result = try #require(model.conversations[1].last)
        #expect(result.role == .tool)
        #expect(result.content.contains("no tool named 'multiply' (tools: add)"))
    }

    @Test func invalidArgumentsAreReportedWithTheReason() async throws {
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("add", #"{"a": "two", "b": 3}"#), call("add", #"{"a": 1"#)]),
            ModelReply(content: "Sorry."),
        ])
        let agent = try Agent(model: model, tools: [try adder()])
        try await agent.run("add")
        let results = model.conversations[1].suffix(2).map(\.content)
        #expect(results[0].hasPrefix("Error: arguments at '"))
        #expect(results[0].contains("a"))
        #expect(results[1].hasPrefix("Error: arguments are not JSON"))
    }

    @Test func throwingToolBecomesAnErrorResultAndTheLoopGoesOn() async throws {
        let failing = try SwiftTool(name: "fail", description: "Always fails") { (_: NoInput) -> String in
            throw ToolFailure("disk full")
        }
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("fail", "{}")]),
            ModelReply(content: "The tool failed: disk full."),
        ])
        let log = EventLog()
        let agent = try Agent(model: model, tools: [failing])
        let outcome = try await agent.run("go", events: log.record)
        #expect(outcome.answer == "The tool failed: disk full.")
        #expect(log.events.contains(.result(callID: "call_1", name: "fail", content: "Error: fail failed: disk full",
                                            isError: true)))
    }

    @Test func slowToolTimesOutEvenIfItIgnoresCancellation() async throws {
        // Deaf to cancellation, without holding a thread: resumed by a Dispatch timer 300 s later. The bound
        // below only shows the agent did not wait for the tool: in the full suite, model tests hold both
        // cooperative threads for over a minute (65 s measured), delaying the timeout's wake-up.
        let slow = try SwiftTool(name: "slow", description: "Sleeps") { (_: NoInput) -> String in
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 300) { continuation.resume() }
            }
            return "done"
        }
        let model = ScriptedModel([ModelReply(content: "", calls: [call("slow", "{}")]), ModelReply(content: "ok")])
        let agent = try Agent(
            model: model, tools: [slow], limits: AgentLimits(maximumSteps: 4, toolTimeout: .milliseconds(200)))
        let started = ContinuousClock.now
        try await agent.run("go")
        #expect(ContinuousClock.now - started < .seconds(240))
        #expect(model.conversations[1].last?.content == "Error: slow did not finish within 0.2 s.")
    }

    @Test func stepLimitStopsAModelThatNeverAnswers() async throws {
        let replies = (0..<5).map { _ in ModelReply(content: "", calls: [call("add", #"{"a": 1, "b": 1}"#)]) }
        let model = ScriptedModel(replies)
        let log = EventLog()
        let agent = try Agent(model: model, tools: [try adder()], limits: AgentLimits(maximumSteps: 3))
        let outcome = try await agent.run("loop", events: log.record)
        #expect(outcome == TurnOutcome(stop: .stepLimit, answer: "", steps: 3))
        #expect(model.conversations.count == 3)
        #expect(log.events.last == .error("stopped after 3 steps without a final answer"))
    }

    @Test func callsOfOneTurnRunConcurrently() async throws {
        let rendezvous = Rendezvous()
        let meet = try SwiftTool(name: "meet", description: "Waits for the other call") { (_: NoInput) -> String in
            try await rendezvous.arriveAndWait(expected: 2)
            return "met"
        }
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("meet", "{}"), call("meet", "{}")]), ModelReply(content: "both met"),
        ])
        let agent = try Agent(
            model: model, tools: [meet], limits: AgentLimits(maximumSteps: 3, toolTimeout: .seconds(5)))
        try await agent.run("meet twice")
        #expect(model.conversations[1].suffix(2).map(\.content) == ["met", "met"])
    }

    /// A call repeating one that already succeeded earlier in the turn (argument order aside) gets the earlier
    /// result back instead of running again: a small model's stutter must not repeat a side effect. Identical
    /// calls within one reply run, and with `rerunsRepeatedCalls` every repeat runs.
    @Test(arguments: [false, true])
    func repeatedCallsOfATurnRunOnceUnlessAllowed(rerun: Bool) async throws {
        let runs = Counter()
        let count = try SwiftTool(name: "count", description: "Counts its runs") { (_: AddInput) in runs.increment() }
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("count", #"{"a": 1, "b": 2}"#), call("count", #"{"a": 1, "b": 2}"#)]),
            ModelReply(content: "", calls: [call("count", #"{"b": 2, "a": 1}"#), call("count", #"{"a": 2, "b": 2}"#)]),
            ModelReply(content: "done"),
        ])
        let agent = try Agent(model: model, tools: [count], limits: AgentLimits(rerunsRepeatedCalls: rerun))
        let outcome = try await agent.run("count")
        #expect(outcome.stop == .answered)
        let results = model.conversations[2].filter { $0.role == .tool }.map(\.content)
        if rerun {
            #expect(results == ["1", "2", "3", "4"])
        } else {
            #expect(results.count == 4)
            #expect(results[0...1] == ["1", "2"])
            #expect(results[2].hasPrefix("Not run again: this exact call already ran in this turn and returned: 2\n"))
            #expect(results[3] == "3")
        }
    }

    @Test func emptyReplyEndsTheTurnWithAnError() async throws {
        let model = ScriptedModel([ModelReply(content: "  \n")])
        let log = EventLog()
        let agent = try Agent(model: model, tools: [])
        let outcome = try await agent.run("hello", events: log.record)
        #expect(outcome == TurnOutcome(stop: .emptyReply, answer: "", steps: 1))
        #expect(log.events.last == .error("the model replied with neither text nor a tool call"))
    }

    @Test func declinedSideEffectIsNotRun() async throws {
        let ran = Flag()
        let delete = try SwiftTool(name: "delete_all", description: "Deletes", hasSideEffects: true) {
            (_: NoInput) -> String in
            ran.set()
            return "deleted"
        }
        let model = ScriptedModel([ModelReply(content: "", calls: [call("delete_all", "{}")]), ModelReply(content: "ok")])
        let agent = try Agent(model: model, tools: [delete], confirmation: { _ in false })
        try await agent.run("clean up")
        #expect(!ran.isSet)
        #expect(model.conversations[1].last?.content == "Error: the user declined to run delete_all.")
    }

    @Test func backendFailureIsThrownAndReported() async throws {
        let model = ScriptedModel([])
        let log = EventLog()
        let agent = try Agent(model: model, tools: [])
        await #expect(throws: ScriptExhausted.self) { try await agent.run("hi", events: log.record) }
        #expect(log.events.count == 1)
    }

    @Test func duplicateToolNamesAreRejected() throws {
        #expect(throws: AgentError.duplicateTool("add")) {
            _ = try Agent(model: ScriptedModel([]), tools: [try adder(), try adder()])
        }
    }

    @Test func transcriptRoundTripsAndResumes() async throws {
        let model = ScriptedModel([
            ModelReply(content: "", calls: [call("add", #"{"a": 1, "b": 2}"#, id: "c1")]),
            ModelReply(content: "3"),
            ModelReply(content: "Still 3."),
        ])
        let agent = try Agent(model: model, tools: [try adder()], systemPrompt: "policy")
        try await agent.run("1+2?")
        let text = Transcript.jsonl(await agent.messages)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[2] == #"{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{\"a\": 1, \"b\": 2}"}}]}"#)
        let restored = try Transcript.parse(text)
        #expect(restored == (await agent.messages))

        let resumed = try Agent(model: model, tools: [try adder()], systemPrompt: "policy")
        await resumed.restore(restored)
        try await resumed.run("and now?")
        #expect(model.conversations.last?.count == 6)
        #expect(model.conversations.last?.last == .user("and now?"))
    }

    @Test func malformedTranscriptNamesTheLine() throws {
        #expect(throws: AgentError.self) { try Transcript.parse("{\"role\": \"user\", \"content\": \"hi\"}\n{oops") }
        do {
            _ = try Transcript.parse("{\"role\": \"user\", \"content\": \"hi\"}\n\n{\"role\": \"robot\"}")
            Issue.record("accepted a bad role")
        } catch {
            guard case .malformedTranscript(let line, _) = error else { Issue.record("\(error)"); return }
            #expect(line == 3)
        }
    }
}
