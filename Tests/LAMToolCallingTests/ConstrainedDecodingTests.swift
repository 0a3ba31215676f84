import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// Constrained decoding against a synthetic vocabulary: everything the mask allows can be completed into a
/// schema-valid value (no dead ends), and every valid value, however it is cut into tokens, is allowed.
@Suite struct ConstrainedDecodingTests {
    static let schemas: [String] = [
        #"{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"],"additionalProperties":false}"#,
        #"{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":["string","null"]}},"required":["x"]},"minItems":1,"maxItems":3},"b":{"type":"boolean"}},"required":["a"]}"#,
        #"{"anyOf":[{"type":"string","maxLength":3},{"type":"number"},{"type":"array","items":{"type":"boolean"},"maxItems":2}]}"#,
        ##"{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["value"],"additionalProperties":false}},"$ref":"#/$defs/node"}"##,
        #"{"type":"object","properties":{"s":{"type":"string","minLength":2,"maxLength":4},"t":{"type":"string","minLength":20}},"required":["s","t"],"additionalProperties":false}"#,
        #"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string","maxLength":5}}"#,
        #"{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"null"},"minItems":2,"maxItems":4}"#,
        #"{"type":"object","properties":{"k":{"const":"fixed"},"n":{"enum":[1,2,3.5,null,"x",true]},"o":{"const":{"a":[1,2]}}},"required":["k","n"],"additionalProperties":false}"#,
        "true",
        #"{"oneOf":[{"type":"integer"},{"type":"string","minLength":1}]}"#,
        #"{"type":"object","required":["zz"],"additionalProperties":{"type":"boolean"}}"#,
        Self.deeplyNested(levels: 24),
        Self.hugeEnum(count: 2000),
    ]

    static func deeplyNested(levels: Int) -> String {
        var schema = #"{"type":"integer"}"#
        for _ in 0..<levels { schema = #"{"type":"object","properties":{"d":"# + schema + #"},"required":["d"],"additionalProperties":false}"# }
        return schema
    }

    static func hugeEnum(count: Int) -> String {
        #"{"type":"object","properties":{"choice":{"enum":["# + (0..<count).map { "\"option-\($0)\"" }.joined(separator: ",")
            + #"]}},"required":["choice"],"additionalProperties":false}"#
    }

    @Test(arguments: schemas.indices)
    func everyValidInstanceIsAllowedWhateverItsTokenization(index: Int) throws {
        let document = try JSONValue(parsing: Self.schemas[index])
        let schema = try JSONSchema(document)
        let grammar = try Grammar(schema: schema)
        let vocabulary = SyntheticVocabulary.shared
        var generator = InstanceGenerator(document: document, random: SeededRandom(seed: UInt64(index) + 1))
        var random = SeededRandom(seed: UInt64(index) + 100)
        var checked = 0
        for attempt in 0..<60 {
            let instance = generator.instance(document)
            guard schema.isValid(instance) else { continue }
            let text = attempt % 3 == 2 ? instance.pythonJSON(ensureASCII: true) : instance.pythonJSON()
            let tokens = vocabulary.tokenize(Array(text.utf8), using: &random)
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary.vocabulary)
            var mask = TokenBitmask(count: vocabulary.vocabulary.count)
            for (position, token) in tokens.enumerated() {
                matcher.allowedTokens(into: &mask)
                #expect(mask[token], "token \(position) \(String(decoding: vocabulary.tokens[token], as: UTF8.self).debugDescription) of \(text) was masked out")
                guard mask[token] else { break }
                let advanced = matcher.advance(token: token)
                #expect(advanced)
            }
            matcher.allowedTokens(into: &mask)
            #expect(mask[vocabulary.eos], "end of sequence not allowed after \(text)")
            #expect(matcher.isComplete)
            checked += 1
        }
        #expect(checked >= 20, "only \(checked) valid instances generated")
    }

    @Test(arguments: schemas.indices)
    func everyAllowedSequenceCompletesToAValidInstance(index: Int) throws {
        let schema = try JSONSchema(parsing: Self.schemas[index])
        let grammar = try Grammar(schema: schema)
        var random = SeededRandom(seed: UInt64(index) + 1000)
        for _ in 0..<25 {
            let text = try Self.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...60, using: &random), random: &random)
            let value = try JSONValue(parsing: text)
            #expect(schema.violations(of: value).isEmpty, "\(text) violates \(schema.violations(of: value))")
        }
    }

    /// Samples allowed tokens at random for `freeSteps` (or until end-of-sequence is drawn), then appends the
    /// matcher's own completion. Fails if the mask is ever empty, or the prefix cannot be completed.
    static func randomConstrainedText(_ grammar: Grammar, freeSteps: Int, random: inout SeededRandom) throws -> String {
        let vocabulary = SyntheticVocabulary.shared
        var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary.vocabulary)
        var mask = TokenBitmask(count: vocabulary.vocabulary.count)
        var text: [UInt8] = []
        for _ in 0..<freeSteps {
            matcher.allowedTokens(into: &mask)
            let allowed = mask.allowed
            try #require(!allowed.isEmpty, "dead end after \(String(decoding: text, as: UTF8.self).debugDescription)")
            let choice = allowed.randomElement(using: &random)!
            // The mask and the matcher agree: a masked-out token is refused.
            let refused = Int.random(in: 0..<vocabulary.tokens.count, using: &random)
            if !mask[refused] {
                var probe = matcher
                let accepted = probe.advance(token: refused)
                #expect(!accepted, "token \(refused) is masked out but accepted after \(String(decoding: text, as: UTF8.self))")
            }
            let advanced = matcher.advance(token: choice)
            try #require(advanced)
            if choice == vocabulary.eos { return String(decoding: text, as: UTF8.self) }
            text += vocabulary.tokens[choice]
        }
        let ending = try #require(matcher.completion(), "no completion after \(String(decoding: text, as: UTF8.self).debugDescription)")
        let completed = matcher.advance(bytes: ending)
        try #require(completed)
        text += ending
        matcher.allowedTokens(into: &mask)
        try #require(mask[vocabulary.eos], "completion \(String(decoding: ending, as: UTF8.self)) does not end the reply")
        return String(decoding: text, as: UTF8.self)
    }

    @Test func unsatisfiableRecursionIsPrunedAndWhollyUnsatisfiableSchemasAreRejected() throws {
        let loop = ##"{"$defs":{"loop":{"type":"object","properties":{"next":{"$ref":"#/$defs/loop"}},"required":["next"]}},"anyOf":[{"$ref":"#/$defs/loop"},{"type":"integer"}]}"##
        let grammar = try Grammar(schema: try JSONSchema(parsing: loop))
        var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
        let objectAllowed = matcher.advance(bytes: Array("{".utf8))
        #expect(!objectAllowed)
        let integerAllowed = matcher.advance(bytes: Array("42".utf8))
        #expect(integerAllowed)
        #expect(matcher.isComplete)
        let onlyLoop = ##"{"type":"object","properties":{"a":{"$ref":"#"}},"required":["a"]}"##
        #expect(throws: SchemaError.self) { try Grammar(schema: try JSONSchema(parsing: onlyLoop)) }
        #expect(throws: SchemaError.self) { try Grammar(schema: try JSONSchema(parsing: #"{"type":"string","minLength":3,"maxLength":2}"#)) }
    }

    @Test func rejectsWhatTheSchemaForbidsAtTheFirstWrongByte() throws {
        let grammar = try Grammar(schema: try JSONSchema(parsing: Self.schemas[0]))
        func accepts(_ text: String) -> Bool {
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
            return matcher.advance(bytes: Array(text.utf8))
        }
        #expect(accepts(#"{"location": "Par"#))
        #expect(!accepts(#"{"locatiom"#))
        #expect(!accepts(#"{"location": 1"#))
        #expect(!accepts(#"{"unit": "kel"#))
        #expect(!accepts(#"{"unit": "celsius"}"#))  // location is required
        #expect(!accepts(#"{"location": "a", "location""#))  // no repeated keys
        #expect(!accepts(#"{"location": "\ud800x"#))  // lone surrogate
        #expect(!accepts("{\"location\": \"\u{1}"))  // raw control character
        #expect(!accepts(#"{"location": "a"} "#))  // nothing after the value
        var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
        let valid = matcher.advance(bytes: Array(#"{"location": "a"}"#.utf8))
        #expect(valid)
        #expect(matcher.isComplete)
        let trailing = matcher.advance(bytes: Array("x".utf8))
        #expect(!trailing)
        #expect(matcher.isComplete, "a rejected advance leaves the state unchanged")
    }
}

extension ConstrainedDecodingTests {
    /// Long generations compact the matcher's frame arena; the state must survive it.
    @Test func stateSurvivesArenaCompactionInLongGenerations() throws {
        let schema = try JSONSchema(parsing: #"{"type":"object","properties":{"text":{"type":"string"},"n":{"type":"integer"}},"required":["text","n"],"additionalProperties":false}"#)
        var matcher = TokenMaskMatcher(grammar: try Grammar(schema: schema), vocabulary: SyntheticVocabulary.shared.vocabulary)
        let opened = matcher.advance(bytes: Array(#"{"text": ""#.utf8))
        #expect(opened)
        let word = Array("Hello world, ü 日本 ".utf8)
        for _ in 0..<8000 {
            let advanced = matcher.advance(bytes: word)
            try #require(advanced)
        }
        let closed = matcher.advance(bytes: Array(#"", "n": 7}"#.utf8))
        #expect(closed)
        #expect(matcher.isComplete)
        let extra = matcher.advance(bytes: Array("1".utf8))
        #expect(!extra)
    }
}
