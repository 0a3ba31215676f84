import LAMModelFiles

/// Q6_K: 256 weights per super-block in 16 sub-blocks of 16; w = d · scale · (q − 32), q 6-bit unsigned,
/// each sub-block's scale a signed byte.
///
/// Block layout (210 bytes), in two halves of 128 weights (h = 0, 1):
///   0    ql      128 B  low 4 bits: weight 128h + 64n + b is nibble n of byte 64h + b
///   128  qh      64 B   high 2 bits: weight 128h + 32k + b is bits 2k…2k+1 of byte 32h + b
///   192  scales  16 B   int8 scale of each sub-block of 16
///   208  d       f16    super-block scale
public enum Q6_K: QuantFormat {
    public static let type = GGMLType.q6_K
    public enum Offset {
        public static let ql = 0
        public static let qh = 128
        public static let scales = 192
        public static let d = 208
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for sub in 0..<16 {
            let scale = d * Float(Int8(bitPattern: block.loadByte(at: Offset.scales + sub)))
            for i in 0..<16 {
                let e = sub * 16 + i
                let (half, r) = (e / 128, e % 128)
                let low = (block.loadByte(at: Offset.ql + half * 64 + r % 64) >> UInt8(4 * (r / 64))) & 0x0F
                let high = (block.loadByte(at: Offset.qh + half * 32 + r % 32) >> UInt8(2 * (r / 32))) & 3
                y[e] = scale * Float(Int(low | high << 4) - 32)
            }
        }
    }
}
