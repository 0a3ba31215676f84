import Hummingbird
import LAMJSON

/// Writes a response body as server-sent events the way OpenAI's streams look: `data: <json>` blocks, and
/// `data: [DONE]` at the end.
struct ServerSentEventWriter {
    private var writer: any ResponseBodyWriter

    init(writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    mutating func send(_ value: JSONValue) async throws {
        try await writer.write(ByteBuffer(string: "data: \(value.compactJSON)\n\n"))
    }

    mutating func sendDone() async throws {
        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
    }

    consuming func finish() async throws {
        try await writer.finish(nil)
    }
}
