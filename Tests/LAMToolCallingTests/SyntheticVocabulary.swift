import LAMJSON
import LAMTestSupport
import LAMToolCalling

/// A small byte-level vocabulary shaped like a real BPE one: all 256 single bytes (so any text can be spelled),
/// plus multi-byte pieces that straddle JSON structure (`", "`, `"}]`, `\u`), whole and partial UTF-8 characters,
/// tags, and words; the last id is end-of-sequence.
struct SyntheticVocabulary {
    let tokens: [[UInt8]]
    let eos: Int
    let vocabulary: TokenVocabulary
    private let idsByBytes: [[UInt8]: Int]
    private let longest: Int

    static let shared = SyntheticVocabulary()

    init() {
        var tokens: [[UInt8]] = (0...255).map { [UInt8($0)] }
        let pieces = [
            "{\"", "\"}", "\":", "\": ", "\", \"", ", \"", "\"]", "[\"", "[{\"", "\"}]", "}]", "]}", "},", "}, {", "null",
            "true", "false", "name", "arguments", "parameters", "\"name\": \"", "\"arguments\": {", "\"arguments\": {}",
            "location", "London", " the", "ing", "\\\"", "\\\\", "\\n", "\\u", "\\ud83d", "\\ude00", "00e9", "é", "😀",
            "ü", "日本", "12", "3.5", "e+", "-1", "0.", "  ", "\n  ", "\n", "<tool_call>", "</tool_call>", "<tool", "_call>",
            "celsius", "fahrenheit", "unit", "\"unit\": \"", "get_weather", "search", "query", "value", "children", "[]",
            "{}", "\": [", "\": {", "\": \"", "\": 1", "\"value\": ", "\"children\": [", "tags", "a\"", "b\"", "x", "],",
            "[[", "]]", "\"\"", "\", ", "1, ", ", ", "Hello", " world", "Sure", "```json\n", "```",
        ]
        var seen = Set(tokens)
        for piece in pieces where seen.insert(Array(piece.utf8)).inserted { tokens.append(Array(piece.utf8)) }
        // Partial UTF-8: the first two bytes of a 4-byte emoji, the last two, the first byte of a 3-byte character.
        for partial in [[0xF0, 0x9F], [0x98, 0x80], [0xE6]] as [[UInt8]] where seen.insert(partial).inserted {
            tokens.append(partial)
        }
        eos = tokens.count
        tokens.append([])
        self.tokens = tokens
        vocabulary = TokenVocabulary(tokenBytes: tokens, endOfSequenceIDs: [eos])
        var ids: [[UInt8]: Int] = [:]
        for (id, bytes) in tokens.enumerated() where !bytes.isEmpty { ids[bytes] = id }
        idsByBytes = ids
        longest = tokens.map(\.count).max() ?? 1
    }

    /// A random segmentation of `text` into tokens of this vocabulary.
    func tokenize(_ text: [UInt8], using random: inout some RandomNumberGenerator) -> [Int] {
        var out: [Int] = []
        var position = 0
        while position < text.count {
            var candidates: [Int] = []
            for length in 1...min(longest, text.count - position) {
                if let id = idsByBytes[Array(text[position..<(position + length)])] { candidates.append(id) }
            }
            // Prefer longer pieces most of the time, as BPE does.
            let id = Bool.random(using: &random) ? candidates.last! : candidates.randomElement(using: &random)!
            out.append(id)
            position += tokens[id].count
        }
        return out
    }
}

/// Random instances of a (raw) JSON Schema, for the keywords the decoding tests use. Instances are checked
/// against the compiled schema by the caller, so an imperfect generator can only make the test weaker, not wrong.
struct InstanceGenerator {
    let document: JSONValue
    var random: SeededRandom

    mutating func instance(_ schema: JSONValue, depth: Int = 0) -> JSONValue {
        guard case .object(let fields) = schema else { return schema == .bool(false) ? .null : .integer(1) }
        if case .string(let reference)? = fields["$ref"] { return instance(resolve(reference), depth: depth + 1) }
        if let constant = fields["const"] { return constant }
        if case .array(let values)? = fields["enum"] { return values.randomElement(using: &random)! }
        if case .array(let branches)? = fields["anyOf"] ?? fields["oneOf"] {
            return instance(branches.randomElement(using: &random)!, depth: depth + 1)
        }
        var type = "any"
        switch fields["type"] {
        case .string(let name)?: type = name
        case .array(let names)?: if case .string(let name) = names.randomElement(using: &random)! { type = name }
        default:
            if fields["properties"] != nil { type = "object" } else if fields["items"] != nil { type = "array" }
        }
        if type == "any" { type = ["null", "boolean", "integer", "number", "string", "array", "object"].randomElement(using: &random)! }
        let shallow = depth <= 8  // deeper down, only what is required, so recursive schemas end
        switch type {
        case "null": return .null
        case "boolean": return .bool(Bool.random(using: &random))
        case "integer": return .integer(Int.random(in: -1000...100_000, using: &random))
        case "number":
            return Bool.random(using: &random) ? .integer(Int.random(in: -50...50, using: &random))
                : .double(Double(Int.random(in: -100_000...100_000, using: &random)) / 64)
        case "string":
            let low = fields["minLength"]?.integerValue ?? 0
            let high = fields["maxLength"]?.integerValue ?? (low + 12)
            return .string(randomString(length: Int.random(in: low...max(low, high), using: &random)))
        case "array":
            var items: [JSONValue] = []
            let prefix = fields["prefixItems"]?.arrayValue ?? []
            let low = fields["minItems"]?.integerValue ?? 0
            let high = fields["maxItems"]?.integerValue ?? (low + 3)
            let count = shallow ? Int.random(in: low...max(low, high), using: &random) : low
            for index in 0..<count {
                items.append(instance(index < prefix.count ? prefix[index] : (fields["items"] ?? .bool(true)), depth: depth + 1))
            }
            return .array(items)
        default:
            var object: JSONObject = [:]
            let properties = fields["properties"]?.objectValue ?? [:]
            let required = Set((fields["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            for (name, property) in properties.shuffled(using: &random) where required.contains(name) || (shallow && Bool.random(using: &random)) {
                object[name] = instance(property, depth: depth + 1)
            }
            for name in required where object[name] == nil {
                object[name] = instance(properties[name] ?? fields["additionalProperties"] ?? .bool(true), depth: depth + 1)
            }
            if shallow && fields["additionalProperties"] != .bool(false) && Int.random(in: 0..<4, using: &random) == 0 {
                object["extra_" + randomString(length: 3)] = instance(fields["additionalProperties"] ?? .bool(true), depth: depth + 1)
            }
            return .object(object)
        }
    }

    private mutating func randomString(length: Int) -> String {
        let alphabet: [Character] = ["a", "b", "Z", " ", "\"", "\\", "/", "\n", "\t", "é", "ü", "日", "😀", "[", "]", "{", "}", ":", ",", "\u{1}", "7"]
        return String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
    }

    private func resolve(_ reference: String) -> JSONValue {
        var current = document
        for token in reference.dropFirst(2).split(separator: "/") {
            current = current[String(token)] ?? .bool(true)
        }
        return reference == "#" ? document : current
    }
}
