import LAMModelFiles

/// BF16: bfloat16, the top half of an f32, one element per "block"; widening is a 16-bit shift.
///
/// Layout (2 bytes): 0  value  bf16, little-endian
public enum BF16: QuantFormat {
    public static let type = GGMLType.bf16

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>) {
        let bits = UInt16(littleEndian: block.loadUnaligned(as: UInt16.self))
        output.pointee = Float(bitPattern: UInt32(bits) << 16)
    }
}
