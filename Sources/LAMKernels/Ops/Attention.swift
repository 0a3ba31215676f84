/// The numeric type of a key/value cache.
public enum KVPrecision: String, Sendable, CaseIterable {
    case f16, f32

    public var bytes: Int { self == .f16 ? 2 : 4 }
}

/// One layer's keys or values: row p holds position p's `kvHeads × headDimension` values.
public struct KVRows: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let precision: KVPrecision
    public let rowLength: Int

    public init(base: UnsafeMutableRawPointer, precision: KVPrecision, rowLength: Int) {
        self.base = base
        self.precision = precision
        self.rowLength = rowLength
    }

    /// Stores `count` f32 rows starting at `position`.
    public func write(_ x: UnsafePointer<Float>, rows count: Int, at position: Int) {
        let n = count * rowLength
        switch precision {
        case .f16:
            let out = base.assumingMemoryBound(to: Float16.self) + position * rowLength
            for i in 0..<n { out[i] = Float16(x[i]) }
        case .f32:
            (base.assumingMemoryBound(to: Float.self) + position * rowLength).update(from: x, count: n)
        }
    }
}

/// Causal grouped-query attention over a key/value cache.
public enum Attention {
    /// For each query row t (at position `firstPosition + t`) and head h: softmax(q·Kᵀ·scale) · V over
    /// positions `0...firstPosition + t`, using kv head `h / (heads / kvHeads)`.
    /// `queries` and `output` are `batch × heads × headDimension`.
    public static func causal(queries: UnsafePointer<Float>, batch: Int, firstPosition: Int,
                              keys: KVRows, values: KVRows, heads: Int, kvHeads: Int, headDimension: Int,
                              scale: Float, into output: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let group = heads / kvHeads
        pool.parallelFor(batch * heads) { item in
            let t = item / heads, h = item % heads
            let length = firstPosition + t + 1
            let q = queries + (t * heads + h) * headDimension
            let out = output + (t * heads + h) * headDimension
            let kvOffset = (h / group) * headDimension
            withUnsafeTemporaryAllocation(of: Float.self, capacity: length) { scores in
                let scores = scores.baseAddress!
                switch keys.precision {
                case .f16: scoreRows(q, keys.base.assumingMemoryBound(to: Float16.self) + kvOffset,
                                     stride: keys.rowLength, count: length, headDimension, scale, scores)
                case .f32: scoreRows(q, keys.base.assumingMemoryBound(to: Float.self) + kvOffset,
                                     stride: keys.rowLength, count: length, headDimension, scale, scores)
                }
                VectorOps.softmax(scores, count: length)
                switch values.precision {
                case .f16: mixRows(scores, values.base.assumingMemoryBound(to: Float16.self) + kvOffset,
                                   stride: values.rowLength, count: length, headDimension, out)
                case .f32: mixRows(scores, values.base.assumingMemoryBound(to: Float.self) + kvOffset,
                                   stride: values.rowLength, count: length, headDimension, out)
                }
            }
        }
    }

    /// `scores[p] = scale · q·k_p`, with the query rounded to the cache's precision first, like ggml's f16
    /// matmul (it matches llama.cpp more closely; the precision lost is far below the int8 noise of the
    /// projections). Summed as llama.cpp's f16 matrix product sums: one chain of multiply-adds over 16-wide
    /// slices, then the 16 lanes as a tree.
    @inline(__always)
    private static func scoreRows<Element: KVElement>(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Element>,
                                                      stride: Int, count: Int, _ d: Int, _ scale: Float,
                                                      _ scores: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { rounded in
            let rounded = rounded.baseAddress!
            Element.roundTrip(q, count: d, into: rounded)
            let vectorEnd = d - d % 16
            for p in 0..<count {
                let row = k + p * stride
                var acc = SIMD16<Float>()
                var i = 0
                while i < vectorEnd {
                    acc.addProduct(VectorOps.load(rounded + i), Element.widen16(row + i))
                    i += 16
                }
                var s = VectorOps.horizontalSum(acc)
                while i < d { s += rounded[i] * row[i].float; i += 1 }
                scores[p] = s * scale
            }
        }
    }

    /// `out = Σ_p weights[p] · v_p`, with the weights rounded to the cache's precision (as ggml does).
    ///
    /// Summed in the order of llama.cpp's f16 matrix product over positions: position p goes to partial sum
    /// p % 16 (each a chain of multiply-adds in position order), and the 16 partial sums are then added as a
    /// tree. Small models are sensitive enough to the order of these sums that a plain sequential sum moved
    /// SmolLM2's logits measurably further from llama.cpp's. Vectorised across 16 output dimensions at a time.
    @inline(__always)
    private static func mixRows<Element: KVElement>(_ weights: UnsafeMutablePointer<Float>, _ v: UnsafePointer<Element>,
                                                    stride: Int, count: Int, _ d: Int,
                                                    _ out: UnsafeMutablePointer<Float>) {
        Element.roundTrip(weights, count: count, into: weights)
        var i = 0
        while i + 16 <= d {
            var partial = InlineArray<16, SIMD16<Float>>(repeating: SIMD16())
            var p = 0
            while p + 16 <= count {
                for j in 0..<16 {
                    partial[j].addProduct(SIMD16(repeating: weights[p + j]), Element.widen16(v + (p + j) * stride + i))
                }
                p += 16
            }
            for j in 0..<(count - p) {
                partial[j].addProduct(SIMD16(repeating: weights[p + j]), Element.widen16(v + (p + j) * stride + i))
            }
            var width = 8
            while width > 0 {
                for j in 0..<width { partial[j] += partial[j + width] }
                width /= 2
            }
            VectorOps.store(partial[0], out + i)
            i += 16
        }
        while i < d {
            var total: Float = 0
            for p in 0..<count { total += weights[p] * v[p * stride + i].float }
            out[i] = total
            i += 1
        }
    }
}

/// A cache element type, as the attention loops read it.
protocol KVElement {
    var float: Float { get }
    /// 16 consecutive elements widened to f32.
    static func widen16(_ p: UnsafePointer<Self>) -> SIMD16<Float>
    /// `out[i] = x[i]` rounded to this type and back (`out` may be `x`).
    static func roundTrip(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>)
}

extension Float16: KVElement {
    var float: Float { Float(self) }

    @inline(__always)
    static func widen16(_ p: UnsafePointer<Float16>) -> SIMD16<Float> { HalfLanes.widen(p) }

    @inline(__always)
    static func roundTrip(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        HalfLanes.roundTrip(x, count: count, into: out)
    }
}

extension Float: KVElement {
    var float: Float { self }

    @inline(__always)
    static func widen16(_ p: UnsafePointer<Float>) -> SIMD16<Float> { VectorOps.load(p) }

    @inline(__always)
    static func roundTrip(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        if out != UnsafeMutablePointer(mutating: x) { out.update(from: x, count: count) }
    }
}
