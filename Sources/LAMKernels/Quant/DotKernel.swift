#if SWIFTLAM_X86_NATIVE
import _Builtin_intrinsics.intel
#endif

/// A quantized dot-product kernel: one weight row (`blocks` blocks) against the activations of `count`
/// tokens (1...maxTokens), writing `out[t] = row · acts[t]`. Taking several tokens at once lets the batched
/// (prompt) path unpack each weight block once for all of them.
typealias DotKernel = @Sendable (_ row: UnsafeRawPointer, _ blocks: Int, _ acts: UnsafePointer<ActivationRow>, _ count: Int,
                       _ out: UnsafeMutablePointer<Float>) -> Void

enum DotTile {
    /// Tokens one kernel call handles: 8 spreads each weight block's unpacking over enough tokens that the
    /// per-token multiply-adds dominate (prompt processing +11% on the 0.5B test model and +3% on the 1.5B
    /// over tiles of 4), and 8 accumulators still leave registers for the unpacked weights.
    static let maxTokens = 8

    #if SWIFTLAM_X86_NATIVE
    /// One accumulator per token of a tile.
    typealias Accumulators = InlineArray<8, __m512>
    #endif

    /// Calls `body` with a constant token count, so that its per-token loops unroll and its accumulators
    /// live in registers.
    @inline(__always)
    static func dispatch(_ count: Int, _ body: (Int) -> Void) {
        switch count {
        case 1: body(1)
        case 2: body(2)
        case 3: body(3)
        case 4: body(4)
        case 5: body(5)
        case 6: body(6)
        case 7: body(7)
        default: body(8)
        }
    }
}
