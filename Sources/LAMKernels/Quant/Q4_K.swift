#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif
import LAMModelFiles

/// Q4_K: 256 weights per super-block in 8 sub-blocks of 32; w = d · scale · q − dmin · min, q 4-bit unsigned,
/// each sub-block's scale and min 6-bit unsigned.
///
/// Block layout (144 bytes):
///   0   d       f16   super-block scale for the scales
///   2   dmin    f16   super-block scale for the mins
///   4   scales  12 B  8 packed 6-bit (scale, min) pairs, see `scaleAndMin`
///   16  qs      128 B four chunks of 32 bytes; sub-block 2c is the low nibbles of chunk c, 2c + 1 the high ones
public enum Q4_K: QuantFormat {
    public static let type = GGMLType.q4_K
    public enum Offset {
        public static let d = 0
        public static let dmin = 2
        public static let scales = 4
        public static let qs = 16
    }

    /// Sub-block `sub`'s 6-bit scale and min from the 12 packed bytes at `scales` (shared with Q5_K):
    /// bytes 0–3 hold scales 0–3 (low 6 bits) and the top 2 bits of scales 4–7; bytes 4–7 the same for the
    /// mins; bytes 8–11 the low 4 bits of scale 4–7 (low nibble) and min 4–7 (high nibble).
    @inlinable
    public static func scaleAndMin(_ scales: UnsafeRawPointer, _ sub: Int) -> (scale: UInt8, min: UInt8) {
        if sub < 4 {
            return (scales.loadByte(at: sub) & 63, scales.loadByte(at: sub + 4) & 63)
        }
        let packed = scales.loadByte(at: sub + 4)
        let scale = (packed & 0x0F) | (scales.loadByte(at: sub - 4) >> 6) << 4
        let min = (packed >> 4) | (scales.loadByte(at: sub) >> 6) << 4
        return (scale, min)
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let dmin = block.loadF16(at: Offset.dmin)
        for sub in 0..<8 {
            let (packedScale, packedMin) = scaleAndMin(block + Offset.scales, sub)
            let scale = d * Float(packedScale)
            let min = dmin * Float(packedMin)
            let chunk = Offset.qs + (sub / 2) * 32
            let shift = UInt8(4 * (sub % 2))
            for b in 0..<32 {
                let q = (block.loadByte(at: chunk + b) >> shift) & 0x0F
                y[sub * 32 + b] = scale * Float(q) - min
            }
        }
    }
}

/// Q4_K · Q8_K dot product. A Q4_K block (144 bytes) holds 256 weights as 8 sub-blocks of 32:
/// `d: f16, dmin: f16, scales: [12] (6-bit scale and min per sub-block), qs: [128] (4-bit quants)`;
/// weight = d·scale·q − dmin·min. The quants of sub-blocks 2c and 2c+1 share the bytes `qs[32c..<32c+32]`
/// (low and high nibbles).
extension Q4_K {

    /// Unpacks the 6-bit scales (bytes 0..<8 of the first result) and mins (of the second).
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

    static let dotKernel: DotKernel = { row, blocks, acts, count, out in
        #if SWIFTLAM_X86_NATIVE
        DotTile.dispatch(count) { n in tileAVX512(n, row, blocks, acts, out) }
        #else
        for t in 0..<count { out[t] = dotPortable(row, blocks, acts[t]) }
        #endif
    }

    static func dotPortable(_ row: UnsafeRawPointer, _ blocks: Int, _ act: ActivationRow) -> Float {
        let blockBytes = Self.blockBytes
        var total: Float = 0
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let (scales, mins) = scalesAndMins(block)
            let qs = (block + 16).assumingMemoryBound(to: UInt8.self)
            let a = act.quants + b * 256, sums = act.sums16 + b * 16
            var sumi: Int32 = 0, summ: Int32 = 0
            for sub in 0..<8 {
                let chunk = qs + (sub / 2) * 32
                let shift: UInt8 = sub % 2 == 0 ? 0 : 4
                var s: Int32 = 0
                for l in 0..<32 { s += Int32((chunk[l] >> shift) & 0xF) * Int32(a[sub * 32 + l]) }
                sumi += s * Int32((scales >> (8 * sub)) & 0xFF)
                summ += Int32((mins >> (8 * sub)) & 0xFF) * (sums[2 * sub] + sums[2 * sub + 1])
            }
            total += act.scales[b] * (block.loadF16(at: 0) * Float(sumi) - block.loadF16(at: 2) * Float(summ))
        }
        return total
    }

    #if SWIFTLAM_X86_NATIVE
    @inline(__always)
    static func tileAVX512(_ n: Int, _ row: UnsafeRawPointer, _ blocks: Int, _ acts: UnsafePointer<ActivationRow>,
                           _ out: UnsafeMutablePointer<Float>) {
        let blockBytes = Self.blockBytes
        let nibble = _mm512_set1_epi8(0x0F)
        // Each unpacked vector holds two sub-blocks in order (2c, 2c+1): lanes 0-7 and 8-15. The 16 sums of
        // 16 activations pair up the same way with the 8 mins.
        let pick01 = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0)
        let two = _mm512_set1_epi32(2)
        let pickMins = _mm512_set_epi32(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8)
        var acc = DotTile.Accumulators(repeating: _mm512_setzero_ps())
        for b in 0..<blocks {
            let block = row + b * blockBytes
            let (scales, mins) = scalesAndMins(block)
            let scaleLanes = _mm512_cvtepu8_epi32(_mm_set_epi64x(Int64(bitPattern: mins), Int64(bitPattern: scales)))
            // Each 16-bit half of a lane carries the scale, for the 16-bit multiply-add below.
            let scalePairs = _mm512_or_si512(scaleLanes, _mm512_slli_epi32(scaleLanes, 16))
            let s01 = _mm512_permutexvar_epi32(pick01, scalePairs)
            let pick23 = _mm512_add_epi32(pick01, two)
            let s23 = _mm512_permutexvar_epi32(pick23, scalePairs)
            let pick45 = _mm512_add_epi32(pick23, two)
            let s45 = _mm512_permutexvar_epi32(pick45, scalePairs)
            let s67 = _mm512_permutexvar_epi32(_mm512_add_epi32(pick45, two), scalePairs)
            let minLanes = _mm512_permutexvar_epi32(pickMins, scaleLanes)
            let w = [unpack(block + 16, nibble), unpack(block + 48, nibble), unpack(block + 80, nibble),
                     unpack(block + 112, nibble)] as InlineArray<4, __m512i>
            let d = block.loadF16(at: 0), dmin = block.loadF16(at: 2)
            for t in 0..<n {
                let a = UnsafeRawPointer(acts[t].quants + b * 256)
                // q·a summed in 16-bit pairs (at most 2·15·127, no saturation), then multiplied by the
                // sub-block's scale and accumulated in 32 bits.
                var sumi = _mm512_dpwssd_epi32(_mm512_setzero_si512(), _mm512_maddubs_epi16(w[0], _mm512_loadu_si512(a)), s01)
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[1], _mm512_loadu_si512(a + 64)), s23)
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[2], _mm512_loadu_si512(a + 128)), s45)
                sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(w[3], _mm512_loadu_si512(a + 192)), s67)
                let summ = _mm512_mullo_epi32(_mm512_loadu_si512(UnsafeRawPointer(acts[t].sums16 + b * 16)), minLanes)
                let scale = acts[t].scales[b]
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d * scale), acc[t])
                acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(summ), _mm512_set1_ps(dmin * scale), acc[t])
            }
        }
        for t in 0..<n { out[t] = _mm512_reduce_add_ps(acc[t]) }
    }

    /// 32 bytes of packed quants → 64 weights in order: the low nibbles, then the high nibbles.
    @inline(__always)
    private static func unpack(_ p: UnsafeRawPointer, _ nibble: __m512i) -> __m512i {
        let q = _mm256_loadu_epi8(p)
        return _mm512_and_si512(_mm512_mask_broadcast_i64x4(_mm512_castsi256_si512(q), 0xF0, _mm256_srli_epi16(q, 4)), nibble)
    }
    #endif
}
