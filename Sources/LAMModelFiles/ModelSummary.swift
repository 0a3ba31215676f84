/// What `lam inspect` reports about a model, read from a GGUF file or a Hugging Face folder: the shape of the
/// network, its tokenizer essentials, how its weights are stored and how much memory it needs.
public struct ModelSummary: Sendable, Codable, Equatable {
    public struct Rope: Sendable, Codable, Equatable {
        public var freqBase: Double?
        /// Dimensions of each head that are rotated (GGUF `rope.dimension_count`); nil means all.
        public var dimensionCount: Int?
        public var scalingType: String?
        public var scalingFactor: Double?
        public var originalContextLength: Int?
    }

    public struct SpecialToken: Sendable, Codable, Equatable {
        public var role: String
        public var id: Int?
        public var text: String?
    }

    public struct TensorTypeCount: Sendable, Codable, Equatable {
        public var type: String
        public var tensors: Int
        public var elements: Int
        public var bytes: Int
    }

    public var format: String
    public var path: String
    public var name: String?
    public var architecture: String
    public var parameterCount: Int
    public var layerCount: Int?
    public var headCount: Int?
    public var kvHeadCount: Int?
    public var keyLength: Int?
    public var valueLength: Int?
    public var hiddenSize: Int?
    public var ffnSize: Int?
    public var contextLength: Int?
    public var rope: Rope
    public var vocabularySize: Int?
    public var tokenizerModel: String?
    public var specialTokens: [SpecialToken]
    public var hasChatTemplate: Bool
    /// Whether the output projection reuses the token embedding matrix.
    public var tiedEmbeddings: Bool
    /// Tensor types by descending byte count.
    public var tensorTypes: [TensorTypeCount]
    /// Bytes of all files read (the GGUF file, or config and weight files).
    public var fileSize: Int
    /// Bytes of tensor data.
    public var weightBytes: Int

    /// Bytes of an f16 KV cache holding `context` positions (keys and values, every layer).
    public func kvCacheBytes(context: Int) -> Int? {
        guard let layerCount, let kvHeadCount, let keyLength, let valueLength else { return nil }
        let (bytes, overflow) = layerCount.multipliedReportingOverflow(by: context * kvHeadCount * (keyLength + valueLength) * 2)
        return overflow ? nil : bytes
    }

    /// Weights plus an f16 KV cache of `context` positions.
    public func memoryBytes(context: Int) -> Int? {
        kvCacheBytes(context: context).map { $0 + weightBytes }
    }

    static func histogram(_ tensors: [(type: String, elements: Int, bytes: Int)]) -> [TensorTypeCount] {
        var counts: [String: TensorTypeCount] = [:]
        for tensor in tensors {
            counts[tensor.type, default: TensorTypeCount(type: tensor.type, tensors: 0, elements: 0, bytes: 0)].tensors += 1
            counts[tensor.type]!.elements += tensor.elements
            counts[tensor.type]!.bytes += tensor.bytes
        }
        return counts.values.sorted { ($0.bytes, $1.type) > ($1.bytes, $0.type) }
    }
}

extension ModelSummary {
    /// Reads the summary from a GGUF file's metadata (keys prefixed with the architecture name, as llama.cpp
    /// writes them) and tensor infos.
    public init(gguf file: GGUFFile) {
        let meta = file.metadata
        let arch = meta.string("general.architecture") ?? "unknown"
        func key(_ suffix: String) -> String { "\(arch).\(suffix)" }
        let tokens = meta.stringArray("tokenizer.ggml.tokens")
        let hidden = meta.integer(key("embedding_length"))
        let heads = meta.integer(key("attention.head_count"))
        let headDim = hidden.flatMap { h in heads.flatMap { $0 > 0 ? h / $0 : nil } }

        format = "gguf"
        path = file.path
        name = meta.string("general.name")
        architecture = arch
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        layerCount = meta.integer(key("block_count"))
        headCount = heads
        kvHeadCount = meta.integer(key("attention.head_count_kv")) ?? heads
        keyLength = meta.integer(key("attention.key_length")) ?? headDim
        valueLength = meta.integer(key("attention.value_length")) ?? headDim
        hiddenSize = hidden
        ffnSize = meta.integer(key("feed_forward_length"))
        contextLength = meta.integer(key("context_length"))
        rope = Rope(freqBase: meta.float(key("rope.freq_base")),
                    dimensionCount: meta.integer(key("rope.dimension_count")),
                    scalingType: meta.string(key("rope.scaling.type")),
                    scalingFactor: meta.float(key("rope.scaling.factor")),
                    originalContextLength: meta.integer(key("rope.scaling.original_context_length")))
        vocabularySize = tokens?.count ?? meta.integer(key("vocab_size"))
        tokenizerModel = meta.string("tokenizer.ggml.model")
        specialTokens = [("bos", "bos_token_id"), ("eos", "eos_token_id"), ("eot", "eot_token_id"),
                         ("eom", "eom_token_id"), ("pad", "padding_token_id"), ("unk", "unknown_token_id")]
            .compactMap { role, suffix in
                guard let id = meta.integer("tokenizer.ggml.\(suffix)") else { return nil }
                let text = tokens.flatMap { id >= 0 && id < $0.count ? $0[id] : nil }
                return SpecialToken(role: role, id: id, text: text)
            }
        hasChatTemplate = meta.string("tokenizer.chat_template") != nil
        tiedEmbeddings = file.tensor(named: "output.weight") == nil
        tensorTypes = Self.histogram(file.tensors.map { ($0.type.name, $0.elementCount, $0.byteCount) })
        fileSize = file.fileSize
        weightBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
    }

    /// Reads the summary from a Hugging Face folder's config.json and safetensors headers.
    public init(huggingFace folder: HFModelFolder) {
        let config = folder.config
        format = "huggingface"
        path = folder.path
        name = nil
        architecture = config.architecture
        parameterCount = folder.tensors.reduce(0) { $0 + $1.info.elementCount }
        layerCount = config.layerCount
        headCount = config.headCount
        kvHeadCount = config.kvHeadCount
        keyLength = config.headDim
        valueLength = config.headDim
        hiddenSize = config.hiddenSize
        ffnSize = config.intermediateSize
        contextLength = config.contextLength
        rope = Rope(freqBase: config.ropeTheta, dimensionCount: nil, scalingType: config.ropeScaling?.type,
                    scalingFactor: config.ropeScaling?.factor,
                    originalContextLength: config.ropeScaling?.originalContextLength)
        vocabularySize = config.vocabSize
        tokenizerModel = nil
        let eos = folder.generationConfig?.eosTokenIDs.isEmpty == false ? folder.generationConfig!.eosTokenIDs : config.eosTokenIDs
        specialTokens = (config.bosTokenID.map { [SpecialToken(role: "bos", id: $0, text: nil)] } ?? [])
            + eos.map { SpecialToken(role: "eos", id: $0, text: nil) }
        hasChatTemplate = folder.hasChatTemplate
        tiedEmbeddings = config.tieWordEmbeddings
        tensorTypes = Self.histogram(folder.tensors.map { ($0.info.dtype.rawValue, $0.info.elementCount, $0.info.byteCount) })
        fileSize = folder.weightBytes
        weightBytes = folder.tensors.reduce(0) { $0 + $1.info.byteCount }
    }
}
