import LAMModelFiles

/// Q5_0: 32 weights per block, w = d · (q − 16) with q a 5-bit unsigned integer.
///
/// Block layout (22 bytes):
///   0   d    f16   scale
///   2   qh   u32   bit j: the fifth (high) bit of weight j
///   6   qs   16 B  byte j: low 4 bits of weight j (low nibble) and of weight j + 16 (high nibble)
public enum Q5_0: QuantFormat {
    public static let type = GGMLType.q5_0
    public enum Offset {
        public static let d = 0
        public static let qh = 2
        public static let qs = 6
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Offset.qh, as: UInt32.self))
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            let low = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
            let high = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
            y[j] = d * Float(low - 16)
            y[j + 16] = d * Float(high - 16)
        }
    }
}
