import LAMModelFiles

/// Why a buffer could not be dequantized.
public enum DequantizeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No dequantizer is implemented for this type (the IQ and ternary types, among others).
    case unsupportedType(GGMLType)
    /// `elementCount` is not a whole number of the type's blocks.
    case notWholeBlocks(GGMLType, elementCount: Int)
    /// The buffer holds fewer bytes than `elementCount` elements of the type need.
    case bufferTooSmall(GGMLType, needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unsupportedType(let type): "dequantization of \(type.name) is not supported"
        case .notWholeBlocks(let type, let count):
            "\(count) elements are not a whole number of \(type.name) blocks of \(type.blockElements)"
        case .bufferTooSmall(let type, let needed, let available):
            "\(type.name) data needs \(needed) bytes but only \(available) are available"
        }
    }
}

/// The block format implementing `type`, or `nil` if it has no dequantizer.
public func quantFormat(for type: GGMLType) -> (any QuantFormat.Type)? {
    switch type {
    case .f32: F32.self
    case .f16: F16.self
    case .bf16: BF16.self
    case .q4_0: Q4_0.self
    case .q4_1: Q4_1.self
    case .q5_0: Q5_0.self
    case .q5_1: Q5_1.self
    case .q8_0: Q8_0.self
    case .q2_K: Q2_K.self
    case .q3_K: Q3_K.self
    case .q4_K: Q4_K.self
    case .q5_K: Q5_K.self
    case .q6_K: Q6_K.self
    case .q8_K: Q8_K.self
    default: nil
    }
}

/// Expands `elementCount` elements stored as `type` in `bytes` into `Float`s at `output`.
/// Results are bit-identical to ggml's reference dequantization (and the `gguf` Python package's).
public func dequantize(
    _ type: GGMLType, _ bytes: UnsafeRawBufferPointer, elementCount: Int, into output: UnsafeMutablePointer<Float>
) throws(DequantizeError) {
    guard let format = quantFormat(for: type) else { throw .unsupportedType(type) }
    guard elementCount >= 0, elementCount % type.blockElements == 0 else {
        throw .notWholeBlocks(type, elementCount: elementCount)
    }
    let blocks = elementCount / type.blockElements
    let (needed, overflow) = blocks.multipliedReportingOverflow(by: type.blockBytes)
    guard !overflow, needed <= bytes.count else {
        throw .bufferTooSmall(type, needed: overflow ? Int.max : needed, available: bytes.count)
    }
    guard let base = bytes.baseAddress, blocks > 0 else { return }
    format.dequantize(blocks: base, count: blocks, into: output)
}

/// Expands the whole of `bytes` (a whole number of `type` blocks) into a new array.
public func dequantize(_ type: GGMLType, _ bytes: UnsafeRawBufferPointer) throws(DequantizeError) -> [Float] {
    let elementCount = bytes.count / type.blockBytes * type.blockElements
    var result = [Float](repeating: 0, count: elementCount)
    try result.withUnsafeMutableBufferPointer { (out) throws(DequantizeError) in
        guard let base = out.baseAddress else { return }
        try dequantize(type, bytes, elementCount: elementCount, into: base)
    }
    return result
}

extension GGUFFile {
    /// The tensor's elements as `Float`s, in ggml order (row after row, `shape[0]` elements per row).
    public func dequantized(_ tensor: GGUFTensorInfo) throws(DequantizeError) -> [Float] {
        var result = [Float](repeating: 0, count: tensor.elementCount)
        try result.withUnsafeMutableBufferPointer { (out) throws(DequantizeError) in
            guard let base = out.baseAddress else { return }
            try dequantize(tensor.type, bytes(of: tensor), elementCount: tensor.elementCount, into: base)
        }
        return result
    }
}
