#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Q8_0 · Q8_0 dot product. A Q8_0 block (34 bytes) holds 32 weights: `d: f16, qs: [32] int8`; weight = d·q.
enum Q8_0Dot {
    static let blockBytes = 34

    static func dot(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        let aq = acts.rowQuants(actRow), ad = acts.rowScales(actRow)
        #if SWIFTLAM_X86_NATIVE
        var acc = _mm256_setzero_ps()
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let w = _mm256_loadu_epi8(block + 2)
            let a = _mm256_loadu_epi8(aq + b * 32)
            // vpdpbusd multiplies unsigned by signed bytes: move the weights' signs onto the activations.
            let dot = _mm256_maskz_dpbusd_epi32(0xFF, _mm256_setzero_si256(), _mm256_abs_epi8(w), _mm256_sign_epi8(a, w))
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(ad[b] * block.loadHalf(at: 0)), acc)
        }
        return horizontalSum(acc)
        #else
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let w = (block + 2).assumingMemoryBound(to: Int8.self)
            let a = aq + b * 32
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += Int32(w[j]) * Int32(a[j]) }
            total += ad[b] * block.loadHalf(at: 0) * Float(sumi)
        }
        return total
        #endif
    }
}
