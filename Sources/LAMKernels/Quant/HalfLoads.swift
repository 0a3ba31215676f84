/// Reads of the little-endian f16 scales inside quant blocks.
extension UnsafeRawPointer {
    @inline(__always)
    func loadHalf(at offset: Int) -> Float {
        Float(Float16(bitPattern: loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
