import Foundation
import Hummingbird
import HummingbirdTesting
import LAMJSON
import LAMOpenAIAPI
import LAMServer
import LAMServerTestSupport
import LAMTestSupport
import Testing

/// Requests the official client sends (scripts/golden/openai_requests.py), with the model swapped for the one
/// served, so that they succeed as sent.
private func capturedRequests() throws -> [(path: String, body: JSONValue)] {
    let text = try String(contentsOf: Golden.url("openai/requests.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        let row = try JSONValue(parsing: String(line))
        var body = try #require(row["body"]?.objectValue)
        body["model"] = "scripted-model"
        return (try #require(row["path"]?.stringValue), .object(body))
    }
}

/// Byte-level damage to a request text: truncation, a flipped byte, a deleted byte, or a byte inserted.
private func damaged(_ text: String, _ random: inout some RandomNumberGenerator) -> String {
    var bytes = Array(text.utf8)
    let position = Int.random(in: 0..<bytes.count, using: &random)
    switch Int.random(in: 0..<4, using: &random) {
    case 0: bytes.removeSubrange(position...)
    case 1: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
    case 2: bytes.remove(at: position)
    default: bytes.insert(Array("{}[]\",:0-e\\ \u{0}".utf8).randomElement(using: &random)!, at: position)
    }
    return String(decoding: bytes, as: UTF8.self)
}

private struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

/// Every captured request succeeds as sent, and damaged versions are answered 200 (still valid) or with a
/// 4xx OpenAI error: a client mistake is never a 500.
@Test func clientMistakesAreNever500() async throws {
    let requests = try capturedRequests()
    try await withServer { client in
        var random = SeededRandom(state: 2026)
        for (path, body) in requests {
            let sent = try await client.post(path, json: body)
            #expect(sent.status == .ok, "\(path) \(body.compactJSON): \(sent.text)")
            for _ in 0..<12 {
                let text = damaged(body.compactJSON, &random)
                let response = try await client.send(
                    path, method: .post, headers: [.contentType: "application/json"], body: text)
                #expect((200..<500).contains(response.status.code), "\(text) → \(response.status): \(response.text)")
                if response.status != .ok {
                    #expect(throws: Never.self, "\(text)") { _ = try response.apiError() }
                }
            }
        }
    }
}
