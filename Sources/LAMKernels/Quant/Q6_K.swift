#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif
import LAMModelFiles

/// Q6_K: 256 weights per super-block in 16 sub-blocks of 16; w = d · scale · (q − 32), q 6-bit unsigned,
/// each sub-block's scale a signed byte.
///
/// Block layout (210 bytes), in two halves of 128 weights (h = 0, 1):
///   0    ql      128 B  low 4 bits: weight 128h + 64n + b is nibble n of byte 64h + b
///   128  qh      64 B   high 2 bits: weight 128h + 32k + b is bits 2k…2k+1 of byte 32h + b
///   192  scales  16 B   int8 scale of each sub-block of 16
///   208  d       f16    super-block scale
public enum Q6_K: QuantFormat {
    public static let type = GGMLType.q6_K
    public enum Offset {
        public static let ql = 0
        public static let qh = 128
        public static let scales = 192
        public static let d = 208
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for sub in 0..<16 {
            let scale = d * Float(Int8(bitPattern: block.loadByte(at: Offset.scales + sub)))
            for i in 0..<16 {
                let e = sub * 16 + i
                let (half, r) = (e / 128, e % 128)
                let low = (block.loadByte(at: Offset.ql + half * 64 + r % 64) >> UInt8(4 * (r / 64))) & 0x0F
                let high = (block.loadByte(at: Offset.qh + half * 32 + r % 32) >> UInt8(2 * (r / 32))) & 3
                y[e] = scale * Float(Int(low | high << 4) - 32)
            }
        }
    }
}

/// Q6_K · Q8_K dot product. A Q6_K block (210 bytes) holds 256 weights as 16 groups of 16:
/// `ql: [128] (low 4 bits), qh: [64] (high 2 bits), scales: [16] int8, d: f16`; weight = d·scale·(q − 32).
/// Each half of 128 weights uses 64 `ql` bytes and 32 `qh` bytes: weight l (0..<32) of quarter k takes the
/// low (k = 0, 1) or high (k = 2, 3) nibble of `ql[l + 32·(k % 2)]` and bits 2k, 2k+1 of `qh[l]`.
extension Q6_K {

    static let dotKernel: DotKernel = { row, blocks, acts, count, out in
        #if SWIFTLAM_X86_NATIVE
        DotTile.dispatch(count) { n in tileAVX512(n, row, blocks, acts, out) }
        #else
        for t in 0..<count { out[t] = dotPortable(row, blocks, acts[t]) }
        #endif
    }

    static func dotPortable(_ row: UnsafeRawPointer, _ blocks: Int, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        let aq = act.quants, ad = act.scales
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let ql = block.assumingMemoryBound(to: UInt8.self)
            let qh = ql + 128
            let scales = (block + 192).assumingMemoryBound(to: Int8.self)
            var sumi: Int32 = 0
            for half in 0..<2 {
                let l0 = ql + 64 * half, h0 = qh + 32 * half, a = aq + b * 256 + 128 * half
                for quarter in 0..<4 {
                    var groupSums: (Int32, Int32) = (0, 0)
                    for l in 0..<32 {
                        let low = quarter < 2 ? l0[l + 32 * quarter] & 0xF : l0[l + 32 * (quarter - 2)] >> 4
                        let high = (h0[l] >> (2 * quarter)) & 3
                        let q = Int32(low | high << 4) - 32
                        let product = q * Int32(a[32 * quarter + l])
                        if l < 16 { groupSums.0 += product } else { groupSums.1 += product }
                    }
                    let group = 8 * half + 2 * quarter
                    sumi += groupSums.0 * Int32(scales[group]) + groupSums.1 * Int32(scales[group + 1])
                }
            }
            total += ad[b] * block.loadF16(at: 208) * Float(sumi)
        }
        return total
    }

    #if SWIFTLAM_X86_NATIVE
    @inline(__always)
    static func tileAVX512(_ n: Int, _ row: UnsafeRawPointer, _ blocks: Int, _ acts: UnsafePointer<ActivationRow>,
                           _ out: UnsafeMutablePointer<Float>) {
        let blockBytes = Self.blockBytes
        let nibble = _mm512_set1_epi8(0x0F), two = _mm512_set1_epi8(0x03)
        // Each unpacked vector covers 64 weights = 4 groups of 16; lane i (4 weights) is in group i/4.
        let pick0 = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0)
        let four = _mm512_set1_epi32(4)
        var acc = DotTile.Accumulators(repeating: _mm512_setzero_ps())
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let scaleLanes = _mm512_cvtepi8_epi32(_mm_loadu_epi8(block + 192))
            // Each 16-bit half of a lane carries the (signed) scale, for the 16-bit multiply-add below.
            let scalePairs = _mm512_or_si512(_mm512_and_si512(scaleLanes, _mm512_set1_epi32(0xFFFF)),
                                             _mm512_slli_epi32(scaleLanes, 16))
            var w = InlineArray<4, __m512i>(repeating: _mm512_setzero_si512())
            var s = InlineArray<4, __m512i>(repeating: _mm512_setzero_si512())
            var pick = pick0
            for half in 0..<2 {
                let ql = _mm512_loadu_si512(block + 64 * half)
                let qh = _mm256_loadu_epi8(block + 128 + 32 * half)
                let qhWide = _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(qh), 0xF0, _mm256_srli_epi16(qh, 2))
                // Weights 0..<64 of this half: low nibbles and qh bits 0-1 (first 32) / 2-3 (next 32).
                w[2 * half] = _mm512_or_si512(_mm512_and_si512(ql, nibble),
                                              _mm512_slli_epi16(_mm512_and_si512(qhWide, two), 4))
                // Weights 64..<128: high nibbles and qh bits 4-5 / 6-7.
                w[2 * half + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), nibble),
                                                  _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qhWide, 4), two), 4))
                s[2 * half] = _mm512_permutexvar_epi32(pick, scalePairs)
                pick = _mm512_add_epi32(pick, four)
                s[2 * half + 1] = _mm512_permutexvar_epi32(pick, scalePairs)
                pick = _mm512_add_epi32(pick, four)
            }
            let d = block.loadF16(at: 208)
            for t in 0..<n {
                let a = UnsafeRawPointer(acts[t].quants + b * 256)
                // q·a summed in 16-bit pairs (at most 2·63·127, no saturation), then multiplied by the
                // group's scale and accumulated in 32 bits.
                var sumi = _mm512_dpwssd_epi32(_mm512_setzero_si512(), _mm512_maddubs_epi16(w[0], _mm512_loadu_si512(a)), s[0])
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[1], _mm512_loadu_si512(a + 64)), s[1])
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[2], _mm512_loadu_si512(a + 128)), s[2])
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[3], _mm512_loadu_si512(a + 192)), s[3])
                // The quants were used unsigned (q, not q − 32): take 32·scale·Σa off per group of 16.
                let sums = _mm512_loadu_si512(UnsafeRawPointer(acts[t].sums16 + b * 16))
                sumi = _mm512_sub_epi32(sumi, _mm512_slli_epi32(_mm512_mullo_epi32(sums, scaleLanes), 5))
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d * acts[t].scales[b]), acc[t])
            }
        }
        for t in 0..<n { out[t] = _mm512_reduce_add_ps(acc[t]) }
    }
    #endif
}
