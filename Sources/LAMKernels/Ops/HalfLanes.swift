#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// Conversions between f16 and 16 f32 lanes. Swift's SIMD conversion initialisers are not inlined (a call
/// per vector, see shared/reference/cpu.md), so the native build uses the F16C/AVX-512 instructions; the
/// portable path converts lane by lane.
enum HalfLanes {
    /// 16 consecutive f16 values widened to f32 (exact).
    @inline(__always)
    static func widen(_ p: UnsafePointer<Float16>) -> SIMD16<Float> {
        #if SWIFTLAM_X86_NATIVE
        return unsafeBitCast(_mm512_cvtph_ps(_mm256_loadu_epi8(UnsafeRawPointer(p))), to: SIMD16<Float>.self)
        #else
        var v = SIMD16<Float>()
        for l in 0..<16 { v[l] = Float(p[l]) }
        return v
        #endif
    }

    /// `out[i] = x[i]` rounded to the nearest f16 (ties to even) and widened back; `out` may be `x`.
    /// A plain loop: `Float16(Float)` is a single instruction under F16C, and LLVM vectorizes it.
    @inline(__always)
    static func roundTrip(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count { out[i] = Float(Float16(x[i])) }
    }
}
