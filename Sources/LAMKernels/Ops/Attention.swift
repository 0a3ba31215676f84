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
                out.initialize(repeating: 0, count: headDimension)
                switch values.precision {
                case .f16: mixRows(scores, values.base.assumingMemoryBound(to: Float16.self) + kvOffset,
                                   stride: values.rowLength, count: length, headDimension, out)
                case .f32: mixRows(scores, values.base.assumingMemoryBound(to: Float.self) + kvOffset,
                                   stride: values.rowLength, count: length, headDimension, out)
                }
            }
        }
    }

    @inline(__always)
    private static func scoreRows<Element: KVElement>(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Element>,
                                                      stride: Int, count: Int, _ d: Int, _ scale: Float,
                                                      _ scores: UnsafeMutablePointer<Float>) {
        // Like ggml's f16 matmul, round the query to the cache's precision first (it matches llama.cpp more
        // closely; the precision lost is far below the int8 noise of the projections).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { rounded in
            for i in 0..<d { rounded[i] = Element(rounding: q[i]).float }
        for p in 0..<count {
            let row = k + p * stride
            var s: Float = 0
            for i in 0..<d { s += rounded[i] * row[i].float }
            scores[p] = s * scale
        }
        }
    }

    @inline(__always)
    private static func mixRows<Element: KVElement>(_ weights: UnsafePointer<Float>, _ v: UnsafePointer<Element>,
                                                    stride: Int, count: Int, _ d: Int,
                                                    _ out: UnsafeMutablePointer<Float>) {
        for p in 0..<count {
            let row = v + p * stride
            let w = Element(rounding: weights[p]).float
            for i in 0..<d { out[i] += w * row[i].float }
        }
    }
}

protocol KVElement {
    init(rounding: Float)
    var float: Float { get }
}
extension Float16: KVElement {
    init(rounding x: Float) { self.init(x) }
    var float: Float { Float(self) }
}
extension Float: KVElement {
    init(rounding x: Float) { self = x }
    var float: Float { self }
}
