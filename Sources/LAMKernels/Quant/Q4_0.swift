import LAMModelFiles

/// Q4_0: 32 weights per block, w = d · (q − 8) with q a 4-bit unsigned integer.
///
/// Block layout (18 bytes):
///   0   d    f16   scale
///   2   qs   16 B  byte j: weight j in the low nibble, weight j + 16 in the high nibble
public enum Q4_0: QuantFormat {
    public static let type = GGMLType.q4_0
    public enum Offset {
        public static let d = 0
        public static let qs = 2
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            y[j] = d * Float(Int(q & 0x0F) - 8)
            y[j + 16] = d * Float(Int(q >> 4) - 8)
        }
    }
}
