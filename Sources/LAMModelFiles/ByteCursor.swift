/// Reads little-endian values from a byte buffer, front to back, refusing to read past its end.
/// Every read is bounds-checked, so a hostile file can only produce a `ModelFileError`.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws `.truncated` unless `count` more bytes are available.
    func require(_ count: Int, for what: @autoclosure () -> String) throws(ModelFileError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(what: what(), needed: count, offset: offset, fileSize: bytes.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(ModelFileError) -> T {
        try require(MemoryLayout<T>.size, for: what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat32(_ what: @autoclosure () -> String) throws(ModelFileError) -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readFloat64(_ what: @autoclosure () -> String) throws(ModelFileError) -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(ModelFileError) -> UnsafeRawBufferPointer {
        try require(count, for: what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// A GGUF string: a UInt64 byte length, then that many bytes of UTF-8.
    mutating func readGGUFString(_ what: @autoclosure () -> String) throws(ModelFileError) -> String {
        let start = offset
        let length = try read(UInt64.self, "length of " + what())
        guard length <= UInt64(remaining) else { throw .absurdCount(what: "length of " + what(), count: length, offset: start) }
        let raw = try readBytes(Int(length), what())
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(what: what(), offset: start + 8) }
        return text
    }
}
