import Foundation
import LAMKernels
import LAMTestSupport
import Testing

/// RoPE angles against transformers' rope initialisation (scripts/golden/rope.py), and the two pair layouts.
struct RoPETests {
    struct Case: Decodable {
        let position: Int
        let cos: [Double]
        let sin: [Double]
    }

    struct Scaled: Decodable {
        let dimensions: Int
        let base: Double
        let factor: Double
        let original_context: Int
        let low_frequency_factor: Double?
        let high_frequency_factor: Double?
        let cases: [Case]
    }

    struct Reference: Decodable {
        let yarn: Scaled
        let llama3: Scaled
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Golden.data("rope/rope.json"))
    }

    @Test func yarnMatchesTransformers() throws {
        let r = try Self.reference().yarn
        let rope = RoPE(dimensions: r.dimensions, base: r.base, style: .halves,
                        scaling: .yarn(factor: r.factor, originalContext: r.original_context))
        try check(rope, r.cases)
    }

    @Test func llama3MatchesTransformers() throws {
        let r = try Self.reference().llama3
        let rope = RoPE(dimensions: r.dimensions, base: r.base, style: .interleaved,
                        scaling: .llama3(factor: r.factor, lowFrequencyFactor: r.low_frequency_factor!,
                                         highFrequencyFactor: r.high_frequency_factor!,
                                         originalContext: r.original_context))
        try check(rope, r.cases)
    }

    private func check(_ rope: RoPE, _ cases: [Case]) throws {
        var cos = [Float](repeating: 0, count: rope.dimensions / 2), sin = cos
        for c in cases {
            rope.angles(position: c.position, cos: &cos, sin: &sin)
            // Float32 angles (as llama.cpp computes them) of up to 40,000 radians carry a few ulps of rounding.
            let tolerance = 1e-5 + 2e-7 * Double(c.position)
            for i in 0..<(rope.dimensions / 2) {
                #expect(abs(Double(cos[i]) - c.cos[i]) <= tolerance, "position \(c.position) pair \(i) cos")
                #expect(abs(Double(sin[i]) - c.sin[i]) <= tolerance, "position \(c.position) pair \(i) sin")
            }
        }
    }

    /// Interleaved rotates (2i, 2i+1); halves rotates (i, i + d/2): the same rotation on permuted elements.
    @Test func layoutsRotateTheSamePairs() {
        let d = 8
        let interleaved = RoPE(dimensions: d, base: 10_000, style: .interleaved)
        let halves = RoPE(dimensions: d, base: 10_000, style: .halves)
        var cos = [Float](repeating: 0, count: d / 2), sin = cos
        interleaved.angles(position: 3, cos: &cos, sin: &sin)
        let x: [Float] = (0..<d).map { Float($0 + 1) }
        var a = x
        interleaved.apply(&a, heads: 1, headDimension: d, cos: cos, sin: sin)
        // Permute x into the halves layout: pair i = (x[2i], x[2i+1]) goes to (i, i + d/2).
        var b = [Float](repeating: 0, count: d)
        for i in 0..<(d / 2) { b[i] = x[2 * i]; b[i + d / 2] = x[2 * i + 1] }
        halves.apply(&b, heads: 1, headDimension: d, cos: cos, sin: sin)
        for i in 0..<(d / 2) {
            #expect(abs(a[2 * i] - b[i]) < 1e-6)
            #expect(abs(a[2 * i + 1] - b[i + d / 2]) < 1e-6)
        }
        // Position 0 is the identity.
        interleaved.angles(position: 0, cos: &cos, sin: &sin)
        var c = x
        interleaved.apply(&c, heads: 1, headDimension: d, cos: cos, sin: sin)
        #expect(c == x)
    }
}
