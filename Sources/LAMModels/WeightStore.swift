import LAMKernels
import LAMModelFiles

/// Turns a model file's tensors into the `WeightMatrix`es the decoder multiplies with: float matrices (F32, F16,
/// BF16) as stored, read in place from the mapped file, or re-encoded at load time when `quantization` asks;
/// quantized GGUF matrices always as stored.
///
/// It owns what the matrices point into (the mapped files and the re-encoded copies), so the decoder keeps it
/// alive as long as itself.
final class WeightStore: @unchecked Sendable {
    let quantization: WeightQuantization?
    private let files: [AnyObject]
    private var buffers: [UnsafeMutableRawPointer] = []

    init(files: [AnyObject], quantization: WeightQuantization?) {
        self.files = files
        self.quantization = quantization
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    func matrix(name: String, type: GGMLType, rows: Int, columns: Int, bytes: UnsafeRawBufferPointer)
        throws(InferenceError) -> WeightMatrix
    {
        guard let data = bytes.baseAddress else { throw .badTensor(name: name, problem: "no data") }
        do {
            let stored = try WeightMatrix(type: type, rows: rows, columns: columns, data: data, byteCount: bytes.count)
            guard let quantization, Self.floatTypes.contains(type), columns % quantization.type.blockElements == 0
            else { return stored }
            return try encode(stored, as: quantization)
        } catch {
            throw .badTensor(name: name, problem: error.description)
        }
    }

    private static let floatTypes: Set<GGMLType> = [.f32, .f16, .bf16]

    /// Re-encodes a float matrix row by row, in parallel.
    private func encode(_ matrix: WeightMatrix, as quantization: WeightQuantization) throws(KernelError) -> WeightMatrix {
        let type = quantization.type
        let rowBytes = matrix.columns / type.blockElements * type.blockBytes
        let byteCount = rowBytes * matrix.rows
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        buffers.append(buffer)
        let rowsPerTask = 64
        ThreadPool.shared.parallelFor((matrix.rows + rowsPerTask - 1) / rowsPerTask) { task in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: matrix.columns) { row in
                for r in (task * rowsPerTask)..<min(matrix.rows, (task + 1) * rowsPerTask) {
                    try! matrix.copyRow(r, into: row.baseAddress!)
                    switch quantization {
                    case .q8_0: Q8_0.quantize(row.baseAddress!, count: matrix.columns, into: buffer + r * rowBytes)
                    }
                }
            }
        }
        return try WeightMatrix(type: type, rows: matrix.rows, columns: matrix.columns, data: buffer, byteCount: byteCount)
    }
}
