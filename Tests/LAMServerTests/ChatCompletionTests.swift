import Hummingbird
import HummingbirdTesting
import LAMJSON
import LAMOpenAIAPI
import LAMServer
import LAMServerTestSupport
import Testing

@Test func plainChatCompletion() async throws {
    try await withServer { client in
        let response = try await client.post("/v1/chat/completions", json: chatRequest("Hello there"))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        let completion = try ChatCompletionResponse(json: response.json())
        #expect(completion.id.hasPrefix("chatcmpl-"))
        #expect(completion.model == "scripted-model")
        #expect(completion.choices == [.init(content: "Echo: Hello there", finishReason: .stop)])
        // Prompt: one message of two words plus one per message; reply: three words.
        #expect(completion.usage == Usage(promptTokens: 3, completionTokens: 3))
        #expect(try response.json()["object"] == "chat.completion")
    }
}

@Test func streamedChatCompletion() async throws {
    try await withServer { client in
        let response = try await client.post(
            "/v1/chat/completions", json: chatRequest("one two three", stream: true, includeUsage: true))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/event-stream")
        let chunks = try response.chatChunks()
        #expect(chunks.first?.choices.first?.delta == .init(role: .assistant, content: ""))
        let pieces = chunks.compactMap { $0.choices.first?.delta.content }
        #expect(pieces == ["", "Echo:", " one", " two", " three"])
        #expect(chunks.dropLast().last?.choices.first?.finishReason == .stop)
        #expect(chunks.last?.choices == [])
        #expect(chunks.last?.usage == Usage(promptTokens: 4, completionTokens: 4))
        #expect(chunks.dropLast().allSatisfy { $0.usage == nil && $0.writesUsage })
        #expect(Set(chunks.map(\.id)).count == 1)
    }
}

@Test func streamWithoutUsageHasNoUsageChunk() async throws {
    try await withServer { client in
        let chunks = try await client.post("/v1/chat/completions", json: chatRequest("hi", stream: true)).chatChunks()
        #expect(chunks.last?.choices.first?.finishReason == .stop)
        #expect(chunks.allSatisfy { !$0.writesUsage })
    }
}

@Test func maxTokensCutsWithFinishReasonLength() async throws {
    try await withServer { client in
        let response = try await client.post("/v1/chat/completions", json: chatRequest("a b c d e f", maxTokens: 2))
        let completion = try ChatCompletionResponse(json: response.json())
        #expect(completion.choices == [.init(content: "Echo: a", finishReason: .length)])
        #expect(completion.usage?.completionTokens == 2)
    }
}

@Test func toolCallsNonStreamed() async throws {
    try await withServer { client in
        let response = try await client.post(
            "/v1/chat/completions", json: chatRequest("get_time then get_weather please", tools: [weatherTool, timeTool]))
        let choice = try #require(try ChatCompletionResponse(json: response.json()).choices.first)
        #expect(choice.finishReason == .toolCalls)
        #expect(choice.content == nil)
        #expect(choice.toolCalls.map(\.name) == ["get_time", "get_weather"])
        #expect(choice.toolCalls.allSatisfy { $0.id.hasPrefix("call_") && $0.id.count == 29 })
        #expect(Set(choice.toolCalls.map(\.id)).count == 2)
        // The arguments follow the schema's key order through the whole server.
        #expect(choice.toolCalls[1].arguments == #"{"city":"sample","unit":"celsius","days":7}"#)
    }
}

@Test func toolCallsStreamed() async throws {
    try await withServer { client in
        let response = try await client.post(
            "/v1/chat/completions",
            json: chatRequest("weather?", tools: [weatherTool], toolChoice: .required, stream: true))
        let chunks = try response.chatChunks()
        let deltas = chunks.flatMap { $0.choices.flatMap(\.delta.toolCalls) }
        let first = try #require(deltas.first)
        #expect(first.index == 0 && first.name == "get_weather" && first.arguments == "")
        #expect(first.id?.hasPrefix("call_") == true)
        #expect(deltas.dropFirst().allSatisfy { $0.id == nil && $0.name == nil && $0.index == 0 })
        #expect(deltas.compactMap(\.arguments).joined() == #"{"city":"sample","unit":"celsius","days":7}"#)
        #expect(deltas.count > 3)  // the arguments arrive in several fragments
        #expect(chunks.last?.choices.first?.finishReason == .toolCalls)
        // The type appears with the id, in the call's first delta only.
        let firstToolChunk = try #require(chunks.first { !($0.choices.first?.delta.toolCalls.isEmpty ?? true) })
        #expect(firstToolChunk.json["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["type"] == "function")
    }
}

@Test func namedToolChoiceAndToolResults() async throws {
    try await withServer { client in
        let named = try await client.post(
            "/v1/chat/completions",
            json: chatRequest("get_weather", tools: [weatherTool, timeTool], toolChoice: .function(name: "get_time")))
        let call = try #require(try ChatCompletionResponse(json: named.json()).choices.first?.toolCalls.first)
        #expect(call.name == "get_time")

        let followUp = ChatCompletionRequest(
            model: "scripted-model",
            messages: [.user("time?"), .assistant(nil, toolCalls: [call]), .tool("12:00", callID: call.id)],
            tools: [weatherTool, timeTool])
        let answer = try await client.post("/v1/chat/completions", json: followUp.json)
        #expect(try ChatCompletionResponse(json: answer.json()).choices.first?.content == "Tool results: 12:00")
    }
}

@Test func jsonSchemaResponseFormat() async throws {
    try await withServer { client in
        var request = ChatCompletionRequest(model: "scripted-model", messages: [.user("person")])
        request.responseFormat = .jsonSchema(JSONSchemaFormat(
            name: "person", schema: ["type": "object", "properties": ["name": ["type": "string"], "age": ["type": "integer"]]]))
        let response = try await client.post("/v1/chat/completions", json: request.json)
        let content = try #require(try ChatCompletionResponse(json: response.json()).choices.first?.content)
        #expect(try JSONValue(parsing: content) == ["name": "sample", "age": 7])
    }
}

@Test func textCompletions() async throws {
    try await withServer { client in
        let plain = try await client.post("/v1/completions", json: ["model": "scripted-model", "prompt": "Once upon"])
        let completion = try CompletionResponse(json: plain.json())
        #expect(completion.id.hasPrefix("cmpl-"))
        // OpenAI's default of 16 tokens applies without max_tokens.
        #expect(completion.usage == Usage(promptTokens: 2, completionTokens: 16))
        #expect(completion.choices.first?.finishReason == .length)

        let streamed = try await client.post(
            "/v1/completions", json: ["model": "scripted-model", "prompt": "a b", "max_tokens": 3, "stream": true])
        let events = streamed.events
        #expect(events.last == "[DONE]")
        let chunks = try events.dropLast().map { try CompletionResponse(json: JSONValue(parsing: $0)) }
        #expect(chunks.map { $0.choices.first?.text ?? "" }.joined() == "a b and")
        #expect(chunks.last?.choices.first?.finishReason == .length)
    }
}

@Test func modelsHealthAndMetrics() async throws {
    try await withServer(ScriptedBackend(modelName: "Salesforce/xLAM-2-1b-fc-r")) { client in
        let models = try ModelList(json: try await client.get("/v1/models").json())
        #expect(models.models.map(\.id) == ["Salesforce/xLAM-2-1b-fc-r"])
        let model = try await client.get("/v1/models/Salesforce/xLAM-2-1b-fc-r")
        #expect(try ModelDescription(json: model.json()).id == "Salesforce/xLAM-2-1b-fc-r")
        #expect(try await client.get("/v1/models/nope").status == .notFound)
        #expect(try await client.get("/health").json() == ["status": "ok"])

        _ = try await client.post("/v1/chat/completions", json: chatRequest("hi there", model: "Salesforce/xLAM-2-1b-fc-r"))
        let metrics = try await client.get("/metrics")
        #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains(#"lam_http_requests_total{endpoint="/v1/chat/completions",status="200"} 1"#))
        #expect(text.contains(#"lam_http_requests_total{endpoint="/v1/models/**",status="404"} 1"#))
        #expect(text.contains("lam_prompt_tokens_total 3"))
        #expect(text.contains("lam_completion_tokens_total 3"))  // "Echo: hi there"
        #expect(text.contains("lam_time_to_first_token_seconds_count 1"))
        #expect(text.contains("lam_queue_waiting_requests 0"))
        #expect(text.contains("lam_kv_cache_capacity_tokens 2048"))
    }
}
