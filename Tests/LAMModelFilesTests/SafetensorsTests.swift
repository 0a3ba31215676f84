import Foundation
import LAMModelFiles
import Testing

/// Writes small safetensors files: the 8-byte header length, the JSON header, then `dataSize` bytes.
struct SafetensorsBuilder {
    /// (name, dtype, shape, begin, end)
    var tensors: [(String, String, [Int], Int, Int)]
    var dataSize: Int
    var metadata: [String: String] = [:]
    var rawHeader: String?

    var header: String {
        if let rawHeader { return rawHeader }
        var entries = tensors.map { name, dtype, shape, begin, end in
            "\"\(name)\": {\"dtype\": \"\(dtype)\", \"shape\": \(shape), \"data_offsets\": [\(begin), \(end)]}"
        }
        if !metadata.isEmpty {
            entries.append("\"__metadata__\": {" + metadata.map { "\"\($0)\": \"\($1)\"" }.joined(separator: ", ") + "}")
        }
        return "{" + entries.joined(separator: ", ") + "}"
    }

    func build() -> [UInt8] {
        let json = Array(header.utf8)
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json + (0..<dataSize).map { UInt8(truncatingIfNeeded: $0 * 13) }
    }
}

extension SafetensorsFile {
    convenience init(bytes: [UInt8]) throws(ModelFileError) {
        try self.init(file: MappedFile(copying: bytes, name: "crafted.safetensors"))
    }
}

@Suite struct SafetensorsTests {
    @Test func readsTensorsAndMetadata() throws {
        var b = SafetensorsBuilder(tensors: [("w", "BF16", [2, 3], 8, 20), ("n", "F32", [2], 0, 8)], dataSize: 20)
        b.metadata = ["format": "pt"]
        let bytes = b.build()
        let file = try SafetensorsFile(bytes: bytes)
        let dataStart = bytes.count - 20
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.map(\.name) == ["n", "w"])  // data order
        let w = try #require(file.tensor(named: "w"))
        #expect(w.dtype == .bf16 && w.shape == [2, 3] && w.offset == dataStart + 8 && w.byteCount == 12 && w.elementCount == 6)
        #expect(Array(file.bytes(of: w)) == Array(bytes[(dataStart + 8)...]))
        #expect(try SafetensorsFile(bytes: SafetensorsBuilder(tensors: [], dataSize: 0).build()).tensors.isEmpty)
    }

    @Test func scalarAndEmptyTensors() throws {
        let file = try SafetensorsFile(bytes: SafetensorsBuilder(tensors: [("s", "F32", [], 0, 4), ("e", "F16", [0, 3], 4, 4)], dataSize: 4).build())
        #expect(file.tensor(named: "s")?.elementCount == 1 && file.tensor(named: "e")?.byteCount == 0)
    }

    @Test func truncatedOrAbsurdHeader() {
        #expect(throws: ModelFileError.truncated(what: "safetensors header length", needed: 8, offset: 0, fileSize: 3)) {
            try SafetensorsFile(bytes: [1, 2, 3])
        }
        var bytes = SafetensorsBuilder(tensors: [], dataSize: 0).build()
        bytes[7] = 0x40
        #expect(throws: ModelFileError.absurdCount(what: "safetensors header length", count: 0x4000_0000_0000_0002, offset: 0)) {
            try SafetensorsFile(bytes: bytes)
        }
    }

    @Test func malformedHeaders() {
        for header in ["[1, 2]", "{", "{\"a\": 1}", "{\"a\": {\"dtype\": \"F32\"}}", "{\"a\": {\"dtype\": 5, \"shape\": [], \"data_offsets\": [0, 4]}}",
                       "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
                       "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
                       "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}",
                       "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}",
                       "{\"__metadata__\": {\"x\": 1}}", "{\"a\": null}", "\u{FF}"] {
            var b = SafetensorsBuilder(tensors: [], dataSize: 4)
            b.rawHeader = header
            do {
                _ = try SafetensorsFile(bytes: b.build())
                Issue.record("accepted header \(header)")
            } catch {
                switch error {
                case .invalidJSON(_, _, let offset): #expect(offset == 8, "header \(header)")
                case .missingConfigValue: break
                default: Issue.record("header \(header): unexpected \(error)")
                }
            }
        }
    }

    @Test func unknownDType() {
        let b = SafetensorsBuilder(tensors: [("a", "F4", [2], 0, 1)], dataSize: 1)
        #expect(throws: ModelFileError.unknownDType("F4", tensor: "a", offset: 8)) { try SafetensorsFile(bytes: b.build()) }
    }

    @Test func dataPastEndAndSizeMismatch() {
        var b = SafetensorsBuilder(tensors: [("a", "F32", [4], 0, 16)], dataSize: 12)
        var bytes = b.build()
        let start = bytes.count - 12
        #expect(throws: ModelFileError.tensorDataPastEnd(tensor: "a", dataOffset: start, dataEnd: start + 16, fileSize: bytes.count)) {
            try SafetensorsFile(bytes: bytes)
        }
        b = SafetensorsBuilder(tensors: [("a", "F32", [4], 0, 12)], dataSize: 12)
        bytes = b.build()
        #expect(throws: ModelFileError.tensorSizeMismatch(tensor: "a", expected: 16, actual: 12, offset: bytes.count - 12)) {
            try SafetensorsFile(bytes: bytes)
        }
        b = SafetensorsBuilder(tensors: [("a", "F32", [4], Int.max - 1, Int.max)], dataSize: 12)
        #expect(throws: ModelFileError.self) { try SafetensorsFile(bytes: b.build()) }
    }

    @Test func dimensionOverflow() {
        let b = SafetensorsBuilder(tensors: [("a", "F32", [1 << 40, 1 << 40], 0, 4)], dataSize: 4)
        #expect(throws: ModelFileError.dimensionOverflow(tensor: "a", offset: 8)) { try SafetensorsFile(bytes: b.build()) }
        let bytes = SafetensorsBuilder(tensors: [("a", "F64", [1 << 61], 0, 4)], dataSize: 4)
        #expect(throws: ModelFileError.dimensionOverflow(tensor: "a", offset: 8)) { try SafetensorsFile(bytes: bytes.build()) }
    }

    @Test func overlappingTensors() {
        let bytes = SafetensorsBuilder(tensors: [("a", "F32", [2], 0, 8), ("b", "F32", [2], 4, 12)], dataSize: 12).build()
        #expect(throws: ModelFileError.overlappingTensors("a", "b", offset: bytes.count - 12 + 4)) { try SafetensorsFile(bytes: bytes) }
    }
}
