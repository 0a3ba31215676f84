import LAMModelFiles

/// Writes small GGUF files byte by byte, so tests can craft valid files and break them in precise places.
/// `offsets` records where each named part landed (e.g. "kv.0.type", "tensor.1.dims"), for checking the byte
/// offsets errors report.
public struct GGUFBuilder {
    public struct Tensor {
        public var name: String
        public var shape: [UInt64]
        public var type: UInt32
        public var offset: UInt64

        public init(name: String, shape: [UInt64], type: UInt32, offset: UInt64) {
            self.name = name
            self.shape = shape
            self.type = type
            self.offset = offset
        }
    }

    public var magic: [UInt8] = Array("GGUF".utf8)
    public var version: UInt32 = 3
    public var metadata: [(key: String, value: GGUFValue)] = []
    public var tensors: [Tensor] = []
    public var alignment = 32
    /// Bytes of tensor data after the padded header.
    public var dataSize = 0
    public var tensorCountOverride: UInt64?
    public var keyValueCountOverride: UInt64?

    public private(set) var offsets: [String: Int] = [:]

    public init() {}

    public mutating func build() -> [UInt8] {
        var out: [UInt8] = magic
        append(version, to: &out)
        append(tensorCountOverride ?? UInt64(tensors.count), to: &out)
        append(keyValueCountOverride ?? UInt64(metadata.count), to: &out)
        for (index, entry) in metadata.enumerated() {
            offsets["kv.\(index).key"] = out.count
            appendString(entry.key, to: &out)
            offsets["kv.\(index).type"] = out.count
            append(entry.value.type.rawValue, to: &out)
            offsets["kv.\(index).value"] = out.count
            appendValue(entry.value, to: &out)
        }
        for (index, tensor) in tensors.enumerated() {
            offsets["tensor.\(index).name"] = out.count
            appendString(tensor.name, to: &out)
            offsets["tensor.\(index).dims"] = out.count
            append(UInt32(tensor.shape.count), to: &out)
            for (d, dim) in tensor.shape.enumerated() {
                offsets["tensor.\(index).dim.\(d)"] = out.count
                append(dim, to: &out)
            }
            offsets["tensor.\(index).type"] = out.count
            append(tensor.type, to: &out)
            offsets["tensor.\(index).offset"] = out.count
            append(tensor.offset, to: &out)
        }
        while out.count % alignment != 0 { out.append(0) }
        offsets["data"] = out.count
        out += (0..<dataSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        return out
    }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private func appendString(_ s: String, to out: inout [UInt8]) {
        append(UInt64(s.utf8.count), to: &out)
        out += s.utf8
    }

    private func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let s): appendString(s, to: &out)
        case .array(let a): appendArray(a, to: &out)
        }
    }

    private func appendArray(_ array: GGUFArray, to out: inout [UInt8]) {
        append(array.elementType.rawValue, to: &out)
        append(UInt64(array.count), to: &out)
        for i in 0..<array.count { appendValue(array[i], to: &out) }
    }
}

extension GGUFFile {
    /// Parses bytes held in memory.
    public convenience init(bytes: [UInt8]) throws(ModelFileError) {
        try self.init(file: MappedFile(copying: bytes, name: "crafted.gguf"))
    }
}

/// Patches a little-endian integer into `bytes` at `offset`.
public func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { raw in
        for (i, b) in raw.enumerated() { bytes[offset + i] = b }
    }
}
