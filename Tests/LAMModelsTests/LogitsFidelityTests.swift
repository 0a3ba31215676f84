import Foundation
import LAMModels
import LAMTestSupport
import Testing

/// Our logits against llama.cpp's on the same GGUF files, teacher-forced over fixed token sequences
/// (scripts/golden/logits.py). The argmax must agree at ≥ 99.5% of positions, and at every position where
/// llama.cpp's top-1/top-2 margin exceeds 0.1 (elsewhere two tokens are practically tied and int8 rounding
/// may flip them).
struct LogitsFidelityTests {
    static let largeTests = ProcessInfo.processInfo.environment["SWIFTLAM_LARGE_TESTS"] == "1"

    @Test func qwen05bMatchesLlamaCpp() throws {
        try checkFidelity(.qwen05b, golden: "qwen0.5b", includeLongSequence: Self.largeTests)
    }

    @Test func smollm2MatchesLlamaCpp() throws {
        try checkFidelity(.smollm2, golden: "smollm2", includeLongSequence: true)
    }

    /// Opt-in (SWIFTLAM_LARGE_TESTS=1): a few minutes on two cores.
    @Test(.enabled(if: largeTests)) func qwen15bMatchesLlamaCpp() throws {
        try checkFidelity(.qwen15b, golden: "qwen1.5b", includeLongSequence: true)
    }
}

struct GoldenLogits: Decodable {
    struct Sequence: Decodable {
        let name: String
        let tokens: [Int]
        let argmax: [Int]
        let margin: [Float]
        let top_ids: [[Int]]
        let top_logits: [[Float]]
    }

    let model: String
    let sequences: [Sequence]
    let long_sequence: Sequence
}

private func checkFidelity(_ testModel: TestModel, golden: String, includeLongSequence: Bool) throws {
    let reference = try JSONDecoder().decode(GoldenLogits.self, from: Golden.data("logits/\(golden).json"))
    #expect(reference.model == testModel.rawValue)
    let model = try ModelLoader.load(path: try testModel.path())
    let vocabulary = model.configuration.vocabularySize
    var positions = 0, matches = 0, confidentMismatches: [String] = [], largestDifference: Float = 0
    let sequences = reference.sequences + (includeLongSequence ? [reference.long_sequence] : [])
    for sequence in sequences {
        let cache = model.makeCache(capacity: sequence.tokens.count, precision: .f16)
        var start = 0
        while start < sequence.tokens.count {
            let chunk = Array(sequence.tokens[start..<min(start + 128, sequence.tokens.count)])
            let logits = try model.evaluate(chunk, cache: cache, allLogits: true)
            for row in 0..<chunk.count {
                let p = start + row
                let ours = logits[(row * vocabulary)..<((row + 1) * vocabulary)]
                let argmax = ours.indices.max { ours[$0] < ours[$1] }! - row * vocabulary
                positions += 1
                if argmax == sequence.argmax[p] {
                    matches += 1
                } else if sequence.margin[p] > 0.1 {
                    confidentMismatches.append("\(sequence.name)@\(p): ours \(argmax), llama.cpp \(sequence.argmax[p]) (margin \(sequence.margin[p]))")
                }
                for (id, value) in zip(sequence.top_ids[p], sequence.top_logits[p]) {
                    largestDifference = max(largestDifference, abs(ours[row * vocabulary + id] - value))
                }
            }
            start += chunk.count
        }
    }
    let rate = Double(matches) / Double(positions)
    print("\(golden): argmax agrees at \(matches)/\(positions) positions (\(String(format: "%.2f", 100 * rate))%), "
        + "\(confidentMismatches.count) with margin > 0.1; largest top-8 logit difference \(largestDifference)")
    #expect(rate >= 0.995)
    #expect(confidentMismatches.isEmpty, "\(confidentMismatches)")
}
