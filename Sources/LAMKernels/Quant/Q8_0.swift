#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif
import LAMModelFiles

/// Q8_0: 32 weights per block, w = d · q with q a signed byte.
///
/// Block layout (34 bytes):
///   0   d    f16   scale
///   2   qs   32 B  int8 weights, in order
public enum Q8_0: QuantFormat {
    public static let type = GGMLType.q8_0
    public enum Offset {
        public static let d = 0
        public static let qs = 2
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for j in 0..<32 {
            y[j] = Float(Int8(bitPattern: block.loadByte(at: Offset.qs + j))) * d
        }
    }
}

/// Q8_0 · Q8_0 dot product. A Q8_0 block (34 bytes) holds 32 weights: `d: f16, qs: [32] int8`; weight = d·q.
extension Q8_0: Blocks32.PortableDot {

    static let dotKernel = Blocks32.signedKernel(Q8_0.self)

    static func dotPortable(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        var total: Float = 0
        for b in blocks {
            let block = row + b * blockBytes
            let w = (block + 2).assumingMemoryBound(to: Int8.self)
            let a = act.quants + b * 32
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += Int32(w[j]) * Int32(a[j]) }
            total += act.scales[b] * block.loadF16(at: 0) * Float(sumi)
        }
        return total
    }
}

#if SWIFTLAM_X86_NATIVE
extension Q8_0: Blocks32.PairUnpacking {
    static var offsetShift: Int32? { 7 }

    /// q + 128, as the bytes' top bits flipped.
    @inline(__always)
    static func unpackPair(_ first: UnsafeRawPointer, blockBytes: Int) -> __m512i {
        let q = _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(_mm256_loadu_epi8(first + 2)), 0xF0,
                                            _mm256_loadu_epi8(first + blockBytes + 2))
        return _mm512_xor_si512(q, _mm512_set1_epi8(-128))
    }
}
#endif

// MARK: - Quantizing weights at load time

extension Q8_0 {
    /// Encodes `count` values (a whole number of blocks) as Q8_0 blocks at `output`, bit for bit as ggml's
    /// reference quantizer (and the `gguf` Python package): d = max|x| / 127 stored as f16, q = round(x / d)
    /// with halves rounded away from zero (`roundf`), computed as x · (1/d) like ggml.
    public static func quantize(_ x: UnsafePointer<Float>, count: Int, into output: UnsafeMutableRawPointer) {
        precondition(count % 32 == 0, "\(count) values are not whole Q8_0 blocks")
        for b in 0..<(count / 32) {
            let values = x + b * 32
            let block = output + b * blockBytes
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(values[j])) }
            let d = amax / 127
            let inverse: Float = d == 0 ? 0 : 1 / d
            block.storeBytes(of: Float16(d).bitPattern.littleEndian, toByteOffset: Offset.d, as: UInt16.self)
            for j in 0..<32 {
                let q = Int8((values[j] * inverse).rounded(.toNearestOrAwayFromZero))
                block.storeBytes(of: q, toByteOffset: Offset.qs + j, as: Int8.self)
            }
        }
    }
}
