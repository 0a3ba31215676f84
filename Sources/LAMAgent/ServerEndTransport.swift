import Foundation
import LAMJSON
import Logging
import MCP

/// Wraps an MCP transport so that a server that goes away (exits, closes its output) ends the SDK client cleanly
/// and fails the requests it was waiting on, instead of leaving them waiting forever.
///
/// Why: in swift-sdk 0.12.1 the client's message loop asks the transport for its message stream again whenever
/// the stream ends; a finished stream ends again at once, so after a server exits the loop spins on a thread of
/// the cooperative pool until `disconnect`, and requests sent before the exit never get an answer. Here the
/// stream ends by throwing (which ends the client's loop), each request still unanswered gets a JSON-RPC error
/// response first, and later sends fail at once.
actor ServerEndTransport: Transport {
    nonisolated let logger = Logger(label: "swiftlam.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
    private let inner: any Transport
    private nonisolated let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var forwarding: Task<Void, Never>?
    /// Ids of requests sent and not yet answered, as their JSON text.
    private var unanswered: [String: JSONValue] = [:]
    private var ended = false

    init(_ inner: any Transport) {
        self.inner = inner
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        try await inner.connect()
        let source = await inner.receive()
        forwarding = Task {
            do {
                for try await message in source { forward(message) }
                end(reason: "the MCP server closed the connection")
            } catch {
                end(reason: "the connection to the MCP server failed: \(error)")
            }
        }
    }

    func disconnect() async {
        forwarding?.cancel()
        await inner.disconnect()
        end(reason: "disconnected")
    }

    func send(_ data: Data) async throws {
        guard !ended else { throw MCPError.connectionClosed }
        if let message = try? JSONValue(parsing: Array(data)), message["method"] != nil, let id = message["id"] {
            unanswered[id.compactJSON] = id
        }
        try await inner.send(data)
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    private func forward(_ data: Data) {
        if let message = try? JSONValue(parsing: Array(data)), message["method"] == nil, let id = message["id"] {
            unanswered[id.compactJSON] = nil
        }
        continuation.yield(data)
    }

    private func end(reason: String) {
        guard !ended else { return }
        ended = true
        for id in unanswered.values {
            let response: JSONValue = [
                "jsonrpc": "2.0", "id": id, "error": ["code": -32000, "message": .string(reason)],
            ]
            continuation.yield(Data(response.compactJSON.utf8))
        }
        unanswered = [:]
        continuation.finish(throwing: MCPError.connectionClosed)
    }
}
