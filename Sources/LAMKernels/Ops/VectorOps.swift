/// Element-wise and reduction kernels on f32 vectors, in portable SIMD.
///
/// Built with `-target-cpu native` these compile to AVX-512 FMA code; `SIMD.sum()` is avoided in hot loops
/// because it reduces serially (see shared/reference/cpu.md).
public enum VectorOps {
    typealias Lanes = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// Sums the 16 lanes as a tree rather than a serial chain.
    @inline(__always)
    static func horizontalSum(_ v: Lanes) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    /// `Σ a[i]·b[i]`.
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = Lanes(), acc1 = Lanes()
        var i = 0
        while i + 32 <= count {
            acc0.addProduct(load(a + i), load(b + i))
            acc1.addProduct(load(a + i + 16), load(b + i + 16))
            i += 32
        }
        var total = horizontalSum(acc0 + acc1)
        while i < count { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// `y[i] += alpha·x[i]`.
    public static func addScaled(_ x: UnsafePointer<Float>, _ alpha: Float, into y: UnsafeMutablePointer<Float>,
                                 count: Int) {
        var i = 0
        let a = Lanes(repeating: alpha)
        while i + 16 <= count {
            var v = load(y + i)
            v.addProduct(a, load(x + i))
            store(v, y + i)
            i += 16
        }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// `y[i] += x[i]`.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            store(load(y + i) + load(x + i), y + i)
            i += 16
        }
        while i < count { y[i] += x[i]; i += 1 }
    }

    /// `y[i] *= alpha`.
    public static func scale(_ y: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
        for i in 0..<count { y[i] *= alpha }
    }

    /// The largest element.
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<count where x[i] > m { m = x[i] }
        return m
    }

    /// Replaces `x` with `softmax(x)` in place; returns nothing because callers only need the weights.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let m = max(x, count: count)
        var sum: Float = 0
        for i in 0..<count {
            let e = expf(x[i] - m)
            x[i] = e
            sum += e
        }
        scale(x, by: 1 / sum, count: count)
    }

    /// RMSNorm: `out[i] = x[i] / sqrt(mean(x²) + eps) · weight[i]`. `out` may alias `x`.
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float,
                               count: Int, into out: UnsafeMutablePointer<Float>) {
        let meanSquare = dot(x, x, count: count) / Float(count)
        let inverseRMS = 1 / (meanSquare + epsilon).squareRoot()
        for i in 0..<count { out[i] = x[i] * inverseRMS * weight[i] }
    }

    /// SwiGLU's gate: `gate[i] = silu(gate[i]) · up[i]`, with `silu(x) = x / (1 + e^-x)`.
    public static func siluMultiply(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + expf(-g)) * up[i]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
