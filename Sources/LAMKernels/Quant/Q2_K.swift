import LAMModelFiles

/// Q2_K: 256 weights per super-block in 16 sub-blocks of 16; w = d · scale · q − dmin · min, q 2-bit unsigned,
/// each sub-block's scale and min 4-bit unsigned.
///
/// Block layout (84 bytes):
///   0   scales  16 B  sub-block s: scale in the low nibble of byte s, min in the high nibble
///   16  qs      64 B  two halves of 32 bytes; weight 128h + 32k + b is bits 2k…2k+1 of byte 32h + b
///   80  d       f16   super-block scale for the scales
///   82  dmin    f16   super-block scale for the mins
public enum Q2_K: QuantFormat {
    public static let type = GGMLType.q2_K
    public enum Offset {
        public static let scales = 0
        public static let qs = 16
        public static let d = 80
        public static let dmin = 82
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let dmin = block.loadF16(at: Offset.dmin)
        for sub in 0..<16 {
            let packed = block.loadByte(at: Offset.scales + sub)
            let scale = d * Float(packed & 0x0F)
            let min = dmin * Float(packed >> 4)
            for i in 0..<16 {
                let e = sub * 16 + i
                let (half, k, b) = (e / 128, (e % 128) / 32, e % 32)
                let q = (block.loadByte(at: Offset.qs + half * 32 + b) >> UInt8(2 * k)) & 3
                y[e] = scale * Float(q) - min
            }
        }
    }
}
