import Hummingbird
import HummingbirdTesting
import LAMJSON
import LAMOpenAIAPI
import LAMServer
import LAMServerTestSupport
import NIOPosix
import Testing

@Test func concurrentClientsAllGetTheirOwnAnswers() async throws {
    let backend = ScriptedBackend(tokenDelay: .milliseconds(2))
    try await withServer(backend, configuration: ServerConfiguration(maxConcurrentGenerations: 4, maxQueuedRequests: 16)) { client in
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let response = try await client.post("/v1/chat/completions", json: chatRequest("client \(index)"))
                    #expect(response.status == .ok)
                    let completion = try ChatCompletionResponse(json: response.json())
                    #expect(completion.choices.first?.content == "Echo: client \(index)")
                }
            }
            try await group.waitForAll()
        }
    }
}

@Test func fullQueueIs429() async throws {
    let backend = ScriptedBackend(tokenDelay: .milliseconds(300))
    try await withServer(backend, configuration: ServerConfiguration(maxConcurrentGenerations: 1, maxQueuedRequests: 1)) { client in
        // Two slow requests take the one slot and the one place in line.
        let slow = (0..<2).map { index in
            Task { try await client.post("/v1/chat/completions", json: chatRequest("slow \(index)")).status }
        }
        #expect(try await client.metricsShow("lam_generations_active_sequences 1", "lam_queue_waiting_requests 1"))
        let rejected = try await client.post("/v1/chat/completions", json: chatRequest("one too many"))
        #expect(rejected.status == .tooManyRequests)
        #expect(try rejected.apiError().code == "queue_full")
        for task in slow { #expect(try await task.value == .ok) }
        // Once the line is empty again, requests are served.
        #expect(try await client.post("/v1/chat/completions", json: chatRequest("again", maxTokens: 1)).status == .ok)
    }
}

@Test func disconnectingClientCancelsItsGeneration() async throws {
    let backend = ScriptedBackend(tokenDelay: .milliseconds(50))
    try await withServer(backend) { client in
        for stream in [true, false] {
            let before = await backend.cancellations.count
            let longText = Array(repeating: "word", count: 200).joined(separator: " ")
            let own = TestClient(host: "127.0.0.1", port: client.port)
            own.connect()
            try await own.executeAndDontWaitForResponse(.init(
                "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: chatRequest(longText, stream: stream).compactJSON)))
            #expect(try await client.metricsShow("lam_generations_active_sequences 1"))
            try await own.close()
            // 200 tokens at 50 ms would take 10 s; cancellation must come long before.
            var waited = 0
            while await backend.cancellations.count == before, waited < 50 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            #expect(await backend.cancellations.count == before + 1, "stream: \(stream)")
            try? await own.shutdown()
        }
        let metrics = try await client.get("/metrics").text
        #expect(metrics.contains("lam_generations_cancelled_total 2"))
    }
}

@Test func clientLeavingTheLineFreesItsPlace() async throws {
    let backend = ScriptedBackend(tokenDelay: .milliseconds(300))
    try await withServer(backend, configuration: ServerConfiguration(maxConcurrentGenerations: 1, maxQueuedRequests: 1)) { client in
        // One request generates (about three seconds), a second waits in line, then its client hangs up.
        let running = Task { try await client.post("/v1/chat/completions", json: chatRequest("a b c d e f g h")).status }
        #expect(try await client.metricsShow("lam_generations_active_sequences 1"))
        let waiting = TestClient(host: "127.0.0.1", port: client.port)
        waiting.connect()
        try await waiting.executeAndDontWaitForResponse(.init(
            "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: chatRequest("waiting").compactJSON)))
        #expect(try await client.metricsShow("lam_queue_waiting_requests 1"))
        try await waiting.close()
        #expect(try await client.metricsShow("lam_queue_waiting_requests 0", "lam_generations_active_sequences 1"))
        // Its place is free again while the first request still runs: one more may wait.
        let next = try await client.post("/v1/chat/completions", json: chatRequest("next"))
        #expect(next.status == .ok)
        #expect(try await running.value == .ok)
        // It never generated, so nothing was cancelled in the backend.
        #expect(await backend.cancellations.count == 0)
        try? await waiting.shutdown()
    }
}
