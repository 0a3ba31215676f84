#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Q4_1 · Q8_1 dot product. A Q4_1 block (20 bytes) holds 32 weights: `d: f16, m: f16, qs: [16] (low
/// nibbles: weights 0..<16, high nibbles: 16..<32)`; weight = d·q + m, so the dot product is
/// `d·d_a·Σq·a + m·(d_a·Σa)`.
enum Q4_1Dot {
    static let blockBytes = 20

    static let kernel: DotKernel = { row, blocks, acts, count, out in
        #if SWIFTLAM_X86_NATIVE
        DotTile.dispatch(count) { n in
            Blocks32.pairTile(n, row, blocks, blockBytes: blockBytes, signed: false, acts, out) { first in
                Blocks32.unpackNibblePair(first + 4, stride: blockBytes)
            }
        }
        let tail = blocks - blocks % 2
        for t in 0..<count { out[t] += minTerms(row, 0..<blocks, acts[t]) + scaledDots(row, tail..<blocks, acts[t]) }
        #else
        for t in 0..<count { out[t] = minTerms(row, 0..<blocks, acts[t]) + scaledDots(row, 0..<blocks, acts[t]) }
        #endif
    }

    /// `Σ m·(d_a·Σa)`, with d_a·Σa rounded to f16 as ggml's Q8_1 stores it.
    static func minTerms(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        var total: Float = 0
        for b in blocks {
            let activationSum = Float(Float16(act.scales[b] * Float(act.sums16[2 * b] + act.sums16[2 * b + 1])))
            total += (row + b * blockBytes).loadHalf(at: 2) * activationSum
        }
        return total
    }

    /// `Σ d·d_a·Σq·a`.
    static func scaledDots(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        var total: Float = 0
        for b in blocks {
            let block = row + b * blockBytes
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            let a = act.quants + b * 32
            var sumi: Int32 = 0
            for j in 0..<16 { sumi += Int32(qs[j] & 0xF) * Int32(a[j]) + Int32(qs[j] >> 4) * Int32(a[j + 16]) }
            total += act.scales[b] * block.loadHalf(at: 0) * Float(sumi)
        }
        return total
    }
}
