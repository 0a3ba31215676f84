import LAMModelFiles

/// Q4_1: 32 weights per block, w = d · q + m with q a 4-bit unsigned integer.
///
/// Block layout (20 bytes):
///   0   d    f16   scale
///   2   m    f16   minimum (offset)
///   4   qs   16 B  byte j: weight j in the low nibble, weight j + 16 in the high nibble
public enum Q4_1: QuantFormat {
    public static let type = GGMLType.q4_1
    public enum Offset {
        public static let d = 0
        public static let m = 2
        public static let qs = 4
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let m = block.loadF16(at: Offset.m)
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            y[j] = d * Float(q & 0x0F) + m
            y[j + 16] = d * Float(q >> 4) + m
        }
    }
}
