import Foundation
import LAMAgent
import LAMJSON
import LAMToolCalling
import Testing

/// The remote backend against a scripted OpenAI-compatible stub (Stubs/openai_stub_server.py) on loopback.
@Suite(.serialized) struct OpenAIEndpointTests {
    static let stub = ReferencePython.script("Stubs/openai_stub_server.py")

    struct TodoInput: Codable, Sendable {
        var title: String
        var priority: Int?
    }

    private func runTurn(stream: Bool) async throws -> (TurnOutcome, [AgentEvent], [JSONValue]) {
        let requestLog = FileManager.default.temporaryDirectory.appendingPathComponent("stub-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: requestLog) }
        let tool = try SwiftTool(name: "add_todo", description: "Add a to-do") { (input: TodoInput) in
            "added #1: \(input.title) (priority \(input.priority ?? 1))"
        }
        let log = EventLog()
        let outcome = try await withServer([Self.stub, requestLog.path]) { server in
            let model = OpenAIEndpointModel(
                baseURL: "http://127.0.0.1:\(server.port)/v1", modelName: "xlam",
                sampling: stream ? ["temperature": 0] : ["stream": false])
            let agent = try Agent(model: model, tools: [tool], systemPrompt: "You manage to-dos.")
            return try await agent.run("remember to buy milk", events: log.record)
        }
        let requests = try String(contentsOf: requestLog, encoding: .utf8).split(separator: "\n").map {
            try JSONValue(parsing: String($0))
        }
        return (outcome, log.events, requests)
    }

    @Test func streamedCallsAreAssembledExecutedAndSentBack() async throws {
        let (outcome, events, requests) = try await runTurn(stream: true)
        #expect(outcome == TurnOutcome(stop: .answered, answer: "Added \"buy milk\" as #1.", steps: 2))
        #expect(events.filter { if case .text = $0 { true } else { false } }
            == [.text("Added "), .text("\"buy milk\" "), .text("as #1.")])
        #expect(events.contains(.call(AgentToolCall(id: "call_a", name: "add_todo",
                                                    arguments: #"{"title": "buy milk", "priority": 2}"#))))
        #expect(requests.count == 2)
        let second = requests[1]
        #expect(second["model"] == "xlam")
        #expect(second["temperature"] == 0)
        #expect(second["tools"]?[0]?["function"]?["parameters"]?["required"] == ["title"])
        #expect(second["messages"]?[2]?["tool_calls"]?[0]?["id"] == "call_a")
        #expect(second["messages"]?[3] == [
            "role": "tool", "content": "added #1: buy milk (priority 2)", "tool_call_id": "call_a", "name": "add_todo",
        ])
    }

    @Test func wholeCompletionsWorkToo() async throws {
        let (outcome, _, requests) = try await runTurn(stream: false)
        #expect(outcome.answer == "Added \"buy milk\" as #1.")
        #expect(requests[1]["messages"]?[3]?["content"] == "added #1: buy milk (priority 2)")
    }

    @Test func httpErrorsNameTheStatusAndBody() async throws {
        try await withServer([Self.stub, "/dev/null"]) { server in
            let model = OpenAIEndpointModel(baseURL: "http://127.0.0.1:\(server.port)/v1", modelName: "missing-model")
            do {
                _ = try await model.reply(to: [.user("hi")], tools: [], onText: { _ in })
                Issue.record("no error")
            } catch let error as AgentError {
                #expect(error.description.contains("answered 404"))
                #expect(error.description.contains("model 'missing-model' not found"))
            }
        }
    }
}
