import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// Hostile input: random schemas, random output text. Typed errors or results, never a crash or a hang.
@Suite struct FuzzTests {
    static let keywords = ["type", "properties", "required", "additionalProperties", "items", "prefixItems", "enum",
                           "const", "anyOf", "oneOf", "allOf", "not", "$ref", "$defs", "minItems", "maxItems",
                           "minLength", "maxLength", "minimum", "multipleOf", "uniqueItems", "pattern"]

    static func randomSchema(_ random: inout SeededRandom, depth: Int = 0) -> JSONValue {
        if depth > 3 || Int.random(in: 0..<6, using: &random) == 0 {
            return [JSONValue.bool(true), .bool(false), .integer(3), .string("string"), .object([:])].randomElement(using: &random)!
        }
        var object: JSONObject = [:]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let key = keywords.randomElement(using: &random)!
            switch key {
            case "type":
                object[key] = Bool.random(using: &random)
                    ? .string(["object", "array", "string", "integer", "number", "boolean", "null", "dict", "float", "any", "bogus"].randomElement(using: &random)!)
                    : .array([.string("string"), .string("null"), .integer(1)].shuffled(using: &random).dropLast(Int.random(in: 0...2, using: &random)).map { $0 })
            case "properties", "$defs":
                var properties: JSONObject = [:]
                for name in ["a", "b", "c"].prefix(Int.random(in: 0...3, using: &random)) { properties[name] = randomSchema(&random, depth: depth + 1) }
                object[key] = Int.random(in: 0..<8, using: &random) == 0 ? .integer(1) : .object(properties)
            case "required": object[key] = .array([.string("a"), .string("z"), .integer(4)].prefix(Int.random(in: 0...3, using: &random)).map { $0 })
            case "additionalProperties", "items", "not": object[key] = randomSchema(&random, depth: depth + 1)
            case "prefixItems", "anyOf", "oneOf", "allOf":
                object[key] = .array((0..<Int.random(in: 0...3, using: &random)).map { _ in randomSchema(&random, depth: depth + 1) })
            case "enum": object[key] = .array([.integer(1), .string("x"), .null, .array([]), .double(2.5)].prefix(Int.random(in: 0...5, using: &random)).map { $0 })
            case "const": object[key] = [JSONValue.string("k"), .integer(7), .object(["a": .bool(true)])].randomElement(using: &random)!
            case "$ref": object[key] = .string(["#", "#/$defs/a", "#/$defs/zz", "#/properties/a", "http://x", "#/$defs/a/properties/b"].randomElement(using: &random)!)
            default:
                object[key] = [JSONValue.integer(Int.random(in: -2...5, using: &random)), .integer(40), .double(1.5), .string("x"), .bool(true)].randomElement(using: &random)!
            }
        }
        return .object(object)
    }

    @Test func randomSchemasCompileValidateAndDecodeOrFailWithTypedErrors() throws {
        var random = SeededRandom(seed: 5)
        var compiled = 0
        var decoded = 0
        for _ in 0..<800 {
            let document = Self.randomSchema(&random)
            guard let schema = try? JSONSchema(document) else { continue }
            compiled += 1
            for _ in 0..<5 { _ = schema.violations(of: StreamingPropertyTests.randomValue(&random, depth: 0)) }
            let grammar: Grammar
            do { grammar = try Grammar(schema: schema) } catch { continue }
            decoded += 1
            let text = try ConstrainedDecodingTests.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...15, using: &random), random: &random)
            // What constrained decoding produced is valid, except for the keywords left to validation.
            if let value = try? JSONValue(parsing: text), !schema.isValid(value) {
                let unenforced = ["not", "multipleOf", "minimum", "uniqueItems", "oneOf", "allOf"]
                #expect(unenforced.contains { document.compactJSON.contains("\"\($0)\"") }, "\(document.compactJSON) produced invalid \(text)")
            }
        }
        #expect(compiled > 200)
        #expect(decoded > 100)
    }

    @Test func adversarialBoundsStayCheap() throws {
        let schema = try JSONSchema(parsing: #"{"type":"array","minItems":1000000,"items":{"type":"string","minLength":1000000000}}"#)
        let grammar = try Grammar(schema: schema)
        var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
        var mask = TokenBitmask(count: SyntheticVocabulary.shared.vocabulary.count)
        matcher.allowedTokens(into: &mask)
        #expect(mask.allowed.map { SyntheticVocabulary.shared.tokens[$0].first } .allSatisfy { $0 == UInt8(ascii: "[") || Self.isSpace($0) })
        #expect(matcher.completion() == nil, "a completion of 10^15 bytes is not attempted")
        #expect(throws: SchemaError.tooComplex("schemas and $refs nested more than 256 deep at '/$defs/d255'")) {
            try JSONSchema(parsing: Self.refChain(400))
        }
        #expect(throws: Never.self) { try JSONSchema(parsing: Self.refChain(100)) }
    }

    static func isSpace(_ byte: UInt8?) -> Bool { byte.map { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D } ?? false }

    /// `$defs` d0 → d1 → … → dN by `$ref`.
    static func refChain(_ length: Int) -> String {
        let definitions = (0..<length).map { "\"d\($0)\": {\"$ref\": \"#/$defs/d\($0 + 1)\"}" } + ["\"d\(length)\": {\"type\": \"integer\"}"]
        return ##"{"$ref": "#/$defs/d0", "$defs": {"## + definitions.joined(separator: ", ") + "}}"
    }

    @Test func randomTextNeverBreaksTheParser() {
        var random = SeededRandom(seed: 11)
        let pieces = ["[", "]", "{", "}", "\"", "\\", ",", ":", " ", "\n", "name", "arguments", "parameters", "```", "```json",
                      "<tool_call>", "</tool_call>", "[TOOL_CALLS]", "<|python_tag|>", "</think>", "é", "😀", "1", "-", "e",
                      "true", "nul", "\"name\": \"f\"", "\"arguments\": {", "x"]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let format = ToolCallFormat.allCases.randomElement(using: &random)!
            let whole = StreamingToolCallParser.parse(text, format: format, makeID: { "call_\($0)" })
            let streamed = StreamingPropertyTests.streamed(text, format: format, random: &random)
            #expect(whole == streamed, "\(text.debugDescription)")
        }
    }
}
