import LAMModelFiles

/// Q8_K: 256 weights per block, w = d · q with q a signed byte. ggml uses it for quantized activations in
/// K-quant dot products, rarely for stored weights; the block-sums help those dot products.
///
/// Block layout (292 bytes):
///   0    d      f32        scale
///   4    qs     256 B      int8 weights, in order
///   260  bsums  16 × i16   sum of each group of 16 weights (not needed to dequantize)
public enum Q8_K: QuantFormat {
    public static let type = GGMLType.q8_K
    public enum Offset {
        public static let d = 0
        public static let qs = 4
        public static let bsums = 260
    }

    @inlinable
    public static func dequantize(block: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        let d = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Offset.d, as: UInt32.self)))
        for j in 0..<256 {
            y[j] = d * Float(Int8(bitPattern: block.loadByte(at: Offset.qs + j)))
        }
    }
}
