import LAMModelFiles

/// F16: IEEE half precision, one element per "block"; widening to f32 is exact.
///
/// Layout (2 bytes): 0  value  f16, little-endian
public enum F16: QuantFormat {
    public static let type = GGMLType.f16

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>) {
        output.pointee = block.loadF16(at: 0)
    }
}
