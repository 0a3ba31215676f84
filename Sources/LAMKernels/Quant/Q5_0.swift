#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif
import LAMModelFiles

/// Q5_0: 32 weights per block, w = d · (q − 16) with q a 5-bit unsigned integer.
///
/// Block layout (22 bytes):
///   0   d    f16   scale
///   2   qh   u32   bit j: the fifth (high) bit of weight j
///   6   qs   16 B  byte j: low 4 bits of weight j (low nibble) and of weight j + 16 (high nibble)
public enum Q5_0: QuantFormat {
    public static let type = GGMLType.q5_0
    public enum Offset {
        public static let d = 0
        public static let qh = 2
        public static let qs = 6
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Offset.qh, as: UInt32.self))
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            let low = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
            let high = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
            y[j] = d * Float(low - 16)
            y[j + 16] = d * Float(high - 16)
        }
    }
}

/// Q5_0 · Q8_0 dot product. A Q5_0 block (22 bytes) holds 32 weights: `d: f16, qh: u32 (5th bits), qs: [16]
/// (low nibbles: weights 0..<16, high nibbles: 16..<32)`; weight = d·(q − 16).
extension Q5_0: Blocks32.PortableDot {

    static let dotKernel = Blocks32.signedKernel(Q5_0.self)

    static func dotPortable(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        var total: Float = 0
        for b in blocks {
            let block = row + b * blockBytes
            let fifthBits = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            let qs = (block + 6).assumingMemoryBound(to: UInt8.self)
            let a = act.quants + b * 32
            var sumi: Int32 = 0
            for j in 0..<16 {
                let low = Int32(qs[j] & 0xF) | Int32((fifthBits >> j) & 1) << 4
                let high = Int32(qs[j] >> 4) | Int32((fifthBits >> (j + 16)) & 1) << 4
                sumi += (low - 16) * Int32(a[j]) + (high - 16) * Int32(a[j + 16])
            }
            total += act.scales[b] * block.loadF16(at: 0) * Float(sumi)
        }
        return total
    }
}

#if SWIFTLAM_X86_NATIVE
extension Q5_0: Blocks32.PairUnpacking {
    static var offsetShift: Int32? { 4 }

    @inline(__always)
    static func unpackPair(_ first: UnsafeRawPointer, blockBytes: Int) -> __m512i {
        let low4 = Blocks32.unpackNibblePair(first + 6, stride: blockBytes)
        let fifthBits = UInt64(first.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            | UInt64(first.loadUnaligned(fromByteOffset: blockBytes + 2, as: UInt32.self)) << 32
        return _mm512_mask_blend_epi8(fifthBits, low4, _mm512_or_si512(low4, _mm512_set1_epi8(0x10)))
    }
}
#endif
