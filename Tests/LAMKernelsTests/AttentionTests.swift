import Foundation
import LAMKernels
import LAMTestSupport
import Testing

/// Causal attention against a plain double-precision loop over the same values: the query and the softmax
/// weights rounded to the cache's precision (as the kernel and ggml do), keys and values as stored. Lengths
/// past 16 positions and a head size that is not a multiple of 16 reach the vector loops' tails.
struct AttentionTests {
    @Test(arguments: [KVPrecision.f32, .f16], [64, 40])
    func matchesReference(precision: KVPrecision, headDimension d: Int) {
        var random = SeededRandom(seed: UInt64(d) * 3 + (precision == .f16 ? 1 : 0))
        let heads = 4, kvHeads = 2, batch = 3, firstPosition = 34
        let positions = firstPosition + batch, rowLength = kvHeads * d
        let keys = (0..<(positions * rowLength)).map { _ in Float.random(in: -1...1, using: &random) }
        let values = (0..<(positions * rowLength)).map { _ in Float.random(in: -1...1, using: &random) }
        let queries = (0..<(batch * heads * d)).map { _ in Float.random(in: -2...2, using: &random) }
        let scale = 1 / Float(d).squareRoot()
        let rounded: (Float) -> Float = { precision == .f16 ? Float(Float16($0)) : $0 }

        let cache = UnsafeMutableRawPointer.allocate(byteCount: 2 * positions * rowLength * precision.bytes, alignment: 64)
        defer { cache.deallocate() }
        let k = KVRows(base: cache, precision: precision, rowLength: rowLength)
        let v = KVRows(base: cache + positions * rowLength * precision.bytes, precision: precision, rowLength: rowLength)
        k.write(keys, rows: positions, at: 0)
        v.write(values, rows: positions, at: 0)
        var output = [Float](repeating: .nan, count: batch * heads * d)
        queries.withUnsafeBufferPointer { q in
            output.withUnsafeMutableBufferPointer { out in
                Attention.causal(queries: q.baseAddress!, batch: batch, firstPosition: firstPosition, keys: k, values: v,
                                 heads: heads, kvHeads: kvHeads, headDimension: d, scale: scale,
                                 into: out.baseAddress!, pool: ThreadPool(threadCount: 2))
            }
        }

        var worst: Double = 0
        for t in 0..<batch {
            for h in 0..<heads {
                let length = firstPosition + t + 1, kv = (h / (heads / kvHeads)) * d
                let q = (0..<d).map { Double(rounded(queries[(t * heads + h) * d + $0])) }
                let scores = (0..<length).map { p in
                    Double(scale) * (0..<d).reduce(0) { $0 + q[$1] * Double(rounded(keys[p * rowLength + kv + $1])) }
                }
                let top = scores.max()!
                let exps = scores.map { Foundation.exp($0 - top) }
                let total = exps.reduce(0, +)
                let weights = exps.map { Double(rounded(Float($0 / total))) }
                for i in 0..<d {
                    let expected = (0..<length).reduce(0) { $0 + weights[$1] * Double(rounded(values[$1 * rowLength + kv + i])) }
                    worst = max(worst, abs(Double(output[(t * heads + h) * d + i]) - expected))
                }
            }
        }
        // An f16 weight may round the other way where the float and double softmax differ in the last bit.
        #expect(worst < (precision == .f16 ? 1e-4 : 1e-5), "\(precision) d=\(d): largest difference \(worst)")
    }
}
