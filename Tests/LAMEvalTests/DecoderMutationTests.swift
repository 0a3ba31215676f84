import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// Model output is arbitrary text: decoding and scoring must give a verdict for any of it, never crash or
/// throw (a `BFCLCheckerError` is only for malformed BFCL data). Byte-level mutations of the CI answers.
@Suite struct DecoderMutationTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    @Test(arguments: [BFCLCategory.simplePython, .simpleJava, .simpleJavaScript, .parallelMultiple, .liveIrrelevance])
    func mutatedAnswersAlwaysGetAVerdict(category: BFCLCategory) throws {
        let dataset = BFCLDataset(directory: Golden.url("bfcl"))
        let entries = Dictionary(uniqueKeysWithValues: try dataset.entries(category).map { ($0.id, $0) })
        let answers = try dataset.possibleAnswers(category)
        let lines = try BFCLDataset.readJSONLines(Golden.url("bfcl/results/\(category.resultFileName)"))
        var random = SplitMix(state: 0xB0FC1)
        let alphabet = Array(#"[]{}",:;\ 0123456789.-eEnulltruefalse"name""arguments"'"#.utf8)
        var verdicts = 0
        for line in lines {
            let id = try #require(line["id"]?.stringValue)
            let entry = try #require(entries[id])
            var bytes = Array((line["result"]?.stringValue ?? "").utf8)
            for _ in 0..<40 {
                switch random.below(4) {
                case 0 where !bytes.isEmpty: bytes.remove(at: random.below(bytes.count))
                case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: random.below(bytes.count + 1))
                case 2 where !bytes.isEmpty: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                default: bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
                }
                let text = String(decoding: bytes, as: UTF8.self)
                _ = try BFCLScorer().score(text, entry: entry, possibleAnswer: answers[id])
                verdicts += 1
            }
        }
        #expect(verdicts == lines.count * 40)
    }

    @Test func decoderFollowsTheXLAMHandler() throws {
        let call = try XLAMOutputDecoder.decode(#"[{"name": "f", "arguments": {"a": 1}}]"#)
        #expect(call == [DecodedCall(name: "f", arguments: ["a": 1])])
        #expect(try XLAMOutputDecoder.decode(#"{"name": "f", "arguments": {}}"#).count == 1)
        #expect(try XLAMOutputDecoder.decode(#"{"name": "f", "arguments": {}}; {"name": "g", "arguments": {}}"#).count == 2)
        #expect(try XLAMOutputDecoder.decode("[]").isEmpty)
        #expect(throws: XLAMOutputDecoder.Failure.self) { try XLAMOutputDecoder.decode("") }
        #expect(throws: XLAMOutputDecoder.Failure.self) { try XLAMOutputDecoder.decode(#"[{"name": "f"}]"#) }
        #expect(throws: XLAMOutputDecoder.Failure.self) { try XLAMOutputDecoder.decode(#"[{"name": ["f"], "arguments": {}}]"#) }
        #expect(throws: XLAMOutputDecoder.Failure.self) { try XLAMOutputDecoder.decode("```json\n[]\n```") }
        #expect(!XLAMOutputDecoder.isWellFormed(try XLAMOutputDecoder.decode(#"[{"name": "f", "arguments": "{}"}]"#)))
    }
}
