#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Q5_0 · Q8_0 dot product. A Q5_0 block (22 bytes) holds 32 weights: `d: f16, qh: u32 (5th bits), qs: [16]
/// (low nibbles: weights 0..<16, high nibbles: 16..<32)`; weight = d·(q − 16).
enum Q5_0Dot {
    static let blockBytes = 22

    static func dot(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        let aq = acts.rowQuants(actRow), ad = acts.rowScales(actRow), asums = acts.rowSums16(actRow)
        #if SWIFTLAM_X86_NATIVE
        var acc = _mm256_setzero_ps()
        var offset: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let fifthBits = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            let low4 = unpackNibbles(block + 6)
            let w = _mm256_mask_blend_epi8(fifthBits, low4, _mm256_or_si256(low4, _mm256_set1_epi8(0x10)))
            let dot = _mm256_maskz_dpbusd_epi32(0xFF, _mm256_setzero_si256(), w, _mm256_loadu_epi8(aq + b * 32))
            let d = ad[b] * block.loadHalf(at: 0)
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d), acc)
            offset += d * Float(16 * (asums[2 * b] + asums[2 * b + 1]))
        }
        return horizontalSum(acc) - offset
        #else
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let fifthBits = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            let qs = (block + 6).assumingMemoryBound(to: UInt8.self)
            let a = aq + b * 32
            var sumi: Int32 = 0
            for j in 0..<16 {
                let low = Int32(qs[j] & 0xF) | Int32((fifthBits >> j) & 1) << 4
                let high = Int32(qs[j] >> 4) | Int32((fifthBits >> (j + 16)) & 1) << 4
                sumi += (low - 16) * Int32(a[j]) + (high - 16) * Int32(a[j + 16])
            }
            total += ad[b] * block.loadHalf(at: 0) * Float(sumi)
        }
        return total
        #endif
    }
}
