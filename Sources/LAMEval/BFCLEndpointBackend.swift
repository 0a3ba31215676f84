import Foundation
import LAMJSON
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs BFCL entries on a model behind an OpenAI-compatible server (`lam serve`, vLLM, llama.cpp's server):
/// raw prompts go to `POST {base}/completions`, as BFCL's handlers for local models send them; chat requests
/// go to `POST {base}/chat/completions` with the tools, and the calls that come back are written as an xLAM
/// JSON list, the answer text BFCL's checker reads.
///
/// The server decodes as it is configured to; only temperature and length are sent. An entry the server
/// refuses with HTTP 400 (a prompt longer than its context, say) is recorded as BFCL records a failed
/// inference; any other failure stops the run.
public struct BFCLEndpointBackend: BFCLBackend {
    /// The API root, as OpenAI clients take it (e.g. `http://localhost:8080/v1`).
    public let baseURL: URL
    /// The served model's name, sent in each request; results are filed under it.
    public let model: String
    public let apiKey: String?
    public let promptStyle: BFCLPromptStyle
    private let session: URLSession

    public var modelName: String { model }

    public init(baseURL: URL, model: String, apiKey: String? = nil, promptStyle: BFCLPromptStyle = .chatTemplate,
                timeout: TimeInterval = 600) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.promptStyle = promptStyle
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    public func generate(_ request: BFCLGenerationRequest) async throws -> BFCLGeneration {
        var body: JSONObject = ["model": .string(model)]
        let path: String
        switch request.prompt {
        case .raw(let prompt):
            path = "completions"
            body["prompt"] = .string(prompt)
        case .chat(let messages, let tools):
            path = "chat/completions"
            body["messages"] = .array(messages)
            if !tools.isEmpty { body["tools"] = .array(tools) }
        }
        body["max_tokens"] = .integer(request.maxNewTokens)
        body["temperature"] = .double(request.temperature)

        let started = ContinuousClock.now
        let (status, reply) = try await post(path, body: .object(body))
        let latency = (ContinuousClock.now - started).seconds
        guard status == 200 else {
            let message = reply?["error"]?["message"]?.stringValue ?? reply?.compactJSON ?? "no body"
            if status == 400 {
                return BFCLGeneration(text: "Error during inference: \(message)", inputTokens: 0, outputTokens: 0, latency: latency)
            }
            throw BFCLEndpointError.status(status, path, message)
        }
        guard let reply, let choice = reply["choices"]?.arrayValue?.first else {
            throw BFCLEndpointError.malformed(path, "no choices")
        }
        let text: String
        switch request.prompt {
        case .raw:
            guard let completion = choice["text"]?.stringValue else { throw BFCLEndpointError.malformed(path, "choices[0].text is not a string") }
            text = completion
        case .chat:
            guard let message = choice["message"] else { throw BFCLEndpointError.malformed(path, "choices[0] has no message") }
            text = try Self.xlamText(message, path: path)
        }
        return BFCLGeneration(
            text: text, inputTokens: reply["usage"]?["prompt_tokens"]?.integerValue ?? 0,
            outputTokens: reply["usage"]?["completion_tokens"]?.integerValue ?? 0, latency: latency)
    }

    /// The message's calls as an xLAM JSON list (arguments parsed from their JSON text; text that does not
    /// parse is kept as a string, which the checker then rejects), or its content when it has no calls.
    static func xlamText(_ message: JSONValue, path: String) throws(BFCLEndpointError) -> String {
        let toolCalls = message["tool_calls"]?.arrayValue ?? []
        guard !toolCalls.isEmpty else { return message["content"]?.stringValue ?? "" }
        var calls: [JSONValue] = []
        for call in toolCalls {
            guard let name = call["function"]?["name"]?.stringValue else {
                throw .malformed(path, "a tool call has no function name")
            }
            let argumentsText = call["function"]?["arguments"]?.stringValue ?? "{}"
            let arguments = (try? JSONValue(parsing: argumentsText)) ?? .string(argumentsText)
            calls.append(["name": .string(name), "arguments": arguments])
        }
        return JSONValue.array(calls).pythonJSON()
    }

    private func post(_ path: String, body: JSONValue) async throws -> (Int, JSONValue?) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.compactJSON.utf8)
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw BFCLEndpointError.malformed(path, "not an HTTP response") }
        let json = try? JSONValue(parsing: String(decoding: data, as: UTF8.self))
        if http.statusCode == 200 && json == nil {
            throw BFCLEndpointError.malformed(path, "the body is not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return (http.statusCode, json)
    }
}

public enum BFCLEndpointError: Error, Sendable, CustomStringConvertible {
    case status(Int, String, String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .status(let code, let path, let message): "POST \(path): HTTP \(code): \(message)"
        case .malformed(let path, let reason): "POST \(path): unexpected reply: \(reason)"
        }
    }
}
