import LAMModelFiles

/// A weight matrix as stored in the model file: `rows` rows of `columns` values each, in a ggml type,
/// read in place (quantized matrices are never expanded to f32). Row-major: row r is output feature r.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let data: UnsafeRawPointer
    public let rowBytes: Int

    /// The types whose rows can be multiplied with activations.
    public static let supportedTypes: Set<GGMLType> = [.f32, .f16, .bf16, .q4_K, .q6_K, .q5_0, .q8_0, .q4_1]

    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer, byteCount: Int) throws(KernelError) {
        guard Self.supportedTypes.contains(type) else { throw .unsupportedType(type) }
        guard rows > 0, columns > 0, columns % type.blockElements == 0 else {
            throw .shapeMismatch("\(rows)×\(columns) matrix is not whole \(type.name) blocks of \(type.blockElements)")
        }
        let (rowBytes, overflow) = (columns / type.blockElements).multipliedReportingOverflow(by: type.blockBytes)
        let (total, overflow2) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, !overflow2, total == byteCount else {
            throw .shapeMismatch("\(rows)×\(columns) \(type.name) matrix needs \(total) bytes, tensor has \(byteCount)")
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
        self.rowBytes = rowBytes
    }

    @inline(__always)
    public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }

    /// The int8 activation format this type's dot product takes; nil for the float types.
    public var activationFormat: ActivationFormat? {
        switch type {
        case .q4_K, .q6_K: .q8_K
        case .q5_0, .q8_0: .q8_0
        case .q4_1: .q8_1
        default: nil
        }
    }

    /// The integer dot-product kernel for the quantized types.
    var dotKernel: DotKernel? {
        switch type {
        case .q4_K: Q4_K.dotKernel
        case .q6_K: Q6_K.dotKernel
        case .q5_0: Q5_0.dotKernel
        case .q8_0: Q8_0.dotKernel
        case .q4_1: Q4_1.dotKernel
        default: nil
        }
    }

    /// `row(r) · x` for the float types.
    @inline(__always)
    func floatDot(row r: Int, _ x: UnsafePointer<Float>) -> Float {
        switch type {
        case .f32: return VectorOps.dot(row(r).assumingMemoryBound(to: Float.self), x, count: columns)
        case .f16: return FloatRows.dotF16(row(r), x, count: columns)
        case .bf16: return FloatRows.dotBF16(row(r), x, count: columns)
        default: preconditionFailure("\(type.name) is not a float type")
        }
    }

    /// Writes row `r` as f32 (the embedding lookup).
    public func copyRow(_ r: Int, into out: UnsafeMutablePointer<Float>) throws {
        try dequantize(type, UnsafeRawBufferPointer(start: row(r), count: rowBytes), elementCount: columns, into: out)
    }
}

public enum KernelError: Error, Equatable, CustomStringConvertible {
    case unsupportedType(GGMLType)
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .unsupportedType(let type): "no matrix kernel for tensor type \(type.name)"
        case .shapeMismatch(let what): what
        }
    }
}
