#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel

/// Sum of the 8 lanes of a 256-bit float vector.
@inline(__always)
func horizontalSum(_ v: __m256) -> Float {
    let quad = v.lowHalf + v.highHalf
    let pair = quad.lowHalf + quad.highHalf
    return pair[0] + pair[1]
}

/// Expands 16 bytes of packed nibbles into 32 bytes: low nibbles first (weights 0..<16), then high nibbles.
@inline(__always)
func unpackNibbles(_ p: UnsafeRawPointer) -> __m256i {
    let packed = _mm_loadu_epi8(p)
    let both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed)
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F))
}
#endif
