#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// The shared loop of the 32-weight block formats (Q8_0, Q5_0, Q4_1) against Q8_0/Q8_1 activations:
/// per block, `d_w · d_a · Σ q·a`. Each format supplies how to unpack two consecutive blocks into 64 8-bit
/// weights; the blocks' f16 scale `d` sits at byte 0.
enum Blocks32 {
    /// A format's plain-Swift dot product over some of a row's blocks against one token's activations.
    protocol PortableDot {
        static func dotPortable(_ row: UnsafeRawPointer, _ blocks: Range<Int>, _ act: ActivationRow) -> Float
    }

    #if SWIFTLAM_X86_NATIVE
    typealias SignedFormat = QuantFormat & PortableDot & PairUnpacking
    #else
    typealias SignedFormat = QuantFormat & PortableDot
    #endif

    /// The dot kernel of a format whose weight is `d·q` (Q8_0, Q5_0): blocks in pairs through `pairTile`,
    /// an odd last block through the portable loop.
    static func signedKernel<Format: SignedFormat>(_ format: Format.Type) -> DotKernel {
        { row, blocks, acts, count, out in
            #if SWIFTLAM_X86_NATIVE
            DotTile.dispatch(count) { n in
                pairTile(Format.self, n, row, blocks, blockBytes: Format.blockBytes, acts, out)
            }
            if blocks % 2 == 1 {
                for t in 0..<count { out[t] += Format.dotPortable(row, blocks - 1..<blocks, acts[t]) }
            }
            #else
            for t in 0..<count { out[t] = Format.dotPortable(row, 0..<blocks, acts[t]) }
            #endif
        }
    }

    #if SWIFTLAM_X86_NATIVE
    /// How a 32-weight format turns two consecutive blocks into 64 unsigned 8-bit weights `u`, the weight being
    /// `d · (u − offset)` (a protocol rather than a closure so that the generic loop below is specialised and
    /// the unpacking inlined).
    protocol PairUnpacking {
        /// log2 of the offset (Q8_0: 128, Q5_0: 16), nil for none (Q4_1, whose minimum is added separately).
        static var offsetShift: Int32? { get }
        static func unpackPair(_ first: UnsafeRawPointer, blockBytes: Int) -> __m512i
    }

    /// `vpdpbusd` multiplies unsigned by signed bytes, so the weights are taken as unsigned `u` and the offset
    /// comes off through the instruction's accumulator input: it starts at `−offset · Σa` per lane (the
    /// activations' negated sums of 4, shifted). Returns per token the sum over the first
    /// `blocks - blocks % 2` blocks; the caller adds an odd last one.
    @inline(__always)
    static func pairTile<Format: PairUnpacking>(_ format: Format.Type, _ n: Int, _ row: UnsafeRawPointer, _ blocks: Int,
                                                blockBytes: Int, _ acts: UnsafePointer<ActivationRow>,
                                                _ out: UnsafeMutablePointer<Float>) {
        var acc = DotTile.Accumulators(repeating: _mm512_setzero_ps())
        var b = 0
        while b + 1 < blocks {
            let first = row + b * blockBytes
            let w = Format.unpackPair(first, blockBytes: blockBytes)
            let dw = _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps(first.loadF16(at: 0)),
                                          _mm512_set1_ps(first.loadF16(at: blockBytes)))
            for t in 0..<n {
                var start = _mm512_setzero_si512()
                if let shift = Format.offsetShift {
                    let negatedSums = _mm512_loadu_si512(UnsafeRawPointer(acts[t].negatedQuadSums + 8 * b))
                    start = _mm512_slli_epi32(negatedSums, UInt32(shift))
                }
                let dot = _mm512_dpbusd_epi32(start, w, _mm512_loadu_si512(UnsafeRawPointer(acts[t].quants + 32 * b)))
                let scales = _mm512_mul_ps(dw, _mm512_loadu_ps(UnsafeRawPointer(acts[t].scaleLanes + 8 * b)))
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scales, acc[t])
            }
            b += 2
        }
        for t in 0..<n { out[t] = _mm512_reduce_add_ps(acc[t]) }
    }

    /// Two consecutive 16-byte nibble arrays (at `p` and `p + stride`) → 64 weights: each block's low
    /// nibbles (its weights 0..<16), then its high nibbles (16..<32).
    @inline(__always)
    static func unpackNibblePair(_ p: UnsafeRawPointer, stride: Int) -> __m512i {
        let q0 = _mm_loadu_epi8(p), q1 = _mm_loadu_epi8(p + stride)
        let low = _mm256_set_m128i(q1, q0)
        let high = _mm256_srli_epi16(low, 4)
        // [q0 low | q0 high | q1 low | q1 high]
        let ordered = _mm512_permutexvar_epi64(_mm512_set_epi64(7, 6, 3, 2, 5, 4, 1, 0),
                                               _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(low), 0xF0, high))
        return _mm512_and_si512(ordered, _mm512_set1_epi8(0x0F))
    }
    #endif
}
