import LAMModelFiles

/// Q4_K: 256 weights per super-block in 8 sub-blocks of 32; w = d · scale · q − dmin · min, q 4-bit unsigned,
/// each sub-block's scale and min 6-bit unsigned.
///
/// Block layout (144 bytes):
///   0   d       f16   super-block scale for the scales
///   2   dmin    f16   super-block scale for the mins
///   4   scales  12 B  8 packed 6-bit (scale, min) pairs, see `scaleAndMin`
///   16  qs      128 B four chunks of 32 bytes; sub-block 2c is the low nibbles of chunk c, 2c + 1 the high ones
public enum Q4_K: QuantFormat {
    public static let type = GGMLType.q4_K
    public enum Offset {
        public static let d = 0
        public static let dmin = 2
        public static let scales = 4
        public static let qs = 16
    }

    /// Sub-block `sub`'s 6-bit scale and min from the 12 packed bytes at `scales` (shared with Q5_K):
    /// bytes 0–3 hold scales 0–3 (low 6 bits) and the top 2 bits of scales 4–7; bytes 4–7 the same for the
    /// mins; bytes 8–11 the low 4 bits of scale 4–7 (low nibble) and min 4–7 (high nibble).
    @inlinable
    public static func scaleAndMin(_ scales: UnsafeRawPointer, _ sub: Int) -> (scale: UInt8, min: UInt8) {
        if sub < 4 {
            return (scales.loadByte(at: sub) & 63, scales.loadByte(at: sub + 4) & 63)
        }
        let packed = scales.loadByte(at: sub + 4)
        let scale = (packed & 0x0F) | (scales.loadByte(at: sub - 4) >> 6) << 4
        let min = (packed >> 4) | (scales.loadByte(at: sub) >> 6) << 4
        return (scale, min)
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = block.loadF16(at: Offset.d)
        let dmin = block.loadF16(at: Offset.dmin)
        for sub in 0..<8 {
            let (packedScale, packedMin) = scaleAndMin(block + Offset.scales, sub)
            let scale = d * Float(packedScale)
            let min = dmin * Float(packedMin)
            let chunk = Offset.qs + (sub / 2) * 32
            let shift = UInt8(4 * (sub % 2))
            for b in 0..<32 {
                let q = (block.loadByte(at: chunk + b) >> shift) & 0x0F
                y[sub * 32 + b] = scale * Float(q) - min
            }
        }
    }
}
