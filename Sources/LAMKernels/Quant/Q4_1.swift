#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif
import LAMModelFiles

/// Q4_1: 32 weights per block, w = d · q + m with q a 4-bit unsigned integer.
///
/// Block layout (20 bytes):
///   0   d    f16   scale
///   2   m    f16   minimum (offset)
///   4   qs   16 B  byte j: weight j in the low nibble, weight j + 16 in the high nibble
public enum Q4_1: QuantFormat {
    public static let type = GGMLType.q4_1
    public enum Offset {
        public static let d = 0
        public static let m = 2
        public static let qs = 4
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let m = block.loadF16(at: Offset.m)
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            y[j] = d * Float(q & 0x0F) + m
            y[j + 16] = d * Float(q >> 4) + m
        }
    }
}

/// Q4_1 · Q8_1 dot product. A Q4_1 block (20 bytes) holds 32 weights: `d: f16, m: f16, qs: [16] (low
/// nibbles: weights 0..<16, high nibbles: 16..<32)`; weight = d·q + m, so the dot product is
/// `d·d_a·Σq·a + m·(d_a·Σa)`.
extension Q4_1 {

    static let dotKernel: DotKernel = { row, blocks, acts, count, out in
        let blockBytes = Self.blockBytes
        #if SWIFTLAM_X86_NATIVE
        DotTile.dispatch(count) { n in
            Blocks32.pairTile(Self.self, n, row, blocks, blockBytes: blockBytes, acts, out)
        }
        let tail = blocks - blocks % 2
        for t in 0..<count { out[t] += minTerms(row, 0..<blocks, acts[t]) + scaledDots(row, tail..<blocks, acts[t]) }
        #else
        for t in 0..<count { out[t] = minTerms(row, 0..<blocks, acts[t]) + scaledDots(row, 0..<blocks, acts[t]) }
        #endif
    }

    /// `Σ m·(d_a·Σa)`, with d_a·Σa rounded to f16 as ggml's Q8_1 stores it.
    static func minTerms(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        var total: Float = 0
        for b in blocks {
            let activationSum = Float(Float16(act.scales[b] * Float(act.sums16[2 * b] + act.sums16[2 * b + 1])))
            total += (row + b * blockBytes).loadF16(at: 2) * activationSum
        }
        return total
    }

    /// `Σ d·d_a·Σq·a`.
    static func scaledDots(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        var total: Float = 0
        for b in blocks {
            let block = row + b * blockBytes
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            let a = act.quants + b * 32
            var sumi: Int32 = 0
            for j in 0..<16 { sumi += Int32(qs[j] & 0xF) * Int32(a[j]) + Int32(qs[j] >> 4) * Int32(a[j + 16]) }
            total += act.scales[b] * block.loadF16(at: 0) * Float(sumi)
        }
        return total
    }
}

#if SWIFTLAM_X86_NATIVE
extension Q4_1: Blocks32.PairUnpacking {
    static var offsetShift: Int32? { nil }

    @inline(__always)
    static func unpackPair(_ first: UnsafeRawPointer, blockBytes: Int) -> __m512i {
        return Blocks32.unpackNibblePair(first + 4, stride: blockBytes)
    }
}
#endif
