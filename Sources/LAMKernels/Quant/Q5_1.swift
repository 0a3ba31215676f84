import LAMModelFiles

/// Q5_1: 32 weights per block, w = d · q + m with q a 5-bit unsigned integer.
///
/// Block layout (24 bytes):
///   0   d    f16   scale
///   2   m    f16   minimum (offset)
///   4   qh   u32   bit j: the fifth (high) bit of weight j
///   8   qs   16 B  byte j: low 4 bits of weight j (low nibble) and of weight j + 16 (high nibble)
public enum Q5_1: QuantFormat {
    public static let type = GGMLType.q5_1
    public enum Offset {
        public static let d = 0
        public static let m = 2
        public static let qh = 4
        public static let qs = 8
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let m = block.loadF16(at: Offset.m)
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Offset.qh, as: UInt32.self))
        for j in 0..<16 {
            let q = block.loadByte(at: Offset.qs + j)
            let low = UInt32(q & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
            let high = UInt32(q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
            y[j] = d * Float(low) + m
            y[j + 16] = d * Float(high) + m
        }
    }
}
