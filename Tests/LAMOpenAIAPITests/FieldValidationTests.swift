import LAMJSON
import LAMOpenAIAPI
import Testing

private let weatherTool: JSONValue = [
    "type": "function",
    "function": ["name": "get_weather", "parameters": ["type": "object", "properties": ["city": ["type": "string"]]]],
]

private func chat(_ members: (String, JSONValue)...) -> JSONValue {
    var object: JSONObject = ["model": "m", "messages": [["role": "user", "content": "Hi"]]]
    for (key, value) in members { object[key] = value }
    return .object(object)
}

/// A request and the field its error must name.
struct InvalidRequest: Sendable, CustomTestStringConvertible {
    let field: String
    let json: JSONValue
    var testDescription: String { field }
}

private let invalidChatRequests: [InvalidRequest] = [
    InvalidRequest(field: "model", json: ["messages": [["role": "user", "content": "Hi"]]]),
    InvalidRequest(field: "model", json: chat(("model", 3))),
    InvalidRequest(field: "messages", json: chat(("messages", []))),
    InvalidRequest(field: "messages", json: chat(("messages", "Hi"))),
    InvalidRequest(field: "messages[0]", json: chat(("messages", ["Hi"]))),
    InvalidRequest(field: "messages[0].role", json: chat(("messages", [["role": "robot", "content": "Hi"]]))),
    InvalidRequest(field: "messages[0].content", json: chat(("messages", [["role": "user"]]))),
    InvalidRequest(field: "messages[0].content[0].type",
                   json: chat(("messages", [["role": "user", "content": [["type": "image_url", "image_url": ["url": "x"]]]]]))),
    InvalidRequest(field: "messages[1].tool_call_id",
                   json: chat(("messages", [["role": "user", "content": "Hi"], ["role": "tool", "content": "1"]]))),
    InvalidRequest(field: "messages[2].tool_call_id", json: chat(("messages", [
        ["role": "user", "content": "Hi"],
        ["role": "assistant", "tool_calls": [["id": "a", "type": "function", "function": ["name": "f", "arguments": "{}"]]]],
        ["role": "tool", "tool_call_id": "b", "content": "1"],
    ]))),
    InvalidRequest(field: "messages[1].tool_calls[0].function.arguments", json: chat(("messages", [
        ["role": "user", "content": "Hi"],
        ["role": "assistant", "tool_calls": [["id": "a", "type": "function", "function": ["name": "f", "arguments": ["x": 1]]]]],
    ]))),
    InvalidRequest(field: "messages[1].content", json: chat(("messages", [["role": "user", "content": "Hi"], ["role": "assistant"]]))),
    InvalidRequest(field: "messages[0].tool_call_id", json: chat(("messages", [["role": "user", "content": "Hi", "tool_call_id": "x"]]))),
    InvalidRequest(field: "temperature", json: chat(("temperature", 2.5))),
    InvalidRequest(field: "temperature", json: chat(("temperature", "hot"))),
    InvalidRequest(field: "top_p", json: chat(("top_p", -0.1))),
    InvalidRequest(field: "max_tokens", json: chat(("max_tokens", 0))),
    InvalidRequest(field: "max_tokens", json: chat(("max_tokens", 1.5))),
    InvalidRequest(field: "max_completion_tokens", json: chat(("max_completion_tokens", -3))),
    InvalidRequest(field: "presence_penalty", json: chat(("presence_penalty", 3))),
    InvalidRequest(field: "seed", json: chat(("seed", "x"))),
    InvalidRequest(field: "stop", json: chat(("stop", ["a", "b", "c", "d", "e"]))),
    InvalidRequest(field: "stop[1]", json: chat(("stop", ["a", 2]))),
    InvalidRequest(field: "n", json: chat(("n", 2))),
    InvalidRequest(field: "logprobs", json: chat(("logprobs", true))),
    InvalidRequest(field: "stream", json: chat(("stream", "yes"))),
    InvalidRequest(field: "stream_options", json: chat(("stream_options", ["include_usage": true]))),
    InvalidRequest(field: "stream_options.include_usage", json: chat(("stream", true), ("stream_options", ["include_usage": 1]))),
    InvalidRequest(field: "tools[0].type", json: chat(("tools", [["type": "retrieval"]]))),
    InvalidRequest(field: "tools[0].function.name", json: chat(("tools", [["type": "function", "function": ["description": "x"]]]))),
    InvalidRequest(field: "tools[0].function.parameters",
                   json: chat(("tools", [["type": "function", "function": ["name": "f", "parameters": "object"]]]))),
    InvalidRequest(field: "tool_choice", json: chat(("tool_choice", "always"))),
    InvalidRequest(field: "tool_choice", json: chat(("tool_choice", "required"))),
    InvalidRequest(field: "tool_choice.function.name",
                   json: chat(("tools", [weatherTool]), ("tool_choice", ["type": "function", "function": ["name": "get_time"]]))),
    InvalidRequest(field: "response_format.type", json: chat(("response_format", ["type": "xml"]))),
    InvalidRequest(field: "response_format.json_schema", json: chat(("response_format", ["type": "json_schema"]))),
    InvalidRequest(field: "response_format.json_schema.name",
                   json: chat(("response_format", ["type": "json_schema", "json_schema": ["schema": [:]]]))),
    InvalidRequest(field: "parallel_tool_calls", json: chat(("parallel_tool_calls", "no"))),
    InvalidRequest(field: "frobnicate", json: chat(("frobnicate", 1))),
    InvalidRequest(field: "", json: "not an object"),
]

@Test(arguments: invalidChatRequests)
func invalidChatRequestsNameTheField(_ request: InvalidRequest) {
    #expect(throws: FieldError.self) { try ChatCompletionRequest(json: request.json) }
    do {
        _ = try ChatCompletionRequest(json: request.json)
    } catch {
        #expect(error.field == request.field, "\(error)")
        #expect(!error.description.isEmpty)
    }
}

@Test func invalidCompletionRequestsNameTheField() {
    let cases: [(String, JSONValue)] = [
        ("prompt", ["model": "m"]),
        ("prompt", ["model": "m", "prompt": ["a", "b"]]),
        ("prompt", ["model": "m", "prompt": [1, 2, 3]]),
        ("echo", ["model": "m", "prompt": "a", "echo": true]),
        ("suffix", ["model": "m", "prompt": "a", "suffix": "z"]),
        ("best_of", ["model": "m", "prompt": "a", "best_of": 3]),
        ("logprobs", ["model": "m", "prompt": "a", "logprobs": 2]),
        ("messages", ["model": "m", "prompt": "a", "messages": []]),
    ]
    for (field, json) in cases {
        do {
            _ = try CompletionRequest(json: json)
            Issue.record("accepted a request with a bad \(field)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }
}

@Test func fieldErrorsReadLikeOpenAIs() {
    let error = FieldError(field: "temperature", problem: "2.5 is outside [0.0, 2.0]")
    #expect(error.description == "Invalid value for 'temperature': 2.5 is outside [0.0, 2.0]")
    #expect(APIError(error).param == "temperature")
    #expect(APIError(error).type == "invalid_request_error")
}
