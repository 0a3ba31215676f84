import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore

/// MCP's streamable-HTTP transport (client side) on AsyncHTTPClient.
///
/// Why not the SDK's `HTTPClientTransport`: in swift-sdk 0.12.1 its Linux build reads each POST response whole
/// with URLSession and, when the server answers with `text/event-stream` (the default of the Python SDK's
/// streamable-HTTP servers), passes the raw SSE text (`event: message\ndata: {...}`) to the client as if it
/// were one JSON-RPC message, which then fails to decode; the SSE parser it uses elsewhere (mattt/EventSource)
/// is only linked on Apple platforms. This transport parses both JSON and SSE answers on every platform.
/// Server-initiated messages on a standalone GET stream are not listened for (tool calls don't need them).
public actor StreamableHTTPTransport: Transport {
    public nonisolated let logger = Logger(label: "swiftlam.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
    private let endpoint: String
    private var sessionID: String?
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    public init(endpoint: String) {
        self.endpoint = endpoint
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {}

    public func disconnect() async {
        if let sessionID {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .DELETE
            request.headers.add(name: "Mcp-Session-Id", value: sessionID)
            _ = try? await HTTPClient.shared.execute(request, timeout: .seconds(5))
        }
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        if let sessionID { request.headers.add(name: "Mcp-Session-Id", value: sessionID) }
        request.body = .bytes(ByteBuffer(bytes: data))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
        if let id = response.headers.first(name: "Mcp-Session-Id") { sessionID = id }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        guard (200..<300).contains(response.status.code) else {
            var text = ""
            for try await buffer in response.body { text += String(buffer: buffer) }
            throw MCPError.internalError("HTTP \(response.status.code) from \(endpoint): \(text.prefix(300))")
        }
        if contentType.contains("text/event-stream") {
            var lines = ServerSentEventLines()
            for try await buffer in response.body {
                for payload in lines.feed(String(buffer: buffer)) { continuation.yield(Data(payload.utf8)) }
            }
        } else {
            var body = Data()
            for try await buffer in response.body { body.append(contentsOf: buffer.readableBytesView) }
            // 202 Accepted (a notification or a response we sent) has no body.
            if !body.isEmpty { continuation.yield(body) }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { messages }
}
