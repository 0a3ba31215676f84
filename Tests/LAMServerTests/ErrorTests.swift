import Hummingbird
import HummingbirdTesting
import LAMJSON
import LAMOpenAIAPI
import LAMServer
import LAMServerTestSupport
import Testing

@Test func malformedJSONIs400() async throws {
    try await withServer { client in
        let response = try await client.send("/v1/chat/completions", method: .post, body: #"{"model": "scripted-model", "#)
        #expect(response.status == .badRequest)
        let error = try response.apiError()
        #expect(error.type == "invalid_request_error")
        #expect(error.message.contains("unexpected end of input at byte 28"))
    }
}

@Test func badFieldIs400NamingTheField() async throws {
    try await withServer { client in
        var request = chatRequest("hi").objectValue!
        request["temperature"] = 7
        let response = try await client.post("/v1/chat/completions", json: JSONValue.object(request))
        #expect(response.status == .badRequest)
        let error = try response.apiError()
        #expect(error.param == "temperature")
        #expect(error.message.contains("temperature"))

        let missing = try await client.post("/v1/completions", json: ["model": "scripted-model"])
        #expect(missing.status == .badRequest)
        #expect(try missing.apiError().param == "prompt")
    }
}

@Test func unknownModelIs404() async throws {
    try await withServer { client in
        let response = try await client.post("/v1/chat/completions", json: chatRequest("hi", model: "gpt-9"))
        #expect(response.status == .notFound)
        let error = try response.apiError()
        #expect(error.code == "model_not_found" && error.param == "model")
        #expect(error.message.contains("gpt-9"))
    }
}

@Test func promptOverTheContextIs400WithTheCounts() async throws {
    try await withServer(ScriptedBackend(contextLength: 10)) { client in
        let long = Array(repeating: "word", count: 12).joined(separator: " ")
        let tooLong = try await client.post("/v1/chat/completions", json: chatRequest(long))
        #expect(tooLong.status == .badRequest)
        let error = try tooLong.apiError()
        #expect(error.code == "context_length_exceeded")
        #expect(error.message.contains("maximum context length is 10 tokens") && error.message.contains("resulted in 13 tokens"))

        let withCompletion = try await client.post("/v1/chat/completions", json: chatRequest("a b c", maxTokens: 8))
        #expect(withCompletion.status == .badRequest)
        #expect(try withCompletion.apiError().message.contains("you requested 12 tokens (4 in the messages, 8 in the completion)"))

        // Without max_tokens the completion gets the rest of the context.
        let fits = try await client.post("/v1/chat/completions", json: chatRequest("a b c d e f g h"))
        #expect(fits.status == .ok)
        #expect(try ChatCompletionResponse(json: fits.json()).choices.first?.finishReason == .length)
    }
}

@Test func apiKeyIsRequiredOnTheAPI() async throws {
    try await withServer(configuration: ServerConfiguration(apiKey: "sekrit")) { client in
        let missing = try await client.post("/v1/chat/completions", json: chatRequest("hi"))
        #expect(missing.status == .unauthorized)
        #expect(try missing.apiError().message.contains("didn't provide an API key"))

        let wrong = try await client.get("/v1/models", headers: [.authorization: "Bearer nope"])
        #expect(wrong.status == .unauthorized)
        #expect(try wrong.apiError().code == "invalid_api_key")

        let right = try await client.post("/v1/chat/completions", json: chatRequest("hi"), headers: [.authorization: "Bearer sekrit"])
        #expect(right.status == .ok)
        // Probes and scrapers need no key.
        #expect(try await client.get("/health").status == .ok)
        #expect(try await client.get("/metrics").status == .ok)
    }
}

@Test func bodyOverTheLimitIs413() async throws {
    try await withServer(configuration: ServerConfiguration(maxRequestBytes: 1024)) { client in
        let response = try await client.post("/v1/chat/completions", json: chatRequest(String(repeating: "x", count: 2000)))
        #expect(response.status == .contentTooLarge)
        #expect(try response.apiError().type == "invalid_request_error")
    }
}

@Test func unknownRoutesAndMethodsGetOpenAIErrors() async throws {
    try await withServer { client in
        let route = try await client.post("/v1/embeddings", json: ["input": "x"])
        #expect(route.status == .notFound)
        #expect(try route.apiError().message.contains("/v1/embeddings"))
        let method = try await client.get("/v1/chat/completions")
        #expect([.notFound, .methodNotAllowed].contains(method.status))
        _ = try method.apiError()
    }
}
