import Foundation
import LAMTestSupport
import LAMTokenizer
import Testing

/// The tokenizer.json loader on two small tokenizers trained by scripts/golden/tokenizer.py, each exercising
/// other features (NFC, the Llama 3 split regex, ignore_merges, lstrip/rstrip and normalized added tokens; the
/// Digits and ByteLevel-regex pre-tokenizers), against the ids Hugging Face gave.
@Suite struct TokenizerJSONAgreementTests {
    @Test(arguments: ["small-split", "small-bytelevel"])
    func smallTokenizerMatchesHuggingFace(name: String) throws {
        let tokenizer = try Tokenizer(tokenizerJSON: Golden.url("tokenizer/\(name).tokenizer.json"))
        let compared = try GoldenTokenizerData.checkAgreement(tokenizer, golden: name)
        #expect(compared >= 1500)
    }

    /// The full-size tokenizers of the test models as tokenizer.json (written by
    /// `scripts/golden/tokenizer.py --save-json DIR`); opt-in because they are not committed (7 MB each).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLAM_TOKENIZER_JSON_DIR"] != nil),
          arguments: ["qwen05b", "smollm2"])
    func fullTokenizerJSONMatchesHuggingFace(name: String) throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SWIFTLAM_TOKENIZER_JSON_DIR"]!)
        let tokenizer = try Tokenizer(tokenizerJSON: directory.appendingPathComponent("\(name).tokenizer.json"))
        try GoldenTokenizerData.checkAgreement(tokenizer, golden: name)
        try GoldenTokenizerData.checkDecoding(tokenizer, golden: name)
    }
}
