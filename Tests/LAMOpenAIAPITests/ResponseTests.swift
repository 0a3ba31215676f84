import LAMJSON
import LAMOpenAIAPI
import Testing

private let calls = [
    ToolCall(id: "call_a", name: "get_weather", arguments: #"{"city":"Paris","unit":"celsius"}"#),
    ToolCall(id: "call_b", name: "get_time", arguments: #"{"zone":"CET"}"#),
]

@Test func chatResponsesRoundTrip() throws {
    let responses = [
        ChatCompletionResponse(
            id: "chatcmpl-1", created: 1_700_000_000, model: "m",
            choices: [.init(content: "Hello", finishReason: .stop)],
            usage: Usage(promptTokens: 5, completionTokens: 2)),
        ChatCompletionResponse(
            id: "chatcmpl-2", created: 1, model: "m", choices: [.init(content: nil, toolCalls: calls, finishReason: .toolCalls)],
            usage: Usage(promptTokens: 50, completionTokens: 20, cachedPromptTokens: 40)),
    ]
    for response in responses {
        #expect(try ChatCompletionResponse(json: response.json) == response)
        // Through text, as a client receives it.
        #expect(try ChatCompletionResponse(json: JSONValue(parsing: response.json.compactJSON)) == response)
    }
    let json = responses[1].json
    #expect(json["object"] == "chat.completion")
    #expect(json["choices"]?[0]?["message"]?["content"] == .null)
    #expect(json["choices"]?[0]?["message"]?["tool_calls"]?[1]?["type"] == "function")
    #expect(json["usage"]?["total_tokens"] == 70)
    #expect(json["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 40)
    #expect(responses[1].choices[0].message == .assistant(nil, toolCalls: calls))
}

@Test func chunksRoundTrip() throws {
    let chunks = [
        ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [.init(delta: .init(role: .assistant, content: ""))], writesUsage: true),
        ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [.init(delta: .init(toolCalls: [
            ToolCallDelta(index: 0, id: "call_a", name: "get_weather", arguments: ""),
        ]))]),
        ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [.init(delta: .init(toolCalls: [
            ToolCallDelta(index: 1, arguments: #"{"zo"#),
        ]))]),
        ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [.init(delta: .init(), finishReason: .length)]),
        ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [], usage: Usage(promptTokens: 3, completionTokens: 4)),
    ]
    for chunk in chunks { #expect(try ChatCompletionChunk(json: chunk.json) == chunk) }
    #expect(chunks[0].json["usage"] == .null)
    #expect(chunks[1].json["usage"] == nil)
    #expect(chunks[1].json["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["type"] == "function")
    #expect(chunks[2].json["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["type"] == nil)
    #expect(chunks[3].json["choices"]?[0]?["finish_reason"] == "length")
}

@Test func otherBodiesRoundTrip() throws {
    let completion = CompletionResponse(
        id: "cmpl-1", created: 2, model: "m", choices: [.init(text: "abc", finishReason: .stop)],
        usage: Usage(promptTokens: 1, completionTokens: 1))
    #expect(try CompletionResponse(json: completion.json) == completion)
    #expect(completion.json["object"] == "text_completion")
    let models = ModelList(models: [ModelDescription(id: "Salesforce/xLAM-2-1b-fc-r", created: 3, ownedBy: "swiftlam")])
    #expect(try ModelList(json: models.json) == models)
    let error = APIError(message: "bad", type: "invalid_request_error", param: "messages", code: "context_length_exceeded")
    #expect(try APIError(json: error.json) == error)
    #expect(error.json.compactJSON
        == #"{"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#)
}

@Test func requestsBuiltInSwiftEncodeToValidRequests() throws {
    let request = ChatCompletionRequest(
        model: "m",
        messages: [.system("Be brief."), .user("Weather?"), .assistant(nil, toolCalls: [calls[0]]), .tool("21C", callID: "call_a")],
        tools: [ToolDefinition(name: "get_weather", parameters: ["type": "object"])],
        toolChoice: .required, sampling: SamplingParameters(temperature: 0, stop: .one("\n")), stream: true,
        includeUsage: true)
    #expect(try ChatCompletionRequest(json: request.json) == request)
    let completion = CompletionRequest(model: "m", prompt: "p", sampling: SamplingParameters(topK: 40, maxTokens: 3))
    #expect(try CompletionRequest(json: completion.json) == completion)
}
