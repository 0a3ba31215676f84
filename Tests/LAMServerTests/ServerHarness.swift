import Foundation
import Hummingbird
import HummingbirdTesting
import LAMJSON
import LAMOpenAIAPI
import LAMServer
import LAMServerTestSupport
import Testing

/// Runs `body` against a live server (a real socket on a free port) in front of `backend`.
func withServer<Value: Sendable>(
    _ backend: ScriptedBackend = ScriptedBackend(),
    configuration: ServerConfiguration = ServerConfiguration(port: 0),
    _ body: @escaping @Sendable (LiveServer) async throws -> Value
) async throws -> Value {
    var configuration = configuration
    configuration.port = 0
    let server = OpenAIServer(backend: backend, configuration: configuration)
    return try await server.makeApplication().test(.live) { client in
        try await body(LiveServer(port: try #require(client.port)))
    }
}

/// A running server, reached with one new connection per request (the server closes completion
/// connections when they end, see `CompletionEndpoints`).
struct LiveServer: Sendable {
    let port: Int

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: String? = nil) async throws -> HTTPResult {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(
                .init(uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }))
            return HTTPResult(status: response.status, headers: response.headers, text: response.body.map { String(buffer: $0) } ?? "")
        }
    }

    func post(_ uri: String, json: JSONValue, headers: HTTPFields = [:]) async throws -> HTTPResult {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await send(uri, method: .post, headers: headers, body: json.compactJSON)
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> HTTPResult {
        try await send(uri, method: .get, headers: headers)
    }

    /// Waits (up to 10 s, so that a loaded CI machine does not fail the test) until `/metrics` shows every
    /// given line; false if it never does.
    func metricsShow(_ lines: String...) async throws -> Bool {
        for _ in 0..<200 {
            let text = try await get("/metrics").text
            if lines.allSatisfy({ text.contains($0) }) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

struct HTTPResult: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    func json() throws -> JSONValue { try JSONValue(parsing: text) }

    /// The OpenAI error body; fails the test when the body is not one.
    func apiError() throws -> APIError { try APIError(json: try json()) }

    /// The `data:` payloads of a server-sent event stream, `[DONE]` included.
    var events: [String] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
            #expect(event.hasPrefix("data: "), "not a data event: \(event)")
            return String(event.dropFirst("data: ".count))
        }
    }

    /// The chunks of a chat stream, after checking that it ends with `[DONE]`.
    func chatChunks() throws -> [ChatCompletionChunk] {
        let events = events
        #expect(events.last == "[DONE]")
        return try events.dropLast().map { try ChatCompletionChunk(json: JSONValue(parsing: $0)) }
    }
}

let weatherTool = ToolDefinition(
    name: "get_weather", description: "Current weather",
    parameters: [
        "type": "object",
        "properties": ["city": ["type": "string"], "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]], "days": ["type": "integer"]],
        "required": ["city"],
    ])
let timeTool = ToolDefinition(
    name: "get_time", parameters: ["type": "object", "properties": ["zone": ["type": "string"]]])

func chatRequest(
    _ text: String, tools: [ToolDefinition] = [], toolChoice: ToolChoice? = nil, stream: Bool = false,
    includeUsage: Bool? = nil, maxTokens: Int? = nil, model: String = "scripted-model"
) -> JSONValue {
    ChatCompletionRequest(
        model: model, messages: [.user(text)], tools: tools, toolChoice: toolChoice,
        sampling: SamplingParameters(maxTokens: maxTokens), stream: stream, includeUsage: includeUsage
    ).json
}
