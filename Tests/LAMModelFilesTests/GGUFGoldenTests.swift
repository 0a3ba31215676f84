import Foundation
import LAMModelFiles
import LAMTestSupport
import Testing

/// The reader agrees with the `gguf` Python package on every metadata key and tensor info of every test model
/// (golden files from scripts/golden/gguf_metadata.py).
@Suite struct GGUFGoldenTests {
    @Test(arguments: [
        (TestModel.qwen05b, "qwen05b"), (.qwen15b, "qwen15b"), (.smollm2, "smollm2"), (.gemma3, "gemma3"),
    ])
    func matchesPythonReader(model: TestModel, golden: String) throws {
        let expected = try GoldenGGUF.load(golden)
        let file = try GGUFFile(path: model.path())

        #expect(file.version == expected.version)
        #expect(file.alignment == expected.alignment)
        #expect(file.dataOffset == expected.data_offset)
        #expect(file.fileSize == expected.file_size)

        #expect(file.metadata.keys == expected.metadata.map(\.key))
        for entry in expected.metadata {
            let value = try #require(file.metadata[entry.key], "missing key \(entry.key)")
            #expect(GoldenGGUF.typeName(value.type) == entry.type, "type of \(entry.key)")
            switch value {
            case .array(let array):
                let items = GoldenGGUF.canonicalItems(array)
                #expect(GoldenGGUF.typeName(array.elementType) == entry.element_type, "element type of \(entry.key)")
                #expect(items.count == entry.length, "length of \(entry.key)")
                if let values = entry.values { #expect(items == values, "values of \(entry.key)") }
                if let sha = entry.sha256 { #expect(GoldenGGUF.digest(items) == sha, "digest of \(entry.key)") }
            default:
                #expect(GoldenGGUF.canonicalItem(value) == entry.value, "value of \(entry.key)")
            }
        }

        #expect(file.tensors.count == expected.tensors.count)
        for (tensor, want) in zip(file.tensors, expected.tensors) {
            #expect(tensor.name == want.name)
            #expect(tensor.shape == want.shape, "shape of \(want.name)")
            #expect(tensor.type.rawValue == want.type_id, "type of \(want.name)")
            #expect(tensor.type.name == want.type, "type name of \(want.name)")
            #expect(tensor.offset == want.offset, "offset of \(want.name)")
            #expect(tensor.byteCount == want.byte_count, "byte count of \(want.name)")
            #expect(file.tensor(named: want.name) == tensor)
            #expect(file.bytes(of: tensor).count == want.byte_count)
        }
    }

    @Test func typedAccessorsReadTheQwenHyperparameters() throws {
        let file = try GGUFFile(path: TestModel.qwen05b.path())
        let meta = file.metadata
        #expect(meta.string("general.architecture") == "qwen2")
        #expect(meta.integer("qwen2.block_count") == 24)
        #expect(meta.integer("qwen2.attention.head_count_kv") == 2)
        #expect(meta.float("qwen2.rope.freq_base") == 1_000_000)
        #expect(meta.float("qwen2.block_count") == 24)  // integers read as floats too
        #expect(meta.integer("general.architecture") == nil)  // wrong kind is nil, not a crash
        #expect(meta.stringArray("tokenizer.ggml.tokens")?.count == 151_936)
        #expect(meta.integerArray("tokenizer.ggml.token_type")?.count == 151_936)
        #expect(meta.stringArray("tokenizer.ggml.token_type") == nil)
        #expect(meta.string("no.such.key") == nil)
    }

    @Test func ggmlTypeBlockSizesMatchGGUFPackage() throws {
        struct Row: Decodable { let name: String; let id: UInt32; let block_elements: Int; let block_bytes: Int }
        let rows = try JSONDecoder().decode([Row].self, from: Golden.data("gguf/ggml_types.json"))
        #expect(rows.count == GGMLType.allCases.count)
        for row in rows {
            let type = try #require(GGMLType(rawValue: row.id), "type \(row.name) is missing")
            #expect(type.name == row.name)
            #expect(type.blockElements == row.block_elements, "\(row.name)")
            #expect(type.blockBytes == row.block_bytes, "\(row.name)")
        }
    }
}

/// The golden file format written by scripts/golden/gguf_metadata.py, and the same canonical text form.
enum GoldenGGUF {
    struct File: Decodable {
        let version: UInt32
        let alignment: Int
        let data_offset: Int
        let file_size: Int
        let metadata: [Entry]
        let tensors: [Tensor]
    }

    struct Entry: Decodable {
        let key: String
        let type: String
        let value: String?
        let element_type: String?
        let length: Int?
        let values: [String]?
        let sha256: String?
    }

    struct Tensor: Decodable {
        let name: String
        let shape: [Int]
        let type: String
        let type_id: UInt32
        let offset: Int
        let byte_count: Int
    }

    static func load(_ name: String) throws -> File {
        try JSONDecoder().decode(File.self, from: Golden.data("gguf/\(name).json"))
    }

    static func typeName(_ type: GGUFValueType) -> String { String(describing: type).uppercased() }

    static func canonicalItem(_ value: GGUFValue) -> String {
        switch value {
        case .float32(let v): "f32:" + hex(UInt64(v.bitPattern), digits: 8)
        case .float64(let v): "f64:" + hex(v.bitPattern, digits: 16)
        case .bool(let v): v ? "true" : "false"
        case .string(let s): s
        case .array(let a): "[" + canonicalItems(a).joined(separator: ",") + "]"
        case .uint64(let v): String(v)
        default: String(value.integerValue!)
        }
    }

    static func canonicalItems(_ array: GGUFArray) -> [String] {
        (0..<array.count).map { canonicalItem(array[$0]) }
    }

    static func digest(_ items: [String]) -> String {
        var text: [UInt8] = []
        for item in items { text += Array("\(item.utf8.count):".utf8) + Array(item.utf8) + [10] }
        return SHA256.hex(text)
    }

    private static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
