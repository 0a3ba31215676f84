import Foundation
import LAMJSON
import LAMTestSupport
import LAMTokenizer
import Testing

/// The golden files written by scripts/golden/tokenizer.py.
enum GoldenTokenizerData {
    /// The test corpus: one JSON string per line.
    static let corpus: [String] = {
        let text = String(decoding: (try? Golden.data("tokenizer/corpus.jsonl")) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            (try? JSONValue(parsing: String(line)))?.stringValue ?? "<unreadable corpus line>"
        }
    }()

    struct ExpectedIDs {
        let recognizingSpecialTokens: [Int32]
        let plainText: [Int32]
    }

    /// `name`.ids.txt: per corpus line, the ids with special tokens recognized, and after a '|' the ids with
    /// special tokens as plain text when those differ.
    static func expectedIDs(_ name: String) throws -> [ExpectedIDs] {
        let text = String(decoding: try Golden.data("tokenizer/\(name).ids.txt"), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let halves = line.split(separator: "|", omittingEmptySubsequences: false).map { half in
                half.split(separator: " ").map { Int32($0)! }
            }
            return ExpectedIDs(recognizingSpecialTokens: halves[0], plainText: halves.count > 1 ? halves[1] : halves[0])
        }
    }

    struct DecodeCase {
        let ids: [Int32]
        let text: String
        let textSkippingSpecialTokens: String
    }

    static func decodeCases(_ name: String) throws -> [DecodeCase] {
        let text = String(decoding: try Golden.data("tokenizer/\(name).decode.jsonl"), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            let value = try JSONValue(parsing: String(line))
            return DecodeCase(
                ids: (value["ids"]?.arrayValue ?? []).map { Int32($0.integerValue!) },
                text: value["text"]!.stringValue!,
                textSkippingSpecialTokens: value["skipped"]!.stringValue!)
        }
    }

    /// Encodes every corpus string under both policies and compares with the golden ids; returns the number of
    /// strings compared. Records one issue per mismatching string (the first few in detail).
    @discardableResult
    static func checkAgreement(_ tokenizer: Tokenizer, golden name: String) throws -> Int {
        let expected = try expectedIDs(name)
        #expect(expected.count <= corpus.count)
        var mismatches = 0
        for (text, want) in zip(corpus, expected) {
            let recognized = tokenizer.encode(text, specialTokens: .recognize)
            let plain = tokenizer.encode(text, specialTokens: .plainText)
            if recognized != want.recognizingSpecialTokens || plain != want.plainText {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("""
                        \(name): \(text.debugDescription)
                          recognize: got \(recognized) want \(want.recognizingSpecialTokens)
                          plain:     got \(plain) want \(want.plainText)
                        """)
                }
            }
        }
        #expect(mismatches == 0, "\(name): \(mismatches) of \(expected.count) strings differ")
        return expected.count
    }

    static func checkDecoding(_ tokenizer: Tokenizer, golden name: String) throws {
        var mismatches = 0
        for testCase in try decodeCases(name) {
            let text = tokenizer.decode(testCase.ids)
            let skipped = tokenizer.decode(testCase.ids, skipSpecialTokens: true)
            if text != testCase.text || skipped != testCase.textSkippingSpecialTokens {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name) decode \(testCase.ids): got \(text.debugDescription) want \(testCase.text.debugDescription)")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
