import Foundation
import LAMJSON

/// Conversations saved as JSONL: one OpenAI-shaped message object per line, so a transcript can be read by any
/// tool that knows chat messages and resumed with `Agent.restore`.
public enum Transcript {
    public static func jsonl(_ messages: [AgentMessage]) -> String {
        messages.map { $0.openAIJSON.pythonJSON(separators: (", ", ": ")) + "\n" }.joined()
    }

    public static func parse(_ text: String) throws(AgentError) -> [AgentMessage] {
        var messages: [AgentMessage] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let json: JSONValue
            do {
                json = try JSONValue(parsing: String(line))
            } catch {
                throw .malformedTranscript(line: index + 1, reason: error.description)
            }
            do {
                messages.append(try AgentMessage(openAIJSON: json))
            } catch {
                throw .malformedTranscript(line: index + 1, reason: error.description)
            }
        }
        return messages
    }

    public static func save(_ messages: [AgentMessage], to url: URL) throws {
        try Data(jsonl(messages).utf8).write(to: url)
    }

    public static func load(from url: URL) throws -> [AgentMessage] {
        try parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }
}
