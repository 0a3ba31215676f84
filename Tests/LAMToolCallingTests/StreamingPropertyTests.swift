import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// For generated model outputs cut into random chunks, the concatenated deltas equal the whole-text parse; for
/// well-formed outputs, that parse is exactly the calls and the text that were generated.
@Suite struct StreamingPropertyTests {
    struct GeneratedReply {
        var text: String
        var format: ToolCallFormat
        /// Nil for malformed outputs (only streaming = whole-text is checked).
        var calls: [(name: String, arguments: JSONValue)]?
        var content: String
    }

    static let phrases = [
        "Sure!", "Let me check [that] for you: {ok}.", "Ünïcödé ✓ 😀 日本語", #"quotes "here" and \ backslash"#, "a < b > c",
        "`code` and ``two`` end", "", "  ", "\n", "Done.\n", "[1] first, [2] second", "{not json}", "3 < 4 [x]",
    ]

    static func randomArguments(_ random: inout SeededRandom, depth: Int = 0) -> JSONValue {
        if depth == 0 && Int.random(in: 0..<4, using: &random) == 0 { return .object([:]) }
        var object: JSONObject = [:]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let key = ["location", "q", "x", "ключ", "with space", "a\"b", "[k]"].randomElement(using: &random)!
            object[key] = randomValue(&random, depth: depth + 1)
        }
        return .object(object)
    }

    static func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(Int.random(in: -100_000...100_000, using: &random))
        case 3: return .double(Double(Int.random(in: -1000...1000, using: &random)) / 8)
        case 4 where depth < 4: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        case 5 where depth < 4: return randomArguments(&random, depth: depth)
        default:
            let pieces = ["text", " ", "]", "[", "}", "{", "\"", "\\", "\n", "é", "😀", "```", "<tool_call>", ",", ":", "\\u0041"]
            return .string((0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
    }

    static func serialize(_ value: JSONValue, _ random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: value.pythonJSON()
        case 1: value.pythonJSON(ensureASCII: true)
        default: value.compactJSON
        }
    }

    static func generate(_ random: inout SeededRandom) -> GeneratedReply {
        let format = ToolCallFormat.allCases.randomElement(using: &random)!
        let names = ["get_weather", "search", "noop", "send_email"]
        let callCount = Int.random(in: 0...3, using: &random)
        var calls: [(name: String, arguments: JSONValue)] = (0..<callCount).map { _ in
            (names.randomElement(using: &random)!, randomArguments(&random))
        }
        func callText(_ call: (name: String, arguments: JSONValue)) -> String {
            "{\"name\": \(JSONValue.string(call.name).pythonJSON()), \"\(format.argumentsKey)\": \(serialize(call.arguments, &random))}"
        }
        func list(_ calls: [(name: String, arguments: JSONValue)]) -> String {
            "[" + calls.map(callText).joined(separator: Bool.random(using: &random) ? ", " : ",") + "]"
        }
        var before = phrases.randomElement(using: &random)!
        let after = phrases.randomElement(using: &random)!
        var text: String
        if calls.isEmpty {
            text = before + after
        } else {
            switch format {
            case .xlam:
                let body = calls.count == 1 && Bool.random(using: &random) ? callText(calls[0]) : list(calls)
                switch Int.random(in: 0..<5, using: &random) {
                case 0:
                    before = Bool.random(using: &random) ? "<think>I should call \(calls[0].name).</think>\n" : " \n"
                    text = before + body + after
                case 1: text = before + "```json\n" + body + "\n```" + after
                case 2: text = before + "[TOOL_CALLS]" + body + after
                case 3: text = before + "<tool_call>" + body + "</tool_call>" + after
                default:
                    before = ""
                    text = body + after
                }
            case .hermes:
                let between = Bool.random(using: &random) ? "\n" : " and then "
                text = before + calls.map { "<tool_call>\n" + callText($0) + "\n</tool_call>" }.joined(separator: between) + after
                if calls.count > 1 { before += String(repeating: between, count: calls.count - 1) }
            case .llama3:
                calls = [calls[0]]
                if Bool.random(using: &random) {
                    before = ""
                    text = callText(calls[0]) + after
                } else {
                    text = before + "<|python_tag|>" + callText(calls[0]) + after
                }
            }
        }
        var reply = GeneratedReply(text: text, format: format, calls: calls, content: (before + after).trimmingWhitespace)
        // A bare call must start the reply; text that could itself open a block makes the expectation unclear.
        if reply.calls.map({ !$0.isEmpty }) == true, text.hasPrefix(after) && !after.isEmpty { reply.calls = nil }
        if Int.random(in: 0..<4, using: &random) == 0 {
            // Malformed: cut off anywhere, or garbage spliced in.
            var characters = Array(reply.text)
            let cut = Int.random(in: 0...characters.count, using: &random)
            if Bool.random(using: &random) {
                characters = Array(characters[..<cut])
            } else {
                characters.insert(contentsOf: ["}", "x", "\""].randomElement(using: &random)!, at: cut)
            }
            reply.text = String(characters)
            reply.calls = nil
        }
        return reply
    }

    static func streamed(_ text: String, format: ToolCallFormat, random: inout SeededRandom) -> ParsedReply {
        var parser = StreamingToolCallParser(format: format, makeID: { "call_\($0)" })
        var events: [ToolCallStreamEvent] = []
        var rest = Substring(text)
        let maxChunk = [1, 2, 4, 8, 32].randomElement(using: &random)!
        while !rest.isEmpty {
            let size = Int.random(in: 1...maxChunk, using: &random)
            events += parser.feed(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        events += parser.finish()
        return ParsedReply(events: events, problems: parser.problems, incompleteCalls: parser.incompleteCalls)
    }

    @Test func streamedDeltasEqualTheWholeTextParse() {
        var random = SeededRandom(seed: 2026)
        var wellFormed = 0
        var mismatches: [String] = []
        for _ in 0..<1500 {
            let reply = Self.generate(&random)
            let whole = StreamingToolCallParser.parse(reply.text, format: reply.format, makeID: { "call_\($0)" })
            for _ in 0..<2 {
                let streamed = Self.streamed(reply.text, format: reply.format, random: &random)
                if streamed != whole { mismatches.append("streamed ≠ whole for \(reply.text.debugDescription)") }
            }
            guard let calls = reply.calls else { continue }
            wellFormed += 1
            let found = whole.calls.map { ($0.name, $0.argumentsValue) }
            let expected = calls.map { ($0.name, Optional($0.arguments)) }
            if !found.elementsEqual(expected, by: { $0.0 == $1.0 && $0.1 == $1.1 }) || whole.content != reply.content
                || !whole.problems.isEmpty {
                mismatches.append("\(reply.text.debugDescription): got \(whole.calls.map { "\($0.name) \($0.arguments)" }) content \(whole.content.debugDescription) problems \(whole.problems), expected content \(reply.content.debugDescription)")
            }
        }
        #expect(wellFormed >= 1000)
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) mismatches:\n" + mismatches.prefix(8).joined(separator: "\n")))
    }
}
