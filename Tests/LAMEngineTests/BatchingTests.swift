import LAMEngine
import LAMJSON
import LAMTestSupport
import Testing

/// Concurrent requests decode together in batches; each gets what it would get alone, and a new request
/// continues the cached sequence that shares the longest prefix with its prompt.
@Suite struct BatchingTests {
    static let requests: [ChatRequest] = [
        ChatRequest(messages: [user("Name three rivers in Europe.")], maxTokens: 24),
        ChatRequest(messages: [user("What's the weather in Paris?")], tools: weatherTools, toolChoice: .required,
                    maxTokens: 40),
        ChatRequest(messages: [user("Count from one to ten in words.")], maxTokens: 30, stop: ["seven"]),
        ChatRequest(messages: [user("Write a haiku about compilers.")], maxTokens: 20),
    ]

    /// Greedy replies of four requests running at once (batched decode, prompts interleaved) equal the same
    /// requests run one after another.
    @Test func concurrentRequestsGiveTheSerialReplies() async throws {
        let model = try Shared.model.get()
        let serialEngine = Engine(model: model, contextSize: 1024)
        var serial: [ChatCompletion] = []
        for request in Self.requests { serial.append(try await serialEngine.complete(request)) }

        let batched = Engine(model: model, contextSize: 1024, maxConcurrency: 4)
        let concurrent = try await withThrowingTaskGroup(of: (Int, ChatCompletion).self) { group in
            for (index, request) in Self.requests.enumerated() {
                group.addTask { (index, try await batched.complete(request)) }
            }
            var replies = [ChatCompletion?](repeating: nil, count: Self.requests.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.map { $0! }
        }
        for (alone, together) in zip(serial, concurrent) {
            #expect(together.text == alone.text)
            #expect(together.finishReason == alone.finishReason)
            #expect(together.usage.promptTokens == alone.usage.promptTokens)
            #expect(together.usage.completionTokens == alone.usage.completionTokens)
            #expect(together.toolCalls.map(\.call.name) == alone.toolCalls.map(\.call.name))
            #expect(together.toolCalls.map(\.call.arguments) == alone.toolCalls.map(\.call.arguments))
        }
    }

    /// Two conversations alternate on an engine with room for both caches: each next turn continues its own
    /// conversation's cache (the longest shared prefix), not the one used last, and replies as a fresh
    /// evaluation does.
    @Test func aNewTurnContinuesItsOwnConversation() async throws {
        let model = try Shared.model.get()
        let engine = Engine(model: model, contextSize: 1024, maxConcurrency: 1, cachedSequences: 2)
        let fresh = Engine(model: model, contextSize: 1024, reusesPrefix: false)
        var paris = ChatRequest(messages: [user("What's the weather in Paris?")], tools: weatherTools,
                                toolChoice: .required, maxTokens: 40)
        let tokyo = ChatRequest(messages: [user("Tell me a fact about Tokyo.")], maxTokens: 16)
        let parisTurn1 = try await engine.complete(paris)
        _ = try await engine.complete(tokyo)
        #expect(await engine.cachedTokens().count > 0)
        paris.messages += [
            ["role": "assistant", "content": .string(parisTurn1.text)],
            user("And in Rome?"),
        ]
        let parisTurn2 = try await engine.complete(paris)
        let baseline = try await fresh.complete(paris)
        // The whole first turn's prompt (and more) came from the Paris cache; the Tokyo one shares only the
        // system prompt.
        #expect(parisTurn2.usage.cachedPromptTokens >= parisTurn1.usage.promptTokens)
        #expect(baseline.usage.cachedPromptTokens == 0)
        #expect(parisTurn2.text == baseline.text)
    }
}
