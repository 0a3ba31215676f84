import LAMModelFiles
import LAMTestSupport
import LAMTokenizer
import Testing

/// Broken or unsupported tokenizer metadata in a GGUF file gives a `TokenizerError` naming the key.
@Suite struct MalformedGGUFTokenizerTests {
    /// A small, valid byte-level BPE tokenizer: the 256 byte tokens, "he", "hel", "hello" and two specials.
    static func validMetadata() -> [(String, GGUFValue)] {
        let bytes = (0..<256).map { String(Character(byteCharacter(UInt8($0)))) }
        let tokens = bytes + ["he", "ll", "hell", "hello", "<|im_start|>", "<tool_call>"]
        return [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("qwen2")),
            ("tokenizer.ggml.tokens", .array(.string(tokens))),
            ("tokenizer.ggml.token_type", .array(.int32(Array(repeating: 1, count: 256) + [1, 1, 1, 1, 3, 4]))),
            ("tokenizer.ggml.merges", .array(.string(["h e", "l l", "he ll", "hell o"]))),
            ("tokenizer.ggml.eos_token_id", .uint32(260)),
        ]
    }

    /// The byte-level alphabet character of a byte (GPT-2's table), spelled out so the test needs no internals.
    static func byteCharacter(_ byte: UInt8) -> Unicode.Scalar {
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        if printable { return Unicode.Scalar(byte) }
        let shifted = (0..<Int(byte)).filter { b in
            !((0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b))
        }.count
        return Unicode.Scalar(UInt32(256 + shifted))!
    }

    static func load(_ metadata: [(String, GGUFValue)]) throws -> Tokenizer {
        var builder = GGUFBuilder()
        builder.metadata = metadata.map { (key: $0.0, value: $0.1) }
        return try Tokenizer(gguf: GGUFFile(bytes: builder.build()))
    }

    static func error(_ metadata: [(String, GGUFValue)]) -> TokenizerError? {
        do {
            _ = try load(metadata)
            return nil
        } catch let error as TokenizerError {
            return error
        } catch {
            Issue.record("not a TokenizerError: \(error)")
            return nil
        }
    }

    static func replacing(_ key: String, with value: GGUFValue?) -> [(String, GGUFValue)] {
        validMetadata().compactMap { entry in entry.0 != key ? entry : value.map { (key, $0) } }
    }

    @Test func validMetadataLoads() throws {
        let tokenizer = try Self.load(Self.validMetadata())
        #expect(tokenizer.encode("hello", specialTokens: .plainText) == [259])
        #expect(tokenizer.encode("<|im_start|>hello", specialTokens: .recognize) == [260, 259])
        #expect(tokenizer.encode("<tool_call>", specialTokens: .plainText) == [261])
        #expect(tokenizer.eosToken == 260)
    }

    @Test func problemsNameTheKey() {
        #expect(Self.error(Self.replacing("tokenizer.ggml.model", with: .string("llama")))
                == .unsupported(feature: "tokenizer.ggml.model llama (only gpt2, byte-level BPE)"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.model", with: nil)) == .missingField("tokenizer.ggml.model"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.tokens", with: nil)) == .missingField("tokenizer.ggml.tokens"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.tokens", with: .array(.int32([1]))))
                == .wrongType(field: "tokenizer.ggml.tokens", expected: "an array of strings"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.token_type", with: .array(.int32([1]))))
                == .invalidValue(field: "tokenizer.ggml.token_type", reason: "1 types for 262 tokens"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.merges", with: .array(.string(["h zz"]))))
                == .invalidValue(field: "tokenizer.ggml.merges[0]", reason: #""h zz" uses a token not in the vocabulary"#))
        #expect(Self.error(Self.replacing("tokenizer.ggml.pre", with: .string("falcon")))
                == .unsupported(feature: "tokenizer.ggml.pre falcon"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.eos_token_id", with: .uint32(9999)))
                == .invalidValue(field: "eos token", reason: "id 9999 is outside the vocabulary (size 262)"))
        #expect(Self.error(Self.replacing("tokenizer.ggml.eos_token_id", with: .string("2")))
                == .wrongType(field: "tokenizer.ggml.eos_token_id", expected: "an integer"))
    }

    /// Mutation test: random keys dropped or given values of other types, merges garbled, ids out of range.
    @Test func metadataMutationsNeverCrash() throws {
        var random = SeededRandom(seed: 0x66)
        let replacements: [GGUFValue] = [.string(""), .string("a b"), .bool(true), .int64(-1), .uint64(.max),
                                         .uint32(5), .array(.string(["", " ", "a  b", "Ġ Ġ"])), .array(.int32([-7, 3]))]
        var outcomes = (loaded: 0, rejected: 0)
        for _ in 0..<120 {
            var metadata = Self.validMetadata()
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let index = Int.random(in: 0..<metadata.count, using: &random)
                if Bool.random(using: &random) {
                    metadata[index].1 = replacements.randomElement(using: &random)!
                } else {
                    metadata.remove(at: index)
                }
            }
            do {
                let tokenizer = try Self.load(metadata)
                _ = tokenizer.decode(tokenizer.encode("hello <|im_start|> wörld", specialTokens: .recognize))
                outcomes.loaded += 1
            } catch is TokenizerError {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.rejected > 30)
        #expect(outcomes.loaded + outcomes.rejected == 120)
    }
}
