import Foundation
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
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lam-tokenizer-\(UUID().uuidString).gguf")
        try Data(MinimalGGUF.bytes(metadata)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Tokenizer(gguf: GGUFFile(path: url.path))
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

/// Writes a GGUF v3 file holding only metadata (no tensors): enough to exercise the tokenizer loader.
enum MinimalGGUF {
    static func bytes(_ metadata: [(String, GGUFValue)]) -> [UInt8] {
        var out = Array("GGUF".utf8)
        append(UInt32(3), &out)
        append(UInt64(0), &out)
        append(UInt64(metadata.count), &out)
        for (key, value) in metadata {
            appendString(key, &out)
            append(value.type.rawValue, &out)
            appendValue(value, &out)
        }
        while out.count % 32 != 0 { out.append(0) }
        return out
    }

    private static func append<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func appendString(_ text: String, _ out: inout [UInt8]) {
        append(UInt64(text.utf8.count), &out)
        out += text.utf8
    }

    /// Only the value kinds the tests above use.
    private static func appendValue(_ value: GGUFValue, _ out: inout [UInt8]) {
        switch value {
        case .string(let text): appendString(text, &out)
        case .bool(let flag): out.append(flag ? 1 : 0)
        case .uint32(let number): append(number, &out)
        case .int64(let number): append(number, &out)
        case .uint64(let number): append(number, &out)
        case .array(.string(let texts)):
            append(GGUFValueType.string.rawValue, &out)
            append(UInt64(texts.count), &out)
            for text in texts { appendString(text, &out) }
        case .array(.int32(let numbers)):
            append(GGUFValueType.int32.rawValue, &out)
            append(UInt64(numbers.count), &out)
            for number in numbers { append(number, &out) }
        default:
            fatalError("MinimalGGUF cannot write \(value)")
        }
    }
}
