#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Q4_K · Q8_K dot product. A Q4_K block (144 bytes) holds 256 weights as 8 sub-blocks of 32:
/// `d: f16, dmin: f16, scales: [12] (6-bit scale and min per sub-block), qs: [128] (4-bit quants)`;
/// weight = d·scale·q − dmin·min. The quants of sub-blocks 2c and 2c+1 share the bytes `qs[32c..<32c+32]`
/// (low and high nibbles).
enum Q4_KDot {
    static let blockBytes = 144

    /// Unpacks the 6-bit scales (bytes 0..<8 of the result) and mins (bytes 8..<16).
    @inline(__always)
    static func scalesAndMins(_ block: UnsafeRawPointer) -> (UInt64, UInt64) {
        let u0 = block.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let u1 = block.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        let u2 = block.loadUnaligned(fromByteOffset: 12, as: UInt32.self)
        let low6: UInt32 = 0x3f3f_3f3f, low4: UInt32 = 0x0f0f_0f0f, low2: UInt32 = 0x0303_0303
        let scales0 = u0 & low6
        let scales1 = (u2 & low4) | (((u0 >> 6) & low2) << 4)
        let mins0 = u1 & low6
        let mins1 = ((u2 >> 4) & low4) | (((u1 >> 6) & low2) << 4)
        return (UInt64(scales0) | UInt64(scales1) << 32, UInt64(mins0) | UInt64(mins1) << 32)
    }

    static func dot(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        #if SWIFTLAM_X86_NATIVE
        return dotAVX512(row, blocks: blocks, acts, actRow)
        #else
        return dotPortable(row, blocks: blocks, acts, actRow)
        #endif
    }

    static func dotPortable(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        let aq = acts.rowQuants(actRow), ad = acts.rowScales(actRow), asums = acts.rowSums16(actRow)
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let (scales, mins) = scalesAndMins(block)
            let qs = (block + 16).assumingMemoryBound(to: UInt8.self)
            let a = aq + b * 256
            var sumi: Int32 = 0, summ: Int32 = 0
            for sub in 0..<8 {
                let chunk = qs + (sub / 2) * 32
                let shift: UInt8 = sub % 2 == 0 ? 0 : 4
                var s: Int32 = 0
                for l in 0..<32 { s += Int32((chunk[l] >> shift) & 0xF) * Int32(a[sub * 32 + l]) }
                sumi += s * Int32((scales >> (8 * sub)) & 0xFF)
                summ += Int32((mins >> (8 * sub)) & 0xFF) * (asums[b * 16 + 2 * sub] + asums[b * 16 + 2 * sub + 1])
            }
            total += ad[b] * (block.loadHalf(at: 0) * Float(sumi) - block.loadHalf(at: 2) * Float(summ))
        }
        return total
    }

    #if SWIFTLAM_X86_NATIVE
    static func dotAVX512(_ row: UnsafeRawPointer, blocks: Int, _ acts: QuantizedActivations, _ actRow: Int) -> Float {
        let aq = UnsafeRawPointer(acts.rowQuants(actRow)), ad = acts.rowScales(actRow)
        let asums = UnsafeRawPointer(acts.rowSums16(actRow))
        let nibble = _mm512_set1_epi8(0x0F)
        // Lane → sub-block maps for the dot-product vectors [sb0|sb2], [sb1|sb3], [sb4|sb6], [sb5|sb7], and
        // for the 16 sums of 16 activations (two per sub-block).
        let pick02 = _mm512_set_epi32(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0)
        let pick13 = _mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
        let pick46 = _mm512_set_epi32(6, 6, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4)
        let pick57 = _mm512_set_epi32(7, 7, 7, 7, 7, 7, 7, 7, 5, 5, 5, 5, 5, 5, 5, 5)
        let pickPairs = _mm512_set_epi32(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8)
        var acc = _mm512_setzero_ps()
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let (scales, mins) = scalesAndMins(block)
            let scaleLanes = _mm512_cvtepu8_epi32(_mm_set_epi64x(Int64(bitPattern: mins), Int64(bitPattern: scales)))
            let a = aq + b * 256
            let qs = block + 16
            let q01 = _mm512_loadu_si512(qs), q23 = _mm512_loadu_si512(qs + 64)
            let a0 = _mm256_loadu_epi8(a), a1 = _mm256_loadu_epi8(a + 32)
            let a2 = _mm256_loadu_epi8(a + 64), a3 = _mm256_loadu_epi8(a + 96)
            let a4 = _mm256_loadu_epi8(a + 128), a5 = _mm256_loadu_epi8(a + 160)
            let a6 = _mm256_loadu_epi8(a + 192), a7 = _mm256_loadu_epi8(a + 224)
            let zero = _mm512_setzero_si512()
            let d02 = _mm512_dpbusd_epi32(zero, _mm512_and_si512(q01, nibble), _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(a0), 0xF0, a2))
            let d13 = _mm512_dpbusd_epi32(zero, _mm512_and_si512(_mm512_srli_epi16(q01, 4), nibble), _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(a1), 0xF0, a3))
            let d46 = _mm512_dpbusd_epi32(zero, _mm512_and_si512(q23, nibble), _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(a4), 0xF0, a6))
            let d57 = _mm512_dpbusd_epi32(zero, _mm512_and_si512(_mm512_srli_epi16(q23, 4), nibble), _mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(a5), 0xF0, a7))
            var sumi = _mm512_mullo_epi32(d02, _mm512_permutexvar_epi32(pick02, scaleLanes))
            sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(d13, _mm512_permutexvar_epi32(pick13, scaleLanes)))
            sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(d46, _mm512_permutexvar_epi32(pick46, scaleLanes)))
            sumi = _mm512_add_epi32(sumi, _mm512_mullo_epi32(d57, _mm512_permutexvar_epi32(pick57, scaleLanes)))
            let summ = _mm512_mullo_epi32(_mm512_loadu_si512(asums + b * 64), _mm512_permutexvar_epi32(pickPairs, scaleLanes))
            let d = ad[b] * block.loadHalf(at: 0), dmin = ad[b] * block.loadHalf(at: 2)
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc)
            acc = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(summ), _mm512_set1_ps(dmin), acc)
        }
        return _mm512_reduce_add_ps(acc)
    }
    #endif
}
