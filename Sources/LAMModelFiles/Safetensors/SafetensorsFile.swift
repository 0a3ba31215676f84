/// An element type a safetensors file can declare.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3", i16 = "I16", u16 = "U16"
    case f16 = "F16", bf16 = "BF16", i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// The ggml type with the same encoding, for the dtypes model weights use (F32, F16, BF16).
    public var ggmlType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        default: nil
        }
    }
}

/// One tensor of a safetensors file.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    /// Row-major (PyTorch) order: the last dimension is contiguous.
    public let shape: [Int]
    /// Absolute byte offset of the tensor's data in the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header describing each
/// tensor (dtype, shape, byte range), then the tensor data. Validated like `GGUFFile`: every problem is a
/// `ModelFileError`.
public final class SafetensorsFile: Sendable {
    /// The `safetensors` library refuses headers over 100 MB; so do we.
    public static let maxHeaderSize = 100_000_000
    public static let headerStart = 8

    public let file: MappedFile
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]
    /// Tensors in data order, as the Python `safetensors` package's `offset_keys()` lists them (its `keys()` sorts
    /// by name; neither follows the header, so the header's key order is not kept).
    public let tensors: [SafetensorsTensorInfo]
    private let tensorIndex: [String: Int]

    public var path: String { file.path }
    public var fileSize: Int { file.size }

    public convenience init(path: String) throws(ModelFileError) {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws(ModelFileError) {
        self.file = file
        var cursor = ByteCursor(file.bytes)
        let headerSize = try cursor.read(UInt64.self, "safetensors header length")
        guard headerSize <= UInt64(min(Self.maxHeaderSize, cursor.remaining)) else {
            throw .absurdCount(what: "safetensors header length", count: headerSize, offset: 0)
        }
        let header = try cursor.readBytes(Int(headerSize), "safetensors header")
        guard header.first == UInt8(ascii: "{") else {
            throw .invalidJSON(what: "safetensors header", reason: "must be a JSON object", offset: Self.headerStart)
        }
        let json = try JSONObject(JSONValue.parse(header, what: "safetensors header", offset: Self.headerStart),
                                  what: "safetensors header", offset: Self.headerStart)
        let dataStart = Self.headerStart + Int(headerSize)
        metadata = try Self.readMetadata(json)
        tensors = try Self.readTensors(json, dataStart: dataStart, fileSize: file.size)
        tensorIndex = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    public func tensor(named name: String) -> SafetensorsTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor's bytes: a view into the mapping, valid while this object is alive.
    public func bytes(of info: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[info.offset..<(info.offset + info.byteCount)])
    }

    private static func readMetadata(_ json: JSONObject) throws(ModelFileError) -> [String: String] {
        guard let metadata = try json.object("__metadata__") else { return [:] }
        var result: [String: String] = [:]
        for key in metadata.keys {
            guard let value = try metadata.string(key) else { continue }
            result[key] = value
        }
        return result
    }

    private static func readTensors(_ json: JSONObject, dataStart: Int, fileSize: Int) throws(ModelFileError)
        -> [SafetensorsTensorInfo]
    {
        let dataSize = fileSize - dataStart
        var tensors: [SafetensorsTensorInfo] = []
        for name in json.keys.sorted() where name != "__metadata__" {
            guard let entry = try json.object(name) else {
                throw .invalidJSON(what: "safetensors header", reason: "tensor '\(name)' is null", offset: headerStart)
            }
            let dtypeName = try entry.required("dtype", entry.string)
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw .unknownDType(dtypeName, tensor: name, offset: headerStart)
            }
            let shape = try readShape(entry, tensor: name)
            var elementCount = 1
            for dim in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw .dimensionOverflow(tensor: name, offset: headerStart) }
                elementCount = product
            }
            let (expected, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow else { throw .dimensionOverflow(tensor: name, offset: headerStart) }
            let (begin, end) = try readOffsets(entry, tensor: name)
            guard end <= dataSize else {
                // begin and end are beyond the file, so adding them to dataStart may overflow.
                throw .tensorDataPastEnd(tensor: name, dataOffset: saturatingAdd(dataStart, begin),
                                         dataEnd: saturatingAdd(dataStart, end), fileSize: fileSize)
            }
            guard end - begin == expected else {
                throw .tensorSizeMismatch(tensor: name, expected: expected, actual: end - begin, offset: dataStart + begin)
            }
            tensors.append(SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, offset: dataStart + begin,
                                                 byteCount: expected))
        }
        tensors.sort { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }
        for (previous, next) in zip(tensors, tensors.dropFirst())
        where next.byteCount > 0 && next.offset < previous.offset + previous.byteCount {
            throw .overlappingTensors(previous.name, next.name, offset: next.offset)
        }
        return tensors
    }

    private static func readShape(_ entry: JSONObject, tensor: String) throws(ModelFileError) -> [Int] {
        guard case .array(let items)? = entry.value("shape") else { throw entry.wrongType("shape", "an array") }
        var shape: [Int] = []
        for item in items {
            guard case .int(let dim) = item, dim >= 0 else {
                throw entry.wrongType("shape", "an array of non-negative integers")
            }
            shape.append(dim)
        }
        return shape
    }

    /// `data_offsets`: `[begin, end)` relative to the start of the data section.
    private static func readOffsets(_ entry: JSONObject, tensor: String) throws(ModelFileError) -> (Int, Int) {
        guard case .array(let items)? = entry.value("data_offsets"), items.count == 2,
              case .int(let begin) = items[0], case .int(let end) = items[1], begin >= 0, end >= begin
        else { throw entry.wrongType("data_offsets", "[begin, end] with 0 ≤ begin ≤ end") }
        return (begin, end)
    }
}

private func saturatingAdd(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
}
