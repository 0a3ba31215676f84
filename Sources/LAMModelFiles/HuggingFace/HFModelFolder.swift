import Foundation

/// A Hugging Face model folder: config.json, generation_config.json, safetensors weights (one file, or shards
/// listed in model.safetensors.index.json) and the tokenizer and chat-template files.
public final class HFModelFolder: Sendable {
    public static let indexFile = "model.safetensors.index.json"
    public static let singleFile = "model.safetensors"

    /// A tensor and the shard holding it.
    public struct Tensor: Sendable {
        public let info: SafetensorsTensorInfo
        public let file: SafetensorsFile
        public var bytes: UnsafeRawBufferPointer { file.bytes(of: info) }
    }

    public let path: String
    public let config: HFModelConfig
    public let generationConfig: HFGenerationConfig?
    /// The weight files, in shard order.
    public let weightFiles: [SafetensorsFile]
    /// Every tensor, sorted by name.
    public let tensors: [Tensor]
    private let tensorIndex: [String: Int]

    /// Paths of the text-side files, when present.
    public let tokenizerJSON: String?
    public let tokenizerConfig: String?
    /// A separate chat template file (newer exports); older ones keep it in tokenizer_config.json.
    public let chatTemplateFile: String?

    public init(path: String) throws(ModelFileError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .cannotOpen(path: path, reason: "not a directory")
        }
        let folder = URL(fileURLWithPath: path)
        func file(_ name: String) -> String? {
            let p = folder.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: p) ? p : nil
        }
        guard let configPath = file("config.json") else { throw .missingFile(folder.appendingPathComponent("config.json").path) }
        config = try HFModelConfig(json: Self.read(configPath), file: "config.json")
        generationConfig = try file("generation_config.json").map { (p) throws(ModelFileError) in
            try HFGenerationConfig(json: Self.read(p))
        }
        tokenizerJSON = file("tokenizer.json")
        tokenizerConfig = file("tokenizer_config.json")
        chatTemplateFile = file("chat_template.jinja")

        if let indexPath = file(Self.indexFile) {
            (weightFiles, tensors) = try Self.loadShards(index: indexPath, folder: folder)
        } else if let single = file(Self.singleFile) {
            let weights = try SafetensorsFile(path: single)
            weightFiles = [weights]
            tensors = weights.tensors.map { Tensor(info: $0, file: weights) }.sorted { $0.info.name < $1.info.name }
        } else {
            throw .missingFile(folder.appendingPathComponent(Self.singleFile).path)
        }
        for tensor in tensors where tensor.info.dtype.ggmlType == nil {
            throw .unknownDType(tensor.info.dtype.rawValue, tensor: tensor.info.name, offset: tensor.info.offset)
        }
        tensorIndex = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.info.name, $0) })
    }

    public func tensor(named name: String) -> Tensor? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// Whether a chat template ships with the model (as chat_template.jinja or in tokenizer_config.json).
    public var hasChatTemplate: Bool {
        if chatTemplateFile != nil { return true }
        guard let tokenizerConfig, let bytes = try? Self.read(tokenizerConfig),
              let json = try? JSONObject(JSONValue.parse(bytes, what: "tokenizer_config.json"), what: "tokenizer_config.json")
        else { return false }
        return json.value("chat_template") != nil
    }

    /// Total bytes of all weight files.
    public var weightBytes: Int { weightFiles.reduce(0) { $0 + $1.fileSize } }

    private static func read(_ path: String) throws(ModelFileError) -> [UInt8] {
        let file = try MappedFile(path: path)
        return Array(file.bytes)
    }

    /// Opens every shard named by the index and checks that each tensor is where the index says.
    private static func loadShards(index indexPath: String, folder: URL) throws(ModelFileError)
        -> ([SafetensorsFile], [Tensor])
    {
        let json = try JSONObject(JSONValue.parse(read(indexPath), what: indexFile), what: indexFile)
        guard let weightMap = try json.object("weight_map") else { throw .missingConfigValue(key: "weight_map", file: indexFile) }
        var shardNames: [String] = []
        var expected: [String: String] = [:]
        for name in weightMap.keys.sorted() {
            let shard = try weightMap.required(name, weightMap.string)
            guard !shard.contains("/"), shard != "..", !shard.isEmpty else {
                throw .invalidJSON(what: indexFile, reason: "shard name '\(shard)' is not a file in the folder", offset: nil)
            }
            expected[name] = shard
            if !shardNames.contains(shard) { shardNames.append(shard) }
        }
        shardNames.sort()
        var files: [SafetensorsFile] = []
        var tensors: [Tensor] = []
        for shard in shardNames {
            let shardPath = folder.appendingPathComponent(shard).path
            guard FileManager.default.fileExists(atPath: shardPath) else { throw .missingFile(shardPath) }
            let file = try SafetensorsFile(path: shardPath)
            files.append(file)
            for info in file.tensors {
                guard expected[info.name] == shard else {
                    throw .invalidJSON(what: indexFile, reason: "tensor '\(info.name)' is in \(shard) but the index says \(expected[info.name] ?? "nothing")", offset: nil)
                }
                tensors.append(Tensor(info: info, file: file))
            }
        }
        let found = Set(tensors.map(\.info.name))
        if let missing = expected.keys.sorted().first(where: { !found.contains($0) }) {
            throw .invalidJSON(what: indexFile, reason: "tensor '\(missing)' is not in \(expected[missing]!)", offset: nil)
        }
        return (files, tensors.sorted { $0.info.name < $1.info.name })
    }
}
