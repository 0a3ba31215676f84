/// The int8 form that activations take before an integer dot product with quantized weights, as ggml does:
/// Q8_0 (one f16-rounded scale per 32 values) for Q4_0/Q5_0/Q8_0 weights, Q8_1 (the same, for weights with
/// an offset: Q4_1, Q5_1) and Q8_K (one f32 scale per 256 values) for the K-quants.
public enum ActivationFormat: Sendable {
    case q8_0, q8_1, q8_K

    /// Values sharing one scale.
    public var blockSize: Int { self == .q8_K ? 256 : 32 }
}

/// One token's quantized activations: `quants` (the row's length), `scales` (one per block) and `sums16`
/// (the sum of every 16 quants). The 32-value formats (Q8_0, Q8_1) also carry, per block, its scale
/// repeated 8 times (`scaleLanes`) and the negated sums of each 4 consecutive quants (`negatedQuadSums`),
/// laid out as the lanes of the integer dot-product instruction, so the kernels load them instead of
/// rearranging them per weight row.
public struct ActivationRow {
    public let quants: UnsafePointer<Int8>
    public let scales: UnsafePointer<Float>
    public let sums16: UnsafePointer<Int32>
    public let scaleLanes: UnsafePointer<Float>
    public let negatedQuadSums: UnsafePointer<Int32>
}

/// A batch of activation rows quantized to int8 in our own (not ggml's byte) layout, so each kernel can read
/// the quants contiguously: per row, `columns` quants, one scale per block and the sum of every 16 quants
/// (the K-quant mins and the offset tricks of the integer kernels need those sums).
///
/// The buffers are reused from call to call; `prepare` only grows them.
public final class QuantizedActivations: @unchecked Sendable {
    public private(set) var format: ActivationFormat = .q8_0
    public private(set) var rows = 0
    public private(set) var columns = 0
    public private(set) var quants = UnsafeMutablePointer<Int8>.allocate(capacity: 0)
    public private(set) var scales = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    public private(set) var sums16 = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var scaleLanes = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private var negatedQuadSums = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var capacity = (quants: 0, scales: 0, sums: 0, lanes: 0)

    public init() {}

    deinit {
        quants.deallocate()
        scales.deallocate()
        sums16.deallocate()
        scaleLanes.deallocate()
        negatedQuadSums.deallocate()
    }

    @inline(__always) public func rowQuants(_ row: Int) -> UnsafeMutablePointer<Int8> { quants + row * columns }
    @inline(__always) public func rowScales(_ row: Int) -> UnsafeMutablePointer<Float> {
        scales + row * (columns / format.blockSize)
    }
    @inline(__always) public func rowSums16(_ row: Int) -> UnsafeMutablePointer<Int32> { sums16 + row * (columns / 16) }
    /// Lanes per row: 8 per 32-value block, none for Q8_K.
    private var laneCount: Int { format == .q8_K ? 0 : columns / 4 }

    public func row(_ r: Int) -> ActivationRow {
        ActivationRow(quants: rowQuants(r), scales: rowScales(r), sums16: rowSums16(r),
                      scaleLanes: scaleLanes + r * laneCount, negatedQuadSums: negatedQuadSums + r * laneCount)
    }

    /// Quantizes `rows` rows of `columns` f32 values (row-major, contiguous) into `format`.
    /// `columns` must be a multiple of the format's block size (the weight's row length always is).
    public func quantize(_ x: UnsafePointer<Float>, rows: Int, columns: Int, format: ActivationFormat,
                         pool: ThreadPool? = nil) {
        precondition(columns % format.blockSize == 0, "activation row of \(columns) is not whole blocks")
        reserve(rows: rows, columns: columns, format: format)
        let body = { (row: Int) in
            let source = x + row * columns
            switch format {
            case .q8_0, .q8_1: self.quantizeQ8_0Row(source, row: row)
            case .q8_K: self.quantizeQ8_KRow(source, row: row)
            }
        }
        if let pool, rows > 1 { pool.parallelFor(rows, body) } else { for row in 0..<rows { body(row) } }
    }

    private func reserve(rows: Int, columns: Int, format: ActivationFormat) {
        self.rows = rows
        self.columns = columns
        self.format = format
        let needed = (quants: rows * columns, scales: rows * columns / format.blockSize, sums: rows * columns / 16,
                      lanes: rows * laneCount)
        if needed.quants > capacity.quants {
            quants.deallocate()
            quants = .allocate(capacity: needed.quants + 64)
            capacity.quants = needed.quants
        }
        if needed.scales > capacity.scales {
            scales.deallocate()
            scales = .allocate(capacity: needed.scales)
            capacity.scales = needed.scales
        }
        if needed.sums > capacity.sums {
            sums16.deallocate()
            sums16 = .allocate(capacity: needed.sums)
            capacity.sums = needed.sums
        }
        if needed.lanes > capacity.lanes {
            scaleLanes.deallocate()
            negatedQuadSums.deallocate()
            scaleLanes = .allocate(capacity: needed.lanes)
            negatedQuadSums = .allocate(capacity: needed.lanes)
            capacity.lanes = needed.lanes
        }
    }

    /// ggml's x86 Q8_0: scale = max|x|/127 rounded to f16, quants = round-half-even(x · 127/max|x|).
    private func quantizeQ8_0Row(_ x: UnsafePointer<Float>, row: Int) {
        let q = rowQuants(row), d = rowScales(row), s = rowSums16(row)
        let lanes = scaleLanes + row * laneCount, quadSums = negatedQuadSums + row * laneCount
        for block in 0..<(columns / 32) {
            let v = x + block * 32
            var amax: Float = 0
            for j in 0..<32 { amax = Swift.max(amax, abs(v[j])) }
            let scale = amax / 127
            let inverse: Float = scale != 0 ? 127 / amax : 0
            d[block] = Float(Float16(scale))
            for half in 0..<2 {
                var sum: Int32 = 0
                for j in (half * 16)..<(half * 16 + 16) {
                    let quant = Int8((v[j] * inverse).rounded(.toNearestOrEven))
                    q[block * 32 + j] = quant
                    sum += Int32(quant)
                }
                s[block * 2 + half] = sum
            }
            for lane in 0..<8 {
                let quad = q + block * 32 + lane * 4
                lanes[block * 8 + lane] = d[block]
                quadSums[block * 8 + lane] = -(Int32(quad[0]) + Int32(quad[1]) + Int32(quad[2]) + Int32(quad[3]))
            }
        }
    }

    /// ggml's Q8_K: scale = -max/127 where max is the value of largest magnitude, quants = nearest(x/scale).
    private func quantizeQ8_KRow(_ x: UnsafePointer<Float>, row: Int) {
        let q = rowQuants(row), d = rowScales(row), s = rowSums16(row)
        for block in 0..<(columns / 256) {
            let v = x + block * 256
            var amax: Float = 0, signedMax: Float = 0
            for j in 0..<256 where abs(v[j]) > amax {
                amax = abs(v[j])
                signedMax = v[j]
            }
            let out = q + block * 256
            if amax == 0 {
                d[block] = 0
                for j in 0..<256 { out[j] = 0 }
                for g in 0..<16 { s[block * 16 + g] = 0 }
                continue
            }
            let inverseScale = -127 / signedMax
            for j in 0..<256 {
                out[j] = Int8(Swift.min(127, Int32((inverseScale * v[j]).rounded(.toNearestOrEven))))
            }
            for g in 0..<16 {
                var sum: Int32 = 0
                for j in 0..<16 { sum += Int32(out[g * 16 + j]) }
                s[block * 16 + g] = sum
            }
            d[block] = 1 / inverseScale
        }
    }
}
