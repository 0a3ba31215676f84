/// A GGUF file (versions 2 and 3), memory-mapped. Metadata and tensor infos are parsed and validated up front;
/// tensor data stays in the mapping and is handed out as zero-copy views.
///
/// Every count, length, dimension and offset read from the file is checked before use, so a damaged or
/// hostile file yields a `ModelFileError` naming the problem and its byte offset, never a crash or a hang.
public final class GGUFFile: Sendable {
    public static let magic: [UInt8] = Array("GGUF".utf8)
    public static let supportedVersions: ClosedRange<UInt32> = 2...3
    public static let defaultAlignment = 32
    /// ggml tensors have at most four dimensions.
    public static let maxDimensions: UInt32 = 4
    /// Arrays of arrays deeper than this are refused (real files use none; the limit keeps recursion bounded).
    public static let maxArrayNesting = 8

    public let file: MappedFile
    public let version: UInt32
    public let alignment: Int
    public let metadata: GGUFMetadata
    public let tensors: [GGUFTensorInfo]
    /// Absolute offset of the data section (tensor offsets in the file are relative to it).
    public let dataOffset: Int
    private let tensorIndex: [String: Int]

    public var fileSize: Int { file.size }
    public var path: String { file.path }

    public convenience init(path: String) throws(ModelFileError) {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws(ModelFileError) {
        self.file = file
        var cursor = ByteCursor(file.bytes)
        let header = try Self.readHeader(&cursor)
        version = header.version
        let (metadata, valueOffsets) = try Self.readMetadata(&cursor, count: header.keyValueCount)
        self.metadata = metadata
        alignment = try Self.alignment(in: metadata, at: valueOffsets["general.alignment"] ?? 0)
        let infos = try Self.readTensorInfos(&cursor, count: header.tensorCount)
        dataOffset = try Self.align(cursor.offset, to: alignment, at: cursor.offset)
        tensors = try Self.place(infos, dataOffset: dataOffset, alignment: alignment, fileSize: file.size)
        tensorIndex = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor's bytes: a view into the mapping, valid while this object is alive.
    public func bytes(of info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[info.offset..<(info.offset + info.byteCount)])
    }

    // MARK: - Header

    private static func readHeader(_ cursor: inout ByteCursor) throws(ModelFileError)
        -> (version: UInt32, tensorCount: Int, keyValueCount: Int)
    {
        let found = Array(try cursor.readBytes(4, "magic"))
        guard found == magic else { throw .badMagic(found: found, offset: 0) }
        let version = try cursor.read(UInt32.self, "version")
        guard supportedVersions.contains(version) else { throw .unsupportedVersion(version, offset: 4) }
        let tensorCountOffset = cursor.offset
        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let keyValueCountOffset = cursor.offset
        let keyValueCount = try cursor.read(UInt64.self, "metadata key/value count")
        // Smallest possible records: a tensor info is name length + dims count + type + offset (24 bytes),
        // a key/value is key length + type + a one-byte value (13 bytes).
        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw .absurdCount(what: "tensor count", count: tensorCount, offset: tensorCountOffset)
        }
        guard keyValueCount <= UInt64(cursor.remaining / 13) else {
            throw .absurdCount(what: "metadata key/value count", count: keyValueCount, offset: keyValueCountOffset)
        }
        return (version, Int(tensorCount), Int(keyValueCount))
    }

    // MARK: - Metadata

    /// The metadata, and the offset of each key's value type (for errors found later).
    private static func readMetadata(_ cursor: inout ByteCursor, count: Int) throws(ModelFileError)
        -> (GGUFMetadata, [String: Int])
    {
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        var valueOffsets: [String: Int] = [:]
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
        for index in 0..<count {
            let keyOffset = cursor.offset
            let key = try cursor.readGGUFString("metadata key #\(index)")
            let typeOffset = cursor.offset
            let rawType = try cursor.read(UInt32.self, "type of '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .unknownValueType(rawType, key: key, offset: typeOffset)
            }
            let value = try readValue(&cursor, type: type, key: key, depth: 0)
            guard values.updateValue(value, forKey: key) == nil else { throw .duplicateKey(key, offset: keyOffset) }
            keys.append(key)
            valueOffsets[key] = typeOffset
        }
        return (GGUFMetadata(keys: keys, values: values), valueOffsets)
    }

    private static func readValue(_ cursor: inout ByteCursor, type: GGUFValueType, key: String, depth: Int)
        throws(ModelFileError) -> GGUFValue
    {
        let what = "value of '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, what))
        case .int8: return .int8(try cursor.read(Int8.self, what))
        case .uint16: return .uint16(try cursor.read(UInt16.self, what))
        case .int16: return .int16(try cursor.read(Int16.self, what))
        case .uint32: return .uint32(try cursor.read(UInt32.self, what))
        case .int32: return .int32(try cursor.read(Int32.self, what))
        case .uint64: return .uint64(try cursor.read(UInt64.self, what))
        case .int64: return .int64(try cursor.read(Int64.self, what))
        case .float32: return .float32(try cursor.readFloat32(what))
        case .float64: return .float64(try cursor.readFloat64(what))
        case .bool: return .bool(try cursor.read(UInt8.self, what) != 0)
        case .string: return .string(try cursor.readGGUFString(what))
        case .array: return .array(try readArray(&cursor, key: key, depth: depth + 1))
        }
    }

    private static func readArray(_ cursor: inout ByteCursor, key: String, depth: Int) throws(ModelFileError) -> GGUFArray {
        let start = cursor.offset
        guard depth <= maxArrayNesting else { throw .nestingTooDeep(key: key, offset: start) }
        let rawType = try cursor.read(UInt32.self, "array element type of '\(key)'")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .unknownValueType(rawType, key: key, offset: start)
        }
        let countOffset = cursor.offset
        let rawCount = try cursor.read(UInt64.self, "array length of '\(key)'")
        guard rawCount <= UInt64(cursor.remaining / minimumEncodedSize(of: type)) else {
            throw .absurdCount(what: "array length of '\(key)'", count: rawCount, offset: countOffset)
        }
        let count = Int(rawCount)
        let what = "array '\(key)'"
        switch type {
        case .uint8: return .uint8(try readNumbers(&cursor, count, what))
        case .int8: return .int8(try readNumbers(&cursor, count, what))
        case .uint16: return .uint16(try readNumbers(&cursor, count, what))
        case .int16: return .int16(try readNumbers(&cursor, count, what))
        case .uint32: return .uint32(try readNumbers(&cursor, count, what))
        case .int32: return .int32(try readNumbers(&cursor, count, what))
        case .uint64: return .uint64(try readNumbers(&cursor, count, what))
        case .int64: return .int64(try readNumbers(&cursor, count, what))
        case .float32: return .float32(try readNumbers(&cursor, count, what, as: UInt32.self).map(Float.init(bitPattern:)))
        case .float64: return .float64(try readNumbers(&cursor, count, what, as: UInt64.self).map(Double.init(bitPattern:)))
        case .bool: return .bool(try readNumbers(&cursor, count, what, as: UInt8.self).map { $0 != 0 })
        case .string:
            var strings: [String] = []
            strings.reserveCapacity(count)
            for _ in 0..<count { strings.append(try cursor.readGGUFString("element of " + what)) }
            return .string(strings)
        case .array:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(count)
            for _ in 0..<count { arrays.append(try readArray(&cursor, key: key, depth: depth + 1)) }
            return .array(arrays)
        }
    }

    private static func readNumbers<T: FixedWidthInteger>(
        _ cursor: inout ByteCursor, _ count: Int, _ what: String, as _: T.Type = T.self
    ) throws(ModelFileError) -> [T] {
        let raw = try cursor.readBytes(count * MemoryLayout<T>.size, what)  // count was bounded by the caller
        return (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }

    /// The fewest bytes one element of this type can take, used to reject impossible counts before allocating.
    private static func minimumEncodedSize(of type: GGUFValueType) -> Int {
        switch type {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }

    private static func alignment(in metadata: GGUFMetadata, at offset: Int) throws(ModelFileError) -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case .uint32(let raw) = value else {
            throw .invalidAlignment("must be a uint32, found \(value.type)", offset: offset)
        }
        guard raw != 0, raw & (raw - 1) == 0 else { throw .invalidAlignment("\(raw) is not a power of two", offset: offset) }
        return Int(raw)
    }

    // MARK: - Tensor infos

    /// A tensor info as stored, before its data offset is placed in the file.
    private struct RawTensorInfo {
        let name: String
        let shape: [Int]
        let type: GGMLType
        let byteCount: Int
        let relativeOffset: UInt64
        let offsetFieldOffset: Int
    }

    private static func readTensorInfos(_ cursor: inout ByteCursor, count: Int) throws(ModelFileError) -> [RawTensorInfo] {
        var infos: [RawTensorInfo] = []
        infos.reserveCapacity(count)
        var seen = Set<String>()
        for index in 0..<count {
            let nameOffset = cursor.offset
            let name = try cursor.readGGUFString("name of tensor #\(index)")
            guard seen.insert(name).inserted else { throw .duplicateTensor(name, offset: nameOffset) }
            let dimsOffset = cursor.offset
            let dimensionCount = try cursor.read(UInt32.self, "dimension count of '\(name)'")
            guard dimensionCount <= maxDimensions else {
                throw .tooManyDimensions(tensor: name, count: dimensionCount, offset: dimsOffset)
            }
            var shape: [Int] = []
            var elementCount = 1
            for _ in 0..<dimensionCount {
                let dimOffset = cursor.offset
                let dim = try cursor.read(UInt64.self, "dimension of '\(name)'")
                guard dim <= UInt64(Int64.max) else { throw .invalidDimension(tensor: name, dimension: dim, offset: dimOffset) }
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: Int(dim))
                guard !overflow else { throw .dimensionOverflow(tensor: name, offset: dimOffset) }
                elementCount = product
                shape.append(Int(dim))
            }
            let typeOffset = cursor.offset
            let rawType = try cursor.read(UInt32.self, "type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(rawType, tensor: name, offset: typeOffset)
            }
            let rowLength = shape.first ?? 1
            guard rowLength % type.blockElements == 0 else {
                throw .rowNotBlockAligned(tensor: name, rowLength: rowLength, blockElements: type.blockElements, offset: dimsOffset)
            }
            let (byteCount, overflow) = (elementCount / type.blockElements).multipliedReportingOverflow(by: type.blockBytes)
            guard !overflow else { throw .dimensionOverflow(tensor: name, offset: dimsOffset) }
            let offsetFieldOffset = cursor.offset
            let relativeOffset = try cursor.read(UInt64.self, "data offset of '\(name)'")
            infos.append(RawTensorInfo(name: name, shape: shape, type: type, byteCount: byteCount,
                                       relativeOffset: relativeOffset, offsetFieldOffset: offsetFieldOffset))
        }
        return infos
    }

    private static func align(_ offset: Int, to alignment: Int, at fieldOffset: Int) throws(ModelFileError) -> Int {
        let remainder = offset % alignment
        guard remainder != 0 else { return offset }
        let (aligned, overflow) = offset.addingReportingOverflow(alignment - remainder)
        guard !overflow else { throw .absurdCount(what: "offset", count: UInt64(offset), offset: fieldOffset) }
        return aligned
    }

    /// Turns relative data offsets into absolute ones, checking alignment, bounds and overlap.
    private static func place(_ infos: [RawTensorInfo], dataOffset: Int, alignment: Int, fileSize: Int)
        throws(ModelFileError) -> [GGUFTensorInfo]
    {
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            guard info.relativeOffset % UInt64(alignment) == 0 else {
                throw .misalignedTensorData(tensor: info.name, dataOffset: Int(clamping: info.relativeOffset),
                                            alignment: alignment, offset: info.offsetFieldOffset)
            }
            guard info.relativeOffset <= UInt64(Int.max - dataOffset) else {
                throw .tensorDataPastEnd(tensor: info.name, dataOffset: Int.max, dataEnd: Int.max, fileSize: fileSize)
            }
            let start = dataOffset + Int(info.relativeOffset)
            let (end, overflow) = start.addingReportingOverflow(info.byteCount)
            guard !overflow, end <= fileSize else {
                throw .tensorDataPastEnd(tensor: info.name, dataOffset: start, dataEnd: overflow ? Int.max : end,
                                         fileSize: fileSize)
            }
            tensors.append(GGUFTensorInfo(name: info.name, shape: info.shape, type: info.type, offset: start,
                                          byteCount: info.byteCount))
        }
        let byStart = tensors.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(byStart, byStart.dropFirst()) where next.offset < previous.offset + previous.byteCount {
            throw .overlappingTensors(previous.name, next.name, offset: next.offset)
        }
        return tensors
    }
}
