import LAMModelFiles

/// One ggml block format: its block layout and how a block turns back into `Float`s.
///
/// Each conforming type lives in its own file (`Quant/<Format>.swift`) and documents its block layout there,
/// byte by byte, as named offsets; the block's total size and element count come from `GGMLType`, which the
/// file reader needs too. Dot-product kernels for a format belong in the same file.
public protocol QuantFormat {
    static var type: GGMLType { get }
    /// Writes the `type.blockElements` weights of the block at `block` to `output`.
    static func dequantize(block: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>)
}

extension QuantFormat {
    public static var blockElements: Int { type.blockElements }
    public static var blockBytes: Int { type.blockBytes }

    /// Dequantizes `count` consecutive blocks.
    @inlinable
    public static func dequantize(blocks: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            dequantize(block: blocks + i * blockBytes, into: output + i * blockElements)
        }
    }
}

extension UnsafeRawPointer {
    /// The IEEE half-precision value at `offset`, widened exactly to `Float`.
    @inlinable
    func loadF16(at offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
    }

    @inlinable
    func loadByte(at offset: Int) -> UInt8 { load(fromByteOffset: offset, as: UInt8.self) }
}
