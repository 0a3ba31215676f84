import LAMModelFiles

/// Q3_K: 256 weights per super-block in 16 sub-blocks of 16; w = d · scale · q, q 3-bit signed (−4…3),
/// each sub-block's scale 6-bit signed (stored + 32).
///
/// Block layout (110 bytes):
///   0    hmask   32 B  weight 32k + b's high bit is bit k of byte b; when it is CLEAR, 4 is subtracted
///   32   qs      64 B  low 2 bits, as in Q2_K: weight 128h + 32k + b is bits 2k…2k+1 of byte 32h + b
///   96   scales  12 B  sub-block s's 6-bit scale: low 4 bits from the low (s < 8) or high (s ≥ 8) nibble of
///                      byte s mod 8, high 2 bits from bits 2(s / 4)… of byte 8 + s mod 4
///   108  d       f16   super-block scale
public enum Q3_K: QuantFormat {
    public static let type = GGMLType.q3_K
    public enum Offset {
        public static let hmask = 0
        public static let qs = 32
        public static let scales = 96
        public static let d = 108
    }

    /// Sub-block `sub`'s scale, −32…31.
    @inlinable
    public static func scale(_ block: UnsafeRawPointer, _ sub: Int) -> Int {
        let lowByte = block.loadByte(at: Offset.scales + sub % 8)
        let low = sub < 8 ? lowByte & 0x0F : lowByte >> 4
        let high = (block.loadByte(at: Offset.scales + 8 + sub % 4) >> UInt8(2 * (sub / 4))) & 3
        return Int(low | high << 4) - 32
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        for sub in 0..<16 {
            let scale = d * Float(scale(block, sub))
            for i in 0..<16 {
                let e = sub * 16 + i
                let (half, k, b) = (e / 128, (e % 128) / 32, e % 32)
                let low = Int((block.loadByte(at: Offset.qs + half * 32 + b) >> UInt8(2 * k)) & 3)
                let highSet = (block.loadByte(at: Offset.hmask + e % 32) >> UInt8(e / 32)) & 1 == 1
                y[e] = scale * Float(highSet ? low : low - 4)
            }
        }
    }
}
