import LAMModelFiles

/// F32: plain IEEE single precision, one element per "block".
///
/// Layout (4 bytes): 0  value  f32, little-endian
public enum F32: QuantFormat {
    public static let type = GGMLType.f32

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>) {
        output.pointee = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(as: UInt32.self)))
    }
}
