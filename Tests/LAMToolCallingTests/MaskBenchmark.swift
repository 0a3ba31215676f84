import Foundation
import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// Times the token mask per generated token. Opt-in (timings are never asserted): run `scripts/bench-mask`.
/// Uses the vocabulary file named by SWIFTLAM_BENCH_VOCAB (written by scripts/golden/toolcalling_vocab.py from a
/// GGUF), else a synthetic 150,000-token byte-level vocabulary.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLAM_BENCH_MASK"] != nil))
struct MaskBenchmark {
    static let tools = #"""
    [{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}},
     {"type": "function", "function": {"name": "search", "parameters": {"type": "object", "properties": {"query": {"type": "string", "maxLength": 200}, "filters": {"type": "object", "properties": {"max_results": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}, "additionalProperties": false}}, "required": ["query"], "additionalProperties": false}}},
     {"name": "send_email", "parameters": {"type": "dict", "properties": {"to": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "subject": {"type": "string"}, "body": {"type": "string"}, "headers": {"type": "object", "additionalProperties": {"type": "string"}}}, "required": ["to", "body"]}}]
    """#

    static let reply = #"""
    [{"name": "get_weather", "arguments": {"location": "San Francisco, CA", "unit": "celsius"}}, {"name": "search", "arguments": {"query": "best ramen near Shibuya station 東京 \"open late\"", "filters": {"max_results": 5, "tags": ["food", "open now"]}}}, {"name": "send_email", "arguments": {"to": ["ana@example.com"], "body": "Hi Ana,\nthe weather in SF is mild today; let's meet at 7pm. Cheers!", "headers": {"X-Priority": "1", "Reply-To": "me@example.com"}}}]
    """#

    static func loadVocabulary() throws -> (tokens: [[UInt8]], eos: [Int], source: String) {
        if let path = ProcessInfo.processInfo.environment["SWIFTLAM_BENCH_VOCAB"], !path.isEmpty {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let eos = lines[0].split(separator: " ").dropFirst().compactMap { Int($0) }
            var tokens: [[UInt8]] = []
            for line in lines.dropFirst() {
                var bytes: [UInt8] = []
                var index = line.startIndex
                while index < line.endIndex {
                    let next = line.index(index, offsetBy: 2)
                    bytes.append(UInt8(line[index..<next], radix: 16)!)
                    index = next
                }
                tokens.append(bytes)
            }
            if tokens.last?.isEmpty == true && tokens.count > 151_936 { tokens.removeLast() }
            return (tokens, eos, "file \(path)")
        }
        return (syntheticTokens(count: 150_000), [150_000], "synthetic")
    }

    /// 256 bytes, then words (with and without a leading space, capitalized), numbers, punctuation runs, JSON
    /// pieces, whole and partial CJK characters, until `count`; plus an end-of-sequence id.
    static func syntheticTokens(count: Int) -> [[UInt8]] {
        var random = SeededRandom(seed: 7)
        var tokens: [[UInt8]] = (0...255).map { [UInt8($0)] }
        var seen = Set(tokens)
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let punctuation = Array("{}[]\":,.;!?()<>/\\-_=+*'`#@$%&|~ \n\t".utf8)
        while tokens.count < count {
            var token: [UInt8]
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<60:
                token = (0..<Int.random(in: 2...9, using: &random)).map { _ in letters.randomElement(using: &random)! }
                if Bool.random(using: &random) { token.insert(UInt8(ascii: " "), at: 0) }
                if Int.random(in: 0..<4, using: &random) == 0 { token[token.count > 1 && token[0] == 32 ? 1 : 0] -= 32 }
            case 60..<70:
                token = Array(String(Int.random(in: 0..<1000, using: &random)).utf8)
            case 70..<82:
                token = (0..<Int.random(in: 2...4, using: &random)).map { _ in punctuation.randomElement(using: &random)! }
            case 82..<94:
                let scalar = Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FFF, using: &random))!
                token = Array(String(Character(scalar)).utf8)
                if Bool.random(using: &random) { token += Array(String(Character(Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FFF, using: &random))!)).utf8) }
            default:
                let scalar = Unicode.Scalar(UInt32.random(in: 0x1F300...0x1FAFF, using: &random))!
                token = Array(Array(String(Character(scalar)).utf8).prefix(Int.random(in: 1...3, using: &random)))
            }
            if seen.insert(token).inserted { tokens.append(token) }
        }
        tokens.append([])
        return tokens
    }

    /// Greedy longest-match tokenization (close enough to BPE for timing).
    static func tokenize(_ text: String, _ vocabulary: TokenVocabulary) -> [Int] {
        var ids: [[UInt8]: Int] = [:]
        for (id, bytes) in vocabulary.tokenBytes.enumerated() where !bytes.isEmpty && ids[bytes] == nil { ids[bytes] = id }
        let bytes = Array(text.utf8)
        var out: [Int] = []
        var position = 0
        while position < bytes.count {
            var length = min(16, bytes.count - position)
            while length > 1 && ids[Array(bytes[position..<(position + length)])] == nil { length -= 1 }
            out.append(ids[Array(bytes[position..<(position + length)])]!)
            position += length
        }
        return out
    }

    struct Timing {
        var samples: [Double] = []
        mutating func add(_ seconds: Double) { samples.append(seconds * 1000) }
        var summary: String {
            let sorted = samples.sorted()
            guard !sorted.isEmpty else { return "no samples" }
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return String(format: "n=%d mean %.3f ms, p50 %.3f, p95 %.3f, max %.3f", sorted.count, mean, pct(0.5), pct(0.95), sorted.last!)
        }
    }

    @Test func maskCostPerToken() throws {
        let clock = ContinuousClock()
        let (tokenBytes, eos, source) = try Self.loadVocabulary()
        let start = clock.now
        let vocabulary = TokenVocabulary(tokenBytes: tokenBytes, endOfSequenceIDs: eos)
        let built = clock.now - start
        print("mask benchmark: vocabulary \(source), \(vocabulary.count) tokens, precomputed in \(built)")
        let tools = try ToolDefinition.list(from: try JSONValue(parsing: Self.tools))
        let hermesReply = #"<tool_call>\#n{"name": "get_weather", "arguments": {"location": "San Francisco, CA", "unit": "celsius"}}\#n</tool_call>\#n<tool_call>\#n{"name": "search", "arguments": {"query": "best ramen near Shibuya station 東京", "filters": {"max_results": 5}}}\#n</tool_call>"#
        let openSchema = try JSONSchema(parsing: #"{"type": "object", "properties": {"title": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["title"]}"#)
        let openReply = #"{"title": "Weekly report — 週報", "tags": ["ops", "q3"], "owner": {"name": "Ana", "id": 42}, "notes": "All \"green\"; see https://example.com/r?id=7\nThanks"}"#
        // 60 tools with similar names and argument schemas: the call start is where every tool is still possible.
        let manyTools = try (0..<60).map { index in
            try ToolDefinition(json: try JSONValue(parsing: #"{"name": "tool_\#(index)_lookup", "parameters": {"type": "object", "properties": {"id": {"type": "integer"}, "query": {"type": "string"}, "mode": {"enum": ["fast", "full"]}}, "required": ["id"]}}"#))
        } + tools
        let scenarios: [(String, Grammar, String)] = [
            ("xlam auto, 63 tools", try #require(try Grammar.toolCalls(manyTools, choice: .auto, format: .xlam)), Self.reply),
            ("xlam required, 3 tools", try #require(try Grammar.toolCalls(tools, choice: .required, format: .xlam)), Self.reply),
            ("xlam auto, 3 tools", try #require(try Grammar.toolCalls(tools, choice: .auto, format: .xlam)), Self.reply),
            ("hermes required, 3 tools", try #require(try Grammar.toolCalls(tools, choice: .required, format: .hermes)), hermesReply),
            ("response_format, open object", try Grammar(schema: openSchema), openReply),
        ]
        for (label, grammar, reply) in scenarios {
            let tokens = Self.tokenize(reply, vocabulary)
            var all = Timing()
            var inString = Timing()
            var elsewhere = Timing()
            var advance = Timing()
            // Per step, the fastest of the repeats: on a shared machine, preemption only ever adds time.
            var fastest = [Double](repeating: .infinity, count: tokens.count)
            for _ in 0..<3 {
                var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary)
                var mask = TokenBitmask(count: vocabulary.count)
                for (step, token) in tokens.enumerated() {
                    let before = clock.now
                    matcher.allowedTokens(into: &mask)
                    let seconds = Double((clock.now - before).components.attoseconds) / 1e18
                    all.add(seconds)
                    fastest[step] = min(fastest[step], seconds)
                    try #require(mask[token], "the benchmark reply must be allowed: \(String(decoding: vocabulary.tokenBytes[token], as: UTF8.self).debugDescription) in \(label)")
                    let allowed = mask.allowedCount
                    if allowed > vocabulary.count / 2 { inString.add(seconds) } else { elsewhere.add(seconds) }
                    if seconds > 0.002, ProcessInfo.processInfo.environment["SWIFTLAM_BENCH_VERBOSE"] != nil {
                        print(String(format: "  slow step %.1f ms, %d allowed, before token %@", seconds * 1000, allowed,
                                     String(decoding: vocabulary.tokenBytes[token], as: UTF8.self).debugDescription))
                    }
                    let advanceStart = clock.now
                    matcher.advance(token: token)
                    advance.add(Double((clock.now - advanceStart).components.attoseconds) / 1e18)
                }
                #expect(matcher.isComplete)
            }
            print("mask benchmark [\(label)]: \(tokens.count) tokens x3")
            print("  allowedTokens, every step: \(all.summary)")
            var best = Timing()
            for seconds in fastest { best.add(seconds) }
            let slowest = fastest.indices.max { fastest[$0] < fastest[$1] }!
            print("  allowedTokens, fastest of 3 per step: \(best.summary); slowest before token \(slowest) \(String(decoding: vocabulary.tokenBytes[tokens[slowest]], as: UTF8.self).debugDescription)")
            print("  allowedTokens, inside strings (>half the vocabulary allowed): \(inString.summary)")
            print("  allowedTokens, structure/keys/enums/numbers: \(elsewhere.summary)")
            print("  advance: \(advance.summary)")
        }
    }
}
