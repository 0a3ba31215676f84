/// How positions are rescaled for long contexts (`rope_scaling` / `rope_parameters` in config.json).
public struct RopeScaling: Sendable, Equatable {
    /// "llama3", "linear", "dynamic", "yarn", …
    public var type: String
    public var factor: Double?
    public var lowFrequencyFactor: Double?
    public var highFrequencyFactor: Double?
    public var originalContextLength: Int?

    public init(type: String, factor: Double? = nil, lowFrequencyFactor: Double? = nil,
                highFrequencyFactor: Double? = nil, originalContextLength: Int? = nil) {
        self.type = type
        self.factor = factor
        self.lowFrequencyFactor = lowFrequencyFactor
        self.highFrequencyFactor = highFrequencyFactor
        self.originalContextLength = originalContextLength
    }
}

/// The hyperparameters of a Hugging Face `config.json`, for the architectures SwiftLAM runs.
public struct HFModelConfig: Sendable, Equatable {
    public static let supportedArchitectures = ["Qwen2ForCausalLM", "LlamaForCausalLM"]

    public var architecture: String
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var vocabSize: Int
    public var contextLength: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling?
    public var tieWordEmbeddings: Bool
    /// Biases on the Q, K and V projections (always in Qwen2; `attention_bias` in Llama).
    public var attentionBias: Bool
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]
    /// The dtype the weights were saved in ("bfloat16", …), when config.json says.
    public var dtype: String?

    /// Reads config.json's bytes.
    public init(json bytes: some Collection<UInt8>, file: String = "config.json") throws(ModelFileError) {
        let json = try JSONObject(JSONValue.parse(bytes, what: file), what: file)
        guard let architectures = try json.stringArray("architectures"), let first = architectures.first else {
            throw .missingConfigValue(key: "architectures", file: file)
        }
        guard Self.supportedArchitectures.contains(first) else { throw .unsupportedArchitecture(first) }
        architecture = first
        modelType = try json.string("model_type") ?? (first == "Qwen2ForCausalLM" ? "qwen2" : "llama")
        hiddenSize = try json.required("hidden_size", json.positiveInt)
        intermediateSize = try json.required("intermediate_size", json.positiveInt)
        layerCount = try json.required("num_hidden_layers", json.positiveInt)
        headCount = try json.required("num_attention_heads", json.positiveInt)
        kvHeadCount = try json.positiveInt("num_key_value_heads") ?? headCount
        guard headCount % kvHeadCount == 0 else {
            throw .invalidJSON(what: file, reason: "num_attention_heads (\(headCount)) is not a multiple of num_key_value_heads (\(kvHeadCount))", offset: nil)
        }
        headDim = try json.positiveInt("head_dim") ?? hiddenSize / headCount
        vocabSize = try json.required("vocab_size", json.positiveInt)
        contextLength = try json.required("max_position_embeddings", json.positiveInt)
        rmsNormEps = try json.double("rms_norm_eps") ?? 1e-6
        // transformers ≥ 5 writes `rope_parameters` (theta and scaling together); earlier versions wrote
        // `rope_theta` and `rope_scaling`. Both appear in the wild.
        let parameters = try json.object("rope_parameters")
        let legacyTheta = try json.double("rope_theta")
        ropeTheta = try parameters?.double("rope_theta") ?? legacyTheta ?? 10_000
        let legacyScaling = try json.object("rope_scaling")
        ropeScaling = try Self.ropeScaling(parameters ?? legacyScaling)
        tieWordEmbeddings = try json.bool("tie_word_embeddings") ?? false
        let declaredBias = try json.bool("attention_bias")
        attentionBias = first == "Qwen2ForCausalLM" || declaredBias == true
        bosTokenID = try json.int("bos_token_id")
        eosTokenIDs = try json.intList("eos_token_id") ?? []
        let legacyDType = try json.string("torch_dtype")
        dtype = try json.string("dtype") ?? legacyDType
    }

    private static func ropeScaling(_ json: JSONObject?) throws(ModelFileError) -> RopeScaling? {
        guard let json else { return nil }
        let legacyType = try json.string("type")
        guard let type = try json.string("rope_type") ?? legacyType, type != "default" else { return nil }
        return RopeScaling(
            type: type,
            factor: try json.double("factor"),
            lowFrequencyFactor: try json.double("low_freq_factor"),
            highFrequencyFactor: try json.double("high_freq_factor"),
            originalContextLength: try json.nonNegativeInt("original_max_position_embeddings"))
    }
}

/// Sampling defaults from `generation_config.json`; every field is optional.
public struct HFGenerationConfig: Sendable, Equatable {
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]
    public var padTokenID: Int?
    public var doSample: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var repetitionPenalty: Double?
    public var maxNewTokens: Int?

    public init(json bytes: some Collection<UInt8>, file: String = "generation_config.json") throws(ModelFileError) {
        let json = try JSONObject(JSONValue.parse(bytes, what: file), what: file)
        bosTokenID = try json.int("bos_token_id")
        eosTokenIDs = try json.intList("eos_token_id") ?? []
        padTokenID = try json.int("pad_token_id")
        doSample = try json.bool("do_sample")
        temperature = try json.double("temperature")
        topP = try json.double("top_p")
        topK = try json.int("top_k")
        repetitionPenalty = try json.double("repetition_penalty")
        maxNewTokens = try json.int("max_new_tokens")
    }
}

extension JSONObject {
    func positiveInt(_ key: String) throws(ModelFileError) -> Int? {
        guard let i = try int(key) else { return nil }
        guard i > 0 else { throw wrongType(key, "a positive integer") }
        return i
    }
}
