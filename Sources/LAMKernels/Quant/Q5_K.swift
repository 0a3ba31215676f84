import LAMModelFiles

/// Q5_K: 256 weights per super-block in 8 sub-blocks of 32; w = d · scale · q − dmin · min, q 5-bit unsigned,
/// each sub-block's scale and min 6-bit unsigned (packed exactly as in Q4_K).
///
/// Block layout (176 bytes):
///   0   d       f16   super-block scale for the scales
///   2   dmin    f16   super-block scale for the mins
///   4   scales  12 B  8 packed 6-bit (scale, min) pairs, see `Q4_K.scaleAndMin`
///   16  qh      32 B  weight 32s + b's fifth bit is bit s of byte b
///   48  qs      128 B low 4 bits, laid out as Q4_K's qs
public enum Q5_K: QuantFormat {
    public static let type = GGMLType.q5_K
    public enum Offset {
        public static let d = 0
        public static let dmin = 2
        public static let scales = 4
        public static let qh = 16
        public static let qs = 48
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let dmin = block.loadF16(at: Offset.dmin)
        for sub in 0..<8 {
            let (packedScale, packedMin) = Q4_K.scaleAndMin(block + Offset.scales, sub)
            let scale = d * Float(packedScale)
            let min = dmin * Float(packedMin)
            let chunk = Offset.qs + (sub / 2) * 32
            let shift = UInt8(4 * (sub % 2))
            for b in 0..<32 {
                let low = (block.loadByte(at: chunk + b) >> shift) & 0x0F
                let high = (block.loadByte(at: Offset.qh + b) >> UInt8(sub)) & 1
                y[sub * 32 + b] = scale * Float(low | high << 4) - min
            }
        }
    }
}
