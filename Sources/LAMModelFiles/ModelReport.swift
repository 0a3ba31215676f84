import Foundation

/// Everything `lam inspect --json` prints: the summary, memory needs at a context length, and for GGUF every
/// metadata key and for both formats every tensor.
///
/// Metadata arrays longer than `fullArrayLimit` elements (vocabularies, merges, scores) are summarized as their
/// element type, length and first `summaryPrefix` elements; shorter ones are printed whole.
public struct ModelReport: Sendable, Encodable {
    public static let fullArrayLimit = 16
    public static let summaryPrefix = 8

    public struct MetadataEntry: Sendable, Encodable, Equatable {
        public var key: String
        /// The GGUF value type, e.g. "uint32", "string", "array".
        public var type: String
        /// The value; for a long array only its first elements.
        public var value: GGUFValue
        public var elementType: String?
        public var length: Int?
        public var summarized: Bool?
    }

    public struct TensorEntry: Sendable, Encodable, Equatable {
        public var name: String
        /// GGUF: ggml order (row length first). Hugging Face: PyTorch order (row length last).
        public var shape: [Int]
        public var type: String
        public var file: String?
        public var offset: Int
        public var bytes: Int
    }

    public var summary: ModelSummary
    public var context: Int
    public var kvCacheBytes: Int?
    public var memoryBytes: Int?
    public var ggufVersion: UInt32?
    public var metadata: [MetadataEntry]?
    public var tensors: [TensorEntry]

    /// Opens a GGUF file, or a Hugging Face folder (given as the folder, or a config.json or .safetensors file
    /// inside it).
    public init(path: String, context: Int) throws(ModelFileError) {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let url = URL(fileURLWithPath: path)
        if exists && isDirectory.boolValue {
            self.init(huggingFace: try HFModelFolder(path: path), context: context)
        } else if url.pathExtension == "safetensors" || url.lastPathComponent == "config.json"
                    || url.lastPathComponent == HFModelFolder.indexFile {
            self.init(huggingFace: try HFModelFolder(path: url.deletingLastPathComponent().path), context: context)
        } else {
            self.init(gguf: try GGUFFile(path: path), context: context)
        }
    }

    public init(gguf file: GGUFFile, context: Int) {
        summary = ModelSummary(gguf: file)
        self.context = context
        kvCacheBytes = summary.kvCacheBytes(context: context)
        memoryBytes = summary.memoryBytes(context: context)
        ggufVersion = file.version
        metadata = file.metadata.keys.map { key in Self.entry(key: key, value: file.metadata[key]!) }
        tensors = file.tensors.map {
            TensorEntry(name: $0.name, shape: $0.shape, type: $0.type.name, file: nil, offset: $0.offset, bytes: $0.byteCount)
        }
    }

    public init(huggingFace folder: HFModelFolder, context: Int) {
        summary = ModelSummary(huggingFace: folder)
        self.context = context
        kvCacheBytes = summary.kvCacheBytes(context: context)
        memoryBytes = summary.memoryBytes(context: context)
        tensors = folder.tensors.map {
            TensorEntry(name: $0.info.name, shape: $0.info.shape, type: $0.info.dtype.rawValue,
                        file: URL(fileURLWithPath: $0.file.path).lastPathComponent, offset: $0.info.offset,
                        bytes: $0.info.byteCount)
        }
    }

    static func entry(key: String, value: GGUFValue) -> MetadataEntry {
        guard case .array(let array) = value else {
            return MetadataEntry(key: key, type: value.type.name, value: value)
        }
        let summarized = array.count > fullArrayLimit
        return MetadataEntry(key: key, type: value.type.name, value: summarized ? .array(array.prefix(summaryPrefix)) : value,
                             elementType: array.elementType.name, length: array.count, summarized: summarized ? true : nil)
    }

    /// Pretty-printed JSON with sorted keys in snake_case.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain values and strings cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension GGUFValueType {
    /// The lower-case name used in reports ("uint32", "float32", "array", …).
    public var name: String { String(describing: self) }
}

extension GGUFArray {
    /// The first `n` elements.
    public func prefix(_ n: Int) -> GGUFArray {
        switch self {
        case .uint8(let a): .uint8(Array(a.prefix(n)))
        case .int8(let a): .int8(Array(a.prefix(n)))
        case .uint16(let a): .uint16(Array(a.prefix(n)))
        case .int16(let a): .int16(Array(a.prefix(n)))
        case .uint32(let a): .uint32(Array(a.prefix(n)))
        case .int32(let a): .int32(Array(a.prefix(n)))
        case .uint64(let a): .uint64(Array(a.prefix(n)))
        case .int64(let a): .int64(Array(a.prefix(n)))
        case .float32(let a): .float32(Array(a.prefix(n)))
        case .float64(let a): .float64(Array(a.prefix(n)))
        case .bool(let a): .bool(Array(a.prefix(n)))
        case .string(let a): .string(Array(a.prefix(n)))
        case .array(let a): .array(Array(a.prefix(n)))
        }
    }
}

extension GGUFValue: Encodable {
    /// Scalars as JSON scalars, arrays as JSON arrays.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .uint8(let v): try container.encode(v)
        case .int8(let v): try container.encode(v)
        case .uint16(let v): try container.encode(v)
        case .int16(let v): try container.encode(v)
        case .uint32(let v): try container.encode(v)
        case .int32(let v): try container.encode(v)
        case .uint64(let v): try container.encode(v)
        case .int64(let v): try container.encode(v)
        case .float32(let v): try container.encode(v)
        case .float64(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .array(let a): try container.encode((0..<a.count).map { a[$0] })
        }
    }
}
