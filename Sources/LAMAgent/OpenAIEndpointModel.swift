import AsyncHTTPClient
import Foundation
import LAMJSON
import LAMToolCalling
import NIOCore
import NIOHTTP1

/// Any OpenAI-compatible chat-completions endpoint (`lam serve`, vLLM, llama.cpp's server) as the agent's
/// model. Replies are streamed (`stream: true`): text deltas go to `onText`, tool-call deltas are joined by
/// index as OpenAI specifies.
public struct OpenAIEndpointModel: AgentModel {
    /// The server's base URL, e.g. `http://localhost:8080/v1` (`/chat/completions` is appended).
    public let baseURL: String
    public let modelName: String
    public let apiKey: String?
    /// Extra request fields (temperature, max_tokens, …) sent as they are.
    public let sampling: JSONObject
    public let timeout: Duration

    public init(
        baseURL: String, modelName: String, apiKey: String? = nil, sampling: JSONObject = [:],
        timeout: Duration = .seconds(300)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.modelName = modelName
        self.apiKey = apiKey
        self.sampling = sampling
        self.timeout = timeout
    }

    func requestBody(messages: [AgentMessage], tools: [ToolDefinition]) -> JSONValue {
        var body: JSONObject = [
            "model": .string(modelName),
            "messages": .array(messages.map(\.openAIJSON)),
            "stream": true,
        ]
        if !tools.isEmpty { body["tools"] = .array(tools.map(\.openAIJSON)) }
        for (key, value) in sampling { body[key] = value }
        return .object(body)
    }

    public func reply(
        to messages: [AgentMessage], tools: [ToolDefinition], onText: @escaping @Sendable (String) -> Void
    ) async throws -> ModelReply {
        var request = HTTPClientRequest(url: baseURL + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(string: requestBody(messages: messages, tools: tools).compactJSON))

        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let isEventStream = response.headers.first(name: "Content-Type")?.contains("text/event-stream") ?? false
        guard response.status == .ok else {
            let text = try await Self.collect(response.body)
            throw AgentError.backend("\(baseURL) answered \(response.status.code): \(text.prefix(500))")
        }
        var assembler = ChatCompletionAssembler()
        if isEventStream {
            var lines = ServerSentEventLines()
            for try await buffer in response.body {
                for data in lines.feed(String(buffer: buffer)) {
                    if data == "[DONE]" { continue }
                    try assembler.addChunk(try Self.parse(data), onText: onText)
                }
            }
        } else {
            // A server that ignores `stream` answers with one whole completion.
            try assembler.addCompletion(try Self.parse(try await Self.collect(response.body)), onText: onText)
        }
        return assembler.reply
    }

    private static func collect(_ body: HTTPClientResponse.Body) async throws -> String {
        var text = ""
        for try await buffer in body { text += String(buffer: buffer) }
        return text
    }

    private static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw AgentError.backend("the endpoint sent invalid JSON (\(error)): \(text.prefix(200))")
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

/// Splits a text/event-stream into the `data:` payloads of its events (payloads may arrive cut anywhere).
struct ServerSentEventLines {
    private var pending = ""
    private var data: [String] = []

    mutating func feed(_ text: String) -> [String] {
        pending += text
        var events: [String] = []
        while let newline = pending.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
            let line = String(pending[..<newline]).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            pending.removeSubrange(...newline)
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data = []
            } else if line.hasPrefix("data:") {
                data.append(String(line.dropFirst(5)).trimmingPrefixSpace())
            }
        }
        return events
    }
}

extension String {
    fileprivate func trimmingPrefixSpace() -> String { hasPrefix(" ") ? String(dropFirst()) : self }
}

/// Joins OpenAI chat-completion chunks (or one whole completion) into a reply.
struct ChatCompletionAssembler {
    private var content = ""
    private var calls: [Int: ParsedToolCall] = [:]

    var reply: ModelReply {
        ModelReply(content: content, calls: calls.keys.sorted().compactMap { calls[$0] })
    }

    mutating func addChunk(_ chunk: JSONValue, onText: (String) -> Void) throws {
        if let error = chunk["error"] { throw AgentError.backend("the endpoint reported: \(error.compactJSON)") }
        guard let delta = chunk["choices"]?[0]?["delta"] else { return }
        if let text = delta["content"]?.stringValue, !text.isEmpty {
            content += text
            onText(text)
        }
        for (position, callDelta) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
            let index = callDelta["index"]?.integerValue ?? position
            var call = calls[index] ?? ParsedToolCall(index: index, id: "", name: "", arguments: "")
            if let id = callDelta["id"]?.stringValue { call.id = id }
            if let name = callDelta["function"]?["name"]?.stringValue { call.name += name }
            if let arguments = callDelta["function"]?["arguments"]?.stringValue { call.arguments += arguments }
            calls[index] = call
        }
    }

    mutating func addCompletion(_ completion: JSONValue, onText: (String) -> Void) throws {
        if let error = completion["error"] {
            throw AgentError.backend("the endpoint reported: \(error.compactJSON)")
        }
        guard let message = completion["choices"]?[0]?["message"] else {
            throw AgentError.backend("the completion has no choices[0].message: \(completion.compactJSON.prefix(200))")
        }
        let parsed = try AgentMessage(openAIJSON: message)
        content = parsed.content
        if !content.isEmpty { onText(content) }
        for (index, call) in parsed.toolCalls.enumerated() {
            calls[index] = ParsedToolCall(index: index, id: call.id, name: call.name, arguments: call.arguments)
        }
    }
}
