import LAMModelFiles

/// Q8_0: 32 weights per block, w = d · q with q a signed byte.
///
/// Block layout (34 bytes):
///   0   d    f16   scale
///   2   qs   32 B  int8 weights, in order
public enum Q8_0: QuantFormat {
    public static let type = GGMLType.q8_0
    public enum Offset {
        public static let d = 0
        public static let qs = 2
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for j in 0..<32 {
            y[j] = Float(Int8(bitPattern: block.loadByte(at: Offset.qs + j))) * d
        }
    }
}
