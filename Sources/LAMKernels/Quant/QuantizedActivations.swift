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
/// the quants contiguously: per row, `columns` quants, one scale per block, the sum of every 16 quants (the
/// K-quant mins and the offset tricks of the integer kernels need those sums) and, for the 32-value formats,
/// the lanes described at `ActivationRow`.
///
/// All of a row's parts sit together in one buffer. In five separate allocations (which, once a long prompt
/// had grown them, all began at the same offset within a page) decode ran ~15% slower after a 512-token prompt
/// than after a short one, and prompt processing ~20% slower than now. The buffer is reused from call to call
/// and only grows.
public final class QuantizedActivations: @unchecked Sendable {
    public private(set) var format: ActivationFormat = .q8_0
    public private(set) var rows = 0
    public private(set) var columns = 0
    private var layout = RowLayout(columns: 0, format: .q8_0)
    private var storage = UnsafeMutableRawPointer.allocate(byteCount: 0, alignment: 64)
    private var capacity = 0

    /// Byte offsets of a row's parts, each 64-byte aligned, and the distance between rows.
    private struct RowLayout {
        let quants = 0, scales: Int, sums16: Int, scaleLanes: Int, negatedQuadSums: Int, stride: Int

        init(columns: Int, format: ActivationFormat) {
            func aligned(_ n: Int) -> Int { (n + 63) & ~63 }
            let lanes = format == .q8_K ? 0 : columns / 4  // 8 per 32-value block
            scales = aligned(columns)
            sums16 = scales + aligned(4 * columns / format.blockSize)
            scaleLanes = sums16 + aligned(4 * columns / 16)
            negatedQuadSums = scaleLanes + aligned(4 * lanes)
            stride = negatedQuadSums + aligned(4 * lanes)
        }
    }

    public init() {}

    deinit {
        storage.deallocate()
    }

    private func part<T>(_ offset: Int, _ row: Int, as _: T.Type) -> UnsafeMutablePointer<T> {
        (storage + row * layout.stride + offset).assumingMemoryBound(to: T.self)
    }
    private func rowQuants(_ row: Int) -> UnsafeMutablePointer<Int8> { part(layout.quants, row, as: Int8.self) }
    private func rowScales(_ row: Int) -> UnsafeMutablePointer<Float> { part(layout.scales, row, as: Float.self) }
    private func rowSums16(_ row: Int) -> UnsafeMutablePointer<Int32> { part(layout.sums16, row, as: Int32.self) }
    private func rowScaleLanes(_ row: Int) -> UnsafeMutablePointer<Float> { part(layout.scaleLanes, row, as: Float.self) }
    private func rowNegatedQuadSums(_ row: Int) -> UnsafeMutablePointer<Int32> {
        part(layout.negatedQuadSums, row, as: Int32.self)
    }

    public func row(_ r: Int) -> ActivationRow {
        ActivationRow(quants: rowQuants(r), scales: rowScales(r), sums16: rowSums16(r),
                      scaleLanes: rowScaleLanes(r), negatedQuadSums: rowNegatedQuadSums(r))
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
        layout = RowLayout(columns: columns, format: format)
        // 64 spare bytes: the pair kernels read the quants 64 at a time.
        let needed = rows * layout.stride + 64
        if needed > capacity {
            storage.deallocate()
            storage = .allocate(byteCount: needed, alignment: 64)
            capacity = needed
        }
    }

    /// ggml's x86 Q8_0: scale = max|x|/127 rounded to f16, quants = round-half-even(x · 127/max|x|).
    private func quantizeQ8_0Row(_ x: UnsafePointer<Float>, row: Int) {
        let q = rowQuants(row), d = rowScales(row), s = rowSums16(row)
        let lanes = rowScaleLanes(row), quadSums = rowNegatedQuadSums(row)
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
