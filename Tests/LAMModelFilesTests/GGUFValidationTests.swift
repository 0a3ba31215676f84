import Foundation
import LAMModelFiles
import LAMTestSupport
import Testing

/// Crafted files: one valid file with every value type, then one file per validation failure, each checked
/// for the exact error and byte offset.
@Suite struct GGUFValidationTests {
    /// A valid file: every metadata type, a nested array, custom alignment, two tensors.
    static func validBuilder() -> GGUFBuilder {
        var b = GGUFBuilder()
        b.alignment = 64
        b.metadata = [
            ("general.architecture", .string("llama")),
            ("general.alignment", .uint32(64)),
            ("u8", .uint8(200)), ("i8", .int8(-5)), ("u16", .uint16(60000)), ("i16", .int16(-300)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-7)), ("u64", .uint64(UInt64.max)), ("i64", .int64(-9)),
            ("f32", .float32(0.5)), ("f64", .float64(-2.25)), ("yes", .bool(true)), ("no", .bool(false)),
            ("words", .array(.string(["a", "β", ""]))),
            ("ints", .array(.int32([1, -2, 3]))),
            ("scores", .array(.float32([0.25, -1]))),
            ("nested", .array(.array([.uint8([1, 2]), .uint8([])]))),
        ]
        b.tensors = [
            .init(name: "a", shape: [64, 2], type: GGMLType.q8_0.rawValue, offset: 0),  // 2 rows × 2 blocks × 34 = 136
            .init(name: "b", shape: [3], type: GGMLType.f32.rawValue, offset: 192),
        ]
        b.dataSize = 192 + 12
        return b
    }

    @Test func readsEveryValueTypeAndTensor() throws {
        var b = Self.validBuilder()
        let file = try GGUFFile(bytes: b.build())
        #expect(file.version == 3)
        #expect(file.alignment == 64)
        #expect(file.dataOffset == b.offsets["data"])
        #expect(file.metadata.keys == b.metadata.map(\.key))
        for (key, value) in b.metadata { #expect(file.metadata[key] == value, "\(key)") }
        #expect(file.metadata.integer("u64") == nil)  // does not fit in Int
        #expect(file.metadata.float("u64") == Double(UInt64.max))
        #expect(file.metadata.integer("i8") == -5)
        #expect(file.metadata.bool("yes") == true)
        #expect(file.metadata.integer("yes") == nil)
        #expect(file.metadata.stringArray("words") == ["a", "β", ""])
        #expect(file.metadata.integerArray("ints") == [1, -2, 3])
        #expect(file.metadata.floatArray("scores") == [0.25, -1])
        #expect(file.metadata.floatArray("ints") == [1, -2, 3])

        let a = try #require(file.tensor(named: "a"))
        #expect(a.shape == [64, 2] && a.type == .q8_0 && a.elementCount == 128 && a.byteCount == 136)
        #expect(a.offset == file.dataOffset)
        let bTensor = try #require(file.tensor(named: "b"))
        #expect(bTensor.offset == file.dataOffset + 192 && bTensor.byteCount == 12)
        let view = file.bytes(of: bTensor)
        let bytes = b.build()
        #expect(Array(view) == Array(bytes[bTensor.offset..<(bTensor.offset + 12)]))
    }

    @Test func readsVersion2AndAFileWithoutTensors() throws {
        var b = GGUFBuilder()
        b.version = 2
        b.metadata = [("general.name", .string("x"))]
        let file = try GGUFFile(bytes: b.build())
        #expect(file.version == 2 && file.tensors.isEmpty && file.metadata.string("general.name") == "x")
    }

    @Test func readsARealFileFromDisk() throws {
        var b = Self.validBuilder()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlam-\(UUID()).gguf")
        try Data(b.build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try GGUFFile(path: url.path)
        #expect(file.tensors.count == 2 && file.path == url.path)
    }

    @Test func missingFileCannotBeOpened() {
        #expect(throws: ModelFileError.cannotOpen(path: "/nonexistent/x.gguf", reason: "No such file or directory")) {
            try GGUFFile(path: "/nonexistent/x.gguf")
        }
    }

    @Test func badMagic() {
        var b = GGUFBuilder()
        b.magic = Array("GGML".utf8)
        #expect(throws: ModelFileError.badMagic(found: Array("GGML".utf8), offset: 0)) { try GGUFFile(bytes: b.build()) }
    }

    @Test func unsupportedVersion() {
        for version: UInt32 in [0, 1, 4, 0x0300_0000] {
            var b = GGUFBuilder()
            b.version = version
            #expect(throws: ModelFileError.unsupportedVersion(version, offset: 4)) { try GGUFFile(bytes: b.build()) }
        }
    }

    @Test func truncatedAnywhere() throws {
        var b = Self.validBuilder()
        let bytes = b.build()
        let headerEnd = try #require(b.offsets["data"])
        // Cutting the header anywhere is a truncation error at or before the cut (or, when a count read before
        // the cut no longer fits in what is left, an absurd count); cutting tensor data is a tensor-past-end error.
        for cut in 0..<bytes.count {
            do {
                _ = try GGUFFile(bytes: Array(bytes[..<cut]))
                Issue.record("file cut at \(cut) was accepted")
            } catch let error {
                switch error {
                case .truncated(_, _, let offset, let size):
                    #expect(size == cut && offset <= cut)
                case .absurdCount(_, _, let offset):
                    #expect(offset < cut)
                case .tensorDataPastEnd(_, _, let end, let size):
                    #expect(cut > headerEnd - 64 && end > size)
                default:
                    Issue.record("file cut at \(cut): unexpected \(error)")
                }
            }
        }
    }

    @Test func absurdCounts() {
        var tensors = GGUFBuilder()
        tensors.tensorCountOverride = 1 << 40
        #expect(throws: ModelFileError.absurdCount(what: "tensor count", count: 1 << 40, offset: 8)) {
            try GGUFFile(bytes: tensors.build())
        }
        var keys = GGUFBuilder()
        keys.keyValueCountOverride = UInt64.max
        #expect(throws: ModelFileError.absurdCount(what: "metadata key/value count", count: UInt64.max, offset: 16)) {
            try GGUFFile(bytes: keys.build())
        }

        var array = GGUFBuilder()
        array.metadata = [("list", .array(.uint32([1, 2])))]
        var bytes = array.build()
        let countOffset = array.offsets["kv.0.value"]! + 4
        patch(&bytes, at: countOffset, UInt64(1) << 61)
        #expect(throws: ModelFileError.absurdCount(what: "array length of 'list'", count: 1 << 61, offset: countOffset)) {
            try GGUFFile(bytes: bytes)
        }

        var string = GGUFBuilder()
        string.metadata = [("s", .string("hello"))]
        bytes = string.build()
        let lengthOffset = string.offsets["kv.0.value"]!
        patch(&bytes, at: lengthOffset, UInt64.max - 3)
        #expect(throws: ModelFileError.absurdCount(what: "length of value of 's'", count: UInt64.max - 3, offset: lengthOffset)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func unknownValueType() {
        var b = GGUFBuilder()
        b.metadata = [("k", .uint8(1))]
        var bytes = b.build()
        patch(&bytes, at: b.offsets["kv.0.type"]!, UInt32(13))
        #expect(throws: ModelFileError.unknownValueType(13, key: "k", offset: b.offsets["kv.0.type"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func invalidUTF8Key() {
        var b = GGUFBuilder()
        b.metadata = [("ab", .uint8(1))]
        var bytes = b.build()
        bytes[b.offsets["kv.0.key"]! + 9] = 0xFF
        #expect(throws: ModelFileError.invalidUTF8(what: "metadata key #0", offset: b.offsets["kv.0.key"]! + 8)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func duplicateKey() {
        var b = GGUFBuilder()
        b.metadata = [("k", .uint8(1)), ("k", .uint8(2))]
        let bytes = b.build()
        #expect(throws: ModelFileError.duplicateKey("k", offset: b.offsets["kv.1.key"]!)) { try GGUFFile(bytes: bytes) }
    }

    @Test func nestingTooDeep() {
        var value = GGUFArray.uint8([1])
        for _ in 0..<GGUFFile.maxArrayNesting { value = .array([value]) }
        var b = GGUFBuilder()
        b.metadata = [("deep", .array(value))]
        let bytes = b.build()
        let deepest = b.offsets["kv.0.value"]! + 12 * GGUFFile.maxArrayNesting
        #expect(throws: ModelFileError.nestingTooDeep(key: "deep", offset: deepest)) { try GGUFFile(bytes: bytes) }
    }

    @Test func invalidAlignment() {
        var b = GGUFBuilder()
        b.metadata = [("general.alignment", .uint32(48))]
        var bytes = b.build()
        #expect(throws: ModelFileError.invalidAlignment("48 is not a power of two", offset: b.offsets["kv.0.type"]!)) {
            try GGUFFile(bytes: bytes)
        }
        b.metadata = [("general.alignment", .uint64(32))]
        bytes = b.build()
        #expect(throws: ModelFileError.invalidAlignment("must be a uint32, found uint64", offset: b.offsets["kv.0.type"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    private func oneTensor(shape: [UInt64], type: GGMLType = .f32, offset: UInt64 = 0, dataSize: Int = 64)
        -> GGUFBuilder
    {
        var b = GGUFBuilder()
        b.tensors = [.init(name: "t", shape: shape, type: type.rawValue, offset: offset)]
        b.dataSize = dataSize
        return b
    }

    @Test func tooManyDimensions() {
        var b = oneTensor(shape: [1, 1, 1, 1, 1])
        let bytes = b.build()
        #expect(throws: ModelFileError.tooManyDimensions(tensor: "t", count: 5, offset: b.offsets["tensor.0.dims"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func dimensionProductOverflows() {
        var b = oneTensor(shape: [1 << 32, 1 << 32])
        var bytes = b.build()
        #expect(throws: ModelFileError.dimensionOverflow(tensor: "t", offset: b.offsets["tensor.0.dim.1"]!)) {
            try GGUFFile(bytes: bytes)
        }
        b = oneTensor(shape: [UInt64.max])
        bytes = b.build()
        #expect(throws: ModelFileError.invalidDimension(tensor: "t", dimension: UInt64.max, offset: b.offsets["tensor.0.dim.0"]!)) {
            try GGUFFile(bytes: bytes)
        }
        // Elements fit, bytes do not: 2^62 f32 elements need 2^64 bytes.
        b = oneTensor(shape: [1 << 31, 1 << 31])
        bytes = b.build()
        #expect(throws: ModelFileError.dimensionOverflow(tensor: "t", offset: b.offsets["tensor.0.dims"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func unknownTensorType() {
        var b = GGUFBuilder()
        b.tensors = [.init(name: "t", shape: [32], type: 4, offset: 0)]  // 4 was Q4_2, retired
        let bytes = b.build()
        #expect(throws: ModelFileError.unknownTensorType(4, tensor: "t", offset: b.offsets["tensor.0.type"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func rowNotWholeBlocks() {
        var b = oneTensor(shape: [33, 2], type: .q4_0)
        let bytes = b.build()
        #expect(throws: ModelFileError.rowNotBlockAligned(tensor: "t", rowLength: 33, blockElements: 32, offset: b.offsets["tensor.0.dims"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func misalignedTensorData() {
        var b = oneTensor(shape: [4], offset: 4)
        let bytes = b.build()
        #expect(throws: ModelFileError.misalignedTensorData(tensor: "t", dataOffset: 4, alignment: 32, offset: b.offsets["tensor.0.offset"]!)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func tensorDataPastEndOfFile() {
        var b = oneTensor(shape: [32], dataSize: 100)  // needs 128 bytes
        var bytes = b.build()
        let start = b.offsets["data"]!
        #expect(throws: ModelFileError.tensorDataPastEnd(tensor: "t", dataOffset: start, dataEnd: start + 128, fileSize: start + 100)) {
            try GGUFFile(bytes: bytes)
        }
        b = oneTensor(shape: [1], offset: UInt64(Int.max) - 31)
        bytes = b.build()
        #expect(throws: ModelFileError.self) { try GGUFFile(bytes: bytes) }
    }

    @Test func overlappingTensors() {
        var b = GGUFBuilder()
        b.tensors = [
            .init(name: "x", shape: [16], type: GGMLType.f32.rawValue, offset: 0),  // [0, 64)
            .init(name: "y", shape: [8], type: GGMLType.f32.rawValue, offset: 32),  // [32, 64)
        ]
        b.dataSize = 64
        let bytes = b.build()
        #expect(throws: ModelFileError.overlappingTensors("x", "y", offset: b.offsets["data"]! + 32)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func duplicateTensorName() {
        var b = GGUFBuilder()
        b.tensors = [
            .init(name: "x", shape: [8], type: GGMLType.f32.rawValue, offset: 0),
            .init(name: "x", shape: [8], type: GGMLType.f32.rawValue, offset: 32),
        ]
        b.dataSize = 64
        let bytes = b.build()
        #expect(throws: ModelFileError.duplicateTensor("x", offset: b.offsets["tensor.1.name"]!)) { try GGUFFile(bytes: bytes) }
    }

    @Test func errorsDescribeProblemAndOffset() {
        let error = ModelFileError.overlappingTensors("x", "y", offset: 96)
        #expect(error.description == "tensors 'x' and 'y' overlap (at byte 96)")
        #expect(error.offset == 96)
    }

    @Test func sha256KnownAnswer() {
        // FIPS 180-2 appendix B.1 test vector, checks the helper the golden comparison relies on.
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
