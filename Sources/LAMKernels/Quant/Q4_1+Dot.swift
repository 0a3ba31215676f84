#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Q4_1 · Q8_1 dot product. A Q4_1 block (20 bytes) holds 32 weights: `d: f16, m: f16, qs: [16] (low
/// nibbles: weights 0..<16, high nibbles: 16..<32)`; weight = d·q + m.
enum Q4_1Dot {
    static let blockBytes = 20

    static func dot(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        let aq = acts.rowQuants(actRow), ad = acts.rowScales(actRow), asums = acts.rowSums16(actRow)
        var minTerms: Float = 0
        for b in 0..<blocks {
            // ggml keeps Q8_1's d·Σq as an f16.
            let activationSum = Float(Float16(ad[b] * Float(asums[2 * b] + asums[2 * b + 1])))
            minTerms += (row + b * blockBytes).loadHalf(at: 2) * activationSum
        }
        #if SWIFTLAM_X86_NATIVE
        var acc = _mm256_setzero_ps()
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let dot = _mm256_maskz_dpbusd_epi32(0xFF, _mm256_setzero_si256(), unpackNibbles(block + 4), _mm256_loadu_epi8(aq + b * 32))
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(ad[b] * block.loadHalf(at: 0)), acc)
        }
        return horizontalSum(acc) + minTerms
        #else
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            let a = aq + b * 32
            var sumi: Int32 = 0
            for j in 0..<16 { sumi += Int32(qs[j] & 0xF) * Int32(a[j]) + Int32(qs[j] >> 4) * Int32(a[j + 16]) }
            total += ad[b] * block.loadHalf(at: 0) * Float(sumi)
        }
        return total + minTerms
        #endif
    }
}
