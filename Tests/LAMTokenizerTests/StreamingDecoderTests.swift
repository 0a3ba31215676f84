import LAMTestSupport
import LAMTokenizer
import Testing

@Suite struct StreamingDecoderTests {
    static let tokenizer = Result { try Tokenizer(tokenizerJSON: Golden.url("tokenizer/small-bytelevel.tokenizer.json")) }

    /// Streams ids one at a time and returns the chunks, the last one from `finish()`.
    static func stream(_ ids: [Int32], _ tokenizer: Tokenizer, skipSpecialTokens: Bool = false) -> [String] {
        var decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: skipSpecialTokens)
        return ids.map { decoder.append($0) } + [decoder.finish()]
    }

    @Test func streamedCorpusIsTheOriginalText() throws {
        // The small byte-level tokenizer has no normalizer and a 600-token vocabulary, so most non-ASCII
        // characters are split across several byte tokens: any U+FFFD shown too early would change the text.
        let tokenizer = try Self.tokenizer.get()
        var mismatches = 0
        for text in GoldenTokenizerData.corpus {
            let ids = tokenizer.encode(text, specialTokens: .recognize)
            if Self.stream(ids, tokenizer).joined() != text { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(GoldenTokenizerData.corpus.count >= 5000)
    }

    @Test func charactersSplitAcrossTokensAreHeldBack() throws {
        let tokenizer = try Self.tokenizer.get()
        let text = "a👩🏾‍💻b"
        let ids = tokenizer.encode(text, specialTokens: .plainText)
        let chunks = Self.stream(ids, tokenizer)
        #expect(chunks.joined() == text)
        #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        // Every chunk is whole characters: it re-encodes to exactly its own bytes.
        #expect(chunks.allSatisfy { String(decoding: Array($0.utf8), as: UTF8.self) == $0 })
        #expect(chunks.filter { !$0.isEmpty }.count < ids.count, "some tokens should complete no character")
    }

    @Test func anUnfinishedCharacterAtTheEndBecomesOneReplacementCharacter() throws {
        let tokenizer = try Self.tokenizer.get()
        let ids = tokenizer.encode("x€", specialTokens: .plainText)   // € is three bytes
        let cut = Array(ids.dropLast())
        let chunks = Self.stream(cut, tokenizer)
        #expect(chunks.joined() == tokenizer.decode(cut))
        #expect(chunks.last == "\u{FFFD}")
    }

    @Test(arguments: ["qwen05b", "smollm2"])
    func streamingArbitraryIDsMatchesWholeDecoding(model: String) throws {
        // The golden decode cases hold arbitrary ids, slices that cut characters, and special tokens.
        let tokenizer = try TokenizerLoading.tokenizer(for: model)
        for testCase in try GoldenTokenizerData.decodeCases(model) {
            #expect(Self.stream(testCase.ids, tokenizer).joined() == testCase.text)
            #expect(Self.stream(testCase.ids, tokenizer, skipSpecialTokens: true).joined() == testCase.textSkippingSpecialTokens)
        }
    }
}
