import LAMKernels
import LAMModelFiles
import Testing

/// The integer kernels against the foundation's dequantizer (checked bit-exact against gguf-py): for random
/// weight blocks and activations, `MatrixMultiplier` must equal Σ dequantize(w)·(quantized activation) up to
/// float rounding. Batches of 1, 3 and 11 tokens exercise the single-token path and the multi-token tiles,
/// and row lengths with an odd number of 32-blocks the pair kernels' tail. Decode chunks of one row (the
/// smallest `decodeChunkBytes`) spread the rows over both threads.
struct MatmulTests {
    static let types: [GGMLType] = [.q4_K, .q6_K, .q5_0, .q8_0, .q4_1, .f32, .f16, .bf16]

    @Test(arguments: types, [1, 3, 11])
    func matchesDequantizedReference(type: GGMLType, batch: Int) throws {
        var random = SeededRandom(seed: UInt64(type.rawValue) * 31 + UInt64(batch))
        let columns = type.blockElements == 256 ? 512 : 544
        let rows = 37
        let weights = randomTensor(type, elements: rows * columns, &random)
        let x = (0..<(batch * columns)).map { _ in Float.random(in: -2...2, using: &random) }
        try weights.withUnsafeBytes { bytes in
            let w = try WeightMatrix(type: type, rows: rows, columns: columns, data: bytes.baseAddress!, byteCount: bytes.count)
            var y = [Float](repeating: .nan, count: batch * rows)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    MatrixMultiplier(pool: ThreadPool(threadCount: 2), decodeChunkBytes: 1)
                        .multiply(w, x.baseAddress!, batch: batch, into: y.baseAddress!)
                }
            }
            let activations = effectiveActivations(x, batch: batch, columns: columns, format: w.activationFormat)
            let dense = try dequantize(type, UnsafeRawBufferPointer(bytes))
            var worst: Double = 0
            for t in 0..<batch {
                for r in 0..<rows {
                    var expected: Double = 0, magnitude: Double = 0
                    for c in 0..<columns {
                        let product = Double(dense[r * columns + c]) * Double(activations[t * columns + c])
                        expected += product
                        magnitude += abs(product)
                    }
                    worst = max(worst, abs(Double(y[t * rows + r]) - expected) / (magnitude + 1e-6))
                }
            }
            // Q4_1's offset term uses ggml's f16-rounded activation sums.
            #expect(worst < (type == .q4_1 ? 2e-3 : 2e-5), "\(type.name) batch \(batch): relative error \(worst)")
        }
    }

    @Test(arguments: [ActivationFormat.q8_0, .q8_1, .q8_K])
    func activationQuantizationRoundTrips(format: ActivationFormat) {
        var random = SeededRandom(seed: 7)
        let columns = 512, rows = 3
        let x = (0..<(rows * columns)).map { _ in Float.random(in: -5...5, using: &random) }
        let acts = QuantizedActivations()
        x.withUnsafeBufferPointer { acts.quantize($0.baseAddress!, rows: rows, columns: columns, format: format) }
        for r in 0..<rows {
            let row = acts.row(r)
            for c in 0..<columns {
                let scale = row.scales[c / format.blockSize]
                let error = abs(Float(row.quants[c]) * scale - x[r * columns + c])
                // Half a step, plus (Q8_0/Q8_1) the effect of ggml rounding the stored scale to f16.
                let scaleRounding: Float = format == .q8_K ? 0 : 127 * abs(scale) / 2048
                #expect(error <= abs(scale) * 0.5 + scaleRounding + 1e-6, "row \(r) column \(c)")
            }
            for g in 0..<(columns / 16) {
                let sum = (0..<16).reduce(Int32(0)) { $0 + Int32(row.quants[g * 16 + $1]) }
                #expect(row.sums16[g] == sum)
            }
        }
    }
}

/// The activations the integer kernels actually multiply: x after quantization (or x itself for float weights).
func effectiveActivations(_ x: [Float], batch: Int, columns: Int, format: ActivationFormat?) -> [Float] {
    guard let format else { return x }
    let acts = QuantizedActivations()
    x.withUnsafeBufferPointer { acts.quantize($0.baseAddress!, rows: batch, columns: columns, format: format) }
    var out = [Float](repeating: 0, count: x.count)
    for t in 0..<batch {
        let row = acts.row(t)
        for c in 0..<columns { out[t * columns + c] = Float(row.quants[c]) * row.scales[c / format.blockSize] }
    }
    return out
}

/// Random blocks of `type` whose scale fields hold sane f16 values (random bytes there would give infinities).
func randomTensor(_ type: GGMLType, elements: Int, _ random: inout SeededRandom) -> [UInt8] {
    let blocks = elements / type.blockElements
    var bytes = (0..<(blocks * type.blockBytes)).map { _ in UInt8.random(in: 0...255, using: &random) }
    func put(_ value: Float16, at offset: Int) {
        bytes[offset] = UInt8(value.bitPattern & 0xFF)
        bytes[offset + 1] = UInt8(value.bitPattern >> 8)
    }
    let scaleOffsets: [Int]
    switch type {
    case .q4_K, .q4_1: scaleOffsets = [0, 2]
    case .q6_K: scaleOffsets = [208]
    case .q5_0, .q8_0: scaleOffsets = [0]
    case .f16:
        for i in 0..<elements { put(Float16(Float.random(in: -1...1, using: &random)), at: 2 * i) }
        return bytes
    case .bf16:
        for i in 0..<elements {
            let bits = Float.random(in: -1...1, using: &random).bitPattern >> 16
            bytes[2 * i] = UInt8(bits & 0xFF)
            bytes[2 * i + 1] = UInt8(bits >> 8)
        }
        return bytes
    case .f32:
        return (0..<elements).flatMap { _ in
            withUnsafeBytes(of: Float.random(in: -1...1, using: &random)) { Array($0) }
        }
    default: scaleOffsets = []
    }
    for b in 0..<blocks {
        for offset in scaleOffsets {
            put(Float16(Float.random(in: 0.001...0.02, using: &random)), at: b * type.blockBytes + offset)
        }
    }
    return bytes
}

/// A seedable generator so each test case sees the same data every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
