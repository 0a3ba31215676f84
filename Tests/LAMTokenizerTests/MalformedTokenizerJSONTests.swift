import Foundation
import LAMJSON
import LAMTestSupport
import LAMTokenizer
import Testing

/// Broken tokenizer.json files give a `TokenizerError` naming the problem: never a crash or a hang.
@Suite struct MalformedTokenizerJSONTests {
    static let validJSON = Result { try Golden.data("tokenizer/small-split.tokenizer.json") }

    static func load(_ text: String) -> Result<Tokenizer, TokenizerError> {
        Result { () throws(TokenizerError) in try Tokenizer(tokenizerJSONData: Data(text.utf8)) }
    }

    static func error(_ text: String) -> TokenizerError? {
        if case .failure(let error) = load(text) { error } else { nil }
    }

    /// A minimal valid tokenizer.json with `model` replaced by the given members.
    static func tokenizer(model: String, extra: String = "") -> String {
        """
        {"model": {\(model)}, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
         "decoder": {"type": "ByteLevel"}\(extra)}
        """
    }

    @Test func minimalTokenizerLoads() throws {
        let tokenizer = try Self.load(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]"#)).get()
        #expect(tokenizer.encode("ab", specialTokens: .plainText) == [2])
        #expect(tokenizer.encode("ba", specialTokens: .plainText) == [1, 0])
    }

    @Test func bosComesFromTheTemplatePostProcessorAndTokenizerConfig() throws {
        // Llama 3 wraps its TemplateProcessing in a Sequence.
        let json = Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0}"#, extra: #"""
            , "added_tokens": [{"id": 1, "content": "<s>", "special": true}, {"id": 2, "content": "</s>", "special": true}],
            "post_processor": {"type": "Sequence", "processors": [{"type": "ByteLevel"},
              {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A"}}]}]}
            """#)
        let tokenizer = try Self.load(json).get()
        #expect(tokenizer.bosToken == 1 && tokenizer.addBOS)
        #expect(tokenizer.eosToken == nil)
        let config = Data(#"{"eos_token": {"content": "</s>"}, "add_bos_token": false}"#.utf8)
        let configured = try Tokenizer(tokenizerJSONData: Data(json.utf8), configData: config)
        #expect(configured.eosToken == 2 && !configured.addBOS)
        #expect(configured.endOfGenerationTokens == [2])
    }

    @Test func invalidJSONGivesTheByteOffset() {
        guard case .invalidJSON(let parseError)? = Self.error(#"{"model": {"vocab": {"a": 0,}}}"#) else {
            Issue.record("expected invalidJSON")
            return
        }
        #expect(parseError.offset == 28)
    }

    @Test func structuralProblemsNameTheField() {
        #expect(Self.error("[]") == .wrongType(field: "(root)", expected: "an object"))
        #expect(Self.error(#"{"pre_tokenizer": null}"#) == .missingField("model"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "merges": []"#)) == .missingField("model.vocab"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": [], "merges": []"#))
                == .wrongType(field: "model.vocab", expected: "an object"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": "0"}, "merges": []"#))
                == .wrongType(field: #"model.vocab["a"]"#, expected: "an integer token id"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": -1}, "merges": []"#))
                == .invalidValue(field: #"model.vocab["a"]"#, reason: "token id -1 out of range"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0}, "merges": ["a"]"#))
                == .invalidValue(field: "model.merges[0]", reason: #"a merge must be two tokens separated by one space, got "a""#))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]"#))
                == .invalidValue(field: "model.merges[0]", reason: #"the merged token "ab" is not in the vocabulary"#))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0}, "merges": [["a", 1]]"#))
                == .wrongType(field: "model.merges[0][1]", expected: "a string"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 70000000}"#))
                == .invalidValue(field: #"model.vocab["a"]"#, reason: "token id 70000000 out of range"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 5000000}"#))
                == .invalidValue(field: "vocabulary", reason: "token id 5000000 is far beyond the 1 tokens defined"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {"a": 0}"#,
                                          extra: #", "added_tokens": [{"id": 1, "content": ""}]"#))
                == .invalidValue(field: "added token 1", reason: "empty content"))
    }

    @Test func unsupportedFeaturesAreNamed() {
        #expect(Self.error(Self.tokenizer(model: #""type": "Unigram", "vocab": []"#))
                == .unsupported(feature: "model.type Unigram (only BPE)"))
        #expect(Self.error(Self.tokenizer(model: #""type": "BPE", "vocab": {}, "byte_fallback": true"#))
                == .unsupported(feature: "model.byte_fallback"))
        let split = #"{"model": {"vocab": {"a": 0}}, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated"}}"#
        #expect(Self.error(split) == .unsupported(feature: #"pre_tokenizer regex \w+"#))
        let metaspace = #"{"model": {"vocab": {"a": 0}}, "pre_tokenizer": {"type": "Metaspace"}}"#
        #expect(Self.error(metaspace) == .unsupported(feature: "pre_tokenizer.type Metaspace"))
        let noByteLevel = #"{"model": {"vocab": {"a": 0}}, "pre_tokenizer": {"type": "Digits", "individual_digits": true}}"#
        #expect(Self.error(noByteLevel) == .unsupported(feature: "pre_tokenizer without ByteLevel (not byte-level BPE)"))
        #expect(Self.error(Self.tokenizer(model: #""vocab": {"a": 0}"#, extra: #", "normalizer": {"type": "NFKC"}"#))
                == .unsupported(feature: "normalizer.type NFKC"))
    }

    /// Mutation fuzzing: random byte-level damage to a real tokenizer.json. Each mutant must load or throw a
    /// TokenizerError; a mutant that loads must still encode and decode without trapping.
    @Test func byteMutationsNeverCrash() throws {
        let original = [UInt8](try Self.validJSON.get())
        var random = SeededRandom(seed: 0x70C)
        var outcomes = (loaded: 0, rejected: 0)
        let interesting: [UInt8] = Array(#"{}[]",:0123456789-."\ "#.utf8) + [0x00, 0xFF, 0xC3, 0x80]
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[position] = interesting.randomElement(using: &random)!
                case 1: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
                case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...64, using: &random)))
                case 3: bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + 32)], at: position)
                default: bytes.removeSubrange(position...)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            outcomes = Self.exercise(Data(bytes), outcomes)
        }
        #expect(outcomes.rejected > 100)
        #expect(outcomes.loaded + outcomes.rejected == 400)
    }

    /// Mutation fuzzing at the JSON level: values replaced by values of other types, members dropped,
    /// numbers made negative or huge, strings emptied. Reaches the loader's checks past the JSON parser.
    @Test func structuralMutationsNeverCrash() throws {
        let original = try JSONValue(parsing: [UInt8](try Self.validJSON.get()))
        var random = SeededRandom(seed: 0x5EED)
        var outcomes = (loaded: 0, rejected: 0)
        let replacements: [JSONValue] = [.null, .bool(true), .integer(-1), .integer(1 << 40), .integer(3), .double(0.5),
                                         .string(""), .string("Ġ"), .string("a b c"), .array([]), .object([:])]
        for _ in 0..<300 {
            var value = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                value = Self.mutate(value, depth: 0, random: &random, replacements: replacements)
            }
            outcomes = Self.exercise(Data(value.compactJSON.utf8), outcomes)
        }
        #expect(outcomes.loaded > 20)
        #expect(outcomes.rejected > 20)
    }

    private static func mutate(_ value: JSONValue, depth: Int, random: inout SeededRandom, replacements: [JSONValue]) -> JSONValue {
        let stop = depth > 0 && Int.random(in: 0..<4, using: &random) == 0
        switch value {
        case .object(var object) where !object.isEmpty && !stop:
            let index = Int.random(in: 0..<object.count, using: &random)
            if Int.random(in: 0..<6, using: &random) == 0 {
                object.remove(at: index)
            } else {
                object.values[index] = mutate(object.values[index], depth: depth + 1, random: &random, replacements: replacements)
            }
            return .object(object)
        case .array(var array) where !array.isEmpty && !stop:
            let index = Int.random(in: 0..<array.count, using: &random)
            array[index] = mutate(array[index], depth: depth + 1, random: &random, replacements: replacements)
            return .array(array)
        default:
            return replacements.randomElement(using: &random)!
        }
    }

    private static func exercise(_ data: Data, _ outcomes: (loaded: Int, rejected: Int)) -> (loaded: Int, rejected: Int) {
        do {
            let tokenizer = try Tokenizer(tokenizerJSONData: data)
            let ids = tokenizer.encode("Hello <|eot_id|> wörld 123 👩🏾‍💻 <mask> café", specialTokens: .recognize)
            _ = tokenizer.decode(ids + [-1, Int32.max])
            return (outcomes.loaded + 1, outcomes.rejected)
        } catch {
            return (outcomes.loaded, outcomes.rejected + 1)
        }
    }
}
