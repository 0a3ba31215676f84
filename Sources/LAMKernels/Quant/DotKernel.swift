/// A quantized dot-product kernel: one weight row (`blocks` blocks) against the activations of `count`
/// tokens (1...maxTokens), writing `out[t] = row · acts[t]`. Taking several tokens at once lets the batched
/// (prompt) path unpack each weight block once for all of them.
typealias DotKernel = @Sendable (_ row: UnsafeRawPointer, _ blocks: Int, _ acts: UnsafePointer<ActivationRow>, _ count: Int,
                       _ out: UnsafeMutablePointer<Float>) -> Void

enum DotTile {
    /// Tokens one kernel call handles.
    static let maxTokens = 4

    /// Calls `body` with a constant token count, so that its per-token loops unroll and its accumulators
    /// live in registers.
    @inline(__always)
    static func dispatch(_ count: Int, _ body: (Int) -> Void) {
        switch count {
        case 1: body(1)
        case 2: body(2)
        case 3: body(3)
        default: body(4)
        }
    }
}
