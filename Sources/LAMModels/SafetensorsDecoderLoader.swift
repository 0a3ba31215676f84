import LAMKernels
import LAMModelFiles

/// Builds a `TransformerDecoder` from a Hugging Face folder: hyperparameters from config.json, weights from the
/// safetensors files under transformers' names (`model.layers.N.self_attn.q_proj.weight`, …).
///
/// PyTorch stores a linear layer's weight as `[out_features, in_features]`, row-major — exactly our
/// `WeightMatrix` rows × columns — so F32, F16 and BF16 matrices are used in place. Hugging Face's Qwen2 and
/// Llama rotate the two halves of each head (`rotate_half`), our `.halves` RoPE style, for both architectures.
struct SafetensorsDecoderLoader {
    let folder: HFModelFolder
    let architecture: String
    let traits: DecoderTraits
    let store: WeightStore

    init(folder: HFModelFolder, architecture: String, traits: DecoderTraits, options: ModelLoadOptions) {
        self.folder = folder
        self.architecture = architecture
        self.traits = traits
        store = WeightStore(files: [folder], quantization: options.quantization)
    }

    func load() throws(InferenceError) -> TransformerDecoder {
        let c = try configuration()
        let hf = folder.config
        if hf.attentionBias && !traits.mayHaveBiases {
            throw .invalidMetadata("attention_bias is not supported for \(architecture)")
        }
        let qWidth = c.headCount * c.headDimension, kvWidth = c.kvHeadCount * c.headDimension
        var layers: [DecoderWeights.Layer] = []
        for i in 0..<c.layerCount {
            let p = "model.layers.\(i)."
            if folder.tensor(named: p + "self_attn.o_proj.bias") != nil || folder.tensor(named: p + "mlp.down_proj.bias") != nil {
                throw .badTensor(name: p + "*.bias", problem: "biases on the output or feed-forward projections are not supported")
            }
            layers.append(DecoderWeights.Layer(
                attentionNorm: try vector(p + "input_layernorm.weight", count: c.hiddenSize),
                query: try matrix(p + "self_attn.q_proj.weight", rows: qWidth, columns: c.hiddenSize),
                key: try matrix(p + "self_attn.k_proj.weight", rows: kvWidth, columns: c.hiddenSize),
                value: try matrix(p + "self_attn.v_proj.weight", rows: kvWidth, columns: c.hiddenSize),
                queryBias: hf.attentionBias ? try vector(p + "self_attn.q_proj.bias", count: qWidth) : nil,
                keyBias: hf.attentionBias ? try vector(p + "self_attn.k_proj.bias", count: kvWidth) : nil,
                valueBias: hf.attentionBias ? try vector(p + "self_attn.v_proj.bias", count: kvWidth) : nil,
                attentionOutput: try matrix(p + "self_attn.o_proj.weight", rows: c.hiddenSize, columns: qWidth),
                feedForwardNorm: try vector(p + "post_attention_layernorm.weight", count: c.hiddenSize),
                gate: try matrix(p + "mlp.gate_proj.weight", rows: c.feedForwardSize, columns: c.hiddenSize),
                up: try matrix(p + "mlp.up_proj.weight", rows: c.feedForwardSize, columns: c.hiddenSize),
                down: try matrix(p + "mlp.down_proj.weight", rows: c.hiddenSize, columns: c.feedForwardSize)))
        }
        let embedding = try matrix("model.embed_tokens.weight", rows: c.vocabularySize, columns: c.hiddenSize)
        // transformers ties the head to the embedding whenever the config says so, ignoring any lm_head.weight.
        let output = hf.tieWordEmbeddings
            ? embedding : try matrix("lm_head.weight", rows: c.vocabularySize, columns: c.hiddenSize)
        let weights = DecoderWeights(tokenEmbedding: embedding, layers: layers,
                                     outputNorm: try vector("model.norm.weight", count: c.hiddenSize), output: output)
        let rope = RoPE(dimensions: c.ropeDimensions, base: c.ropeBase, style: c.ropeStyle, scaling: c.ropeScaling)
        return TransformerDecoder(configuration: c, weights: weights, rope: rope, owner: store)
    }

    private func configuration() throws(InferenceError) -> ModelConfiguration {
        let hf = folder.config
        return try ModelConfiguration(
            architecture: architecture,
            layerCount: hf.layerCount,
            hiddenSize: hf.hiddenSize,
            headCount: hf.headCount,
            kvHeadCount: hf.kvHeadCount,
            headDimension: hf.headDim,
            feedForwardSize: hf.intermediateSize,
            vocabularySize: hf.vocabSize,
            contextLength: hf.contextLength,
            rmsNormEpsilon: Float(hf.rmsNormEps),
            ropeBase: hf.ropeTheta,
            ropeDimensions: hf.headDim,
            ropeStyle: .halves,
            ropeScaling: try Self.ropeScaling(hf.ropeScaling, contextLength: hf.contextLength)
        ).validated()
    }

    /// config.json's `rope_scaling` as our RoPE scaling, with transformers' defaults for missing fields.
    static func ropeScaling(_ scaling: RopeScaling?, contextLength: Int) throws(InferenceError) -> RoPE.Scaling {
        guard let scaling else { return .none }
        func require<T>(_ value: T?, _ field: String) throws(InferenceError) -> T {
            guard let value else { throw .missingMetadata("rope_scaling.\(field) (rope type \(scaling.type))") }
            return value
        }
        switch scaling.type {
        case "linear":
            return .linear(factor: try require(scaling.factor, "factor"))
        case "llama3":
            return .llama3(factor: try require(scaling.factor, "factor"),
                           lowFrequencyFactor: try require(scaling.lowFrequencyFactor, "low_freq_factor"),
                           highFrequencyFactor: try require(scaling.highFrequencyFactor, "high_freq_factor"),
                           originalContext: try require(scaling.originalContextLength, "original_max_position_embeddings"))
        case "yarn":
            let factor = try require(scaling.factor, "factor")
            return .yarn(factor: factor, originalContext: scaling.originalContextLength ?? contextLength)
        default:
            // "dynamic" NTK rescales with the sequence length, "longrope" needs per-frequency lists: not supported.
            throw .invalidMetadata("rope scaling type '\(scaling.type)'")
        }
    }

    private func tensor(_ name: String) throws(InferenceError) -> HFModelFolder.Tensor {
        guard let tensor = folder.tensor(named: name) else { throw .missingTensor(name) }
        return tensor
    }

    private func ggmlType(_ tensor: HFModelFolder.Tensor) throws(InferenceError) -> GGMLType {
        guard let type = tensor.info.dtype.ggmlType else {
            throw .badTensor(name: tensor.info.name, problem: "dtype \(tensor.info.dtype.rawValue) is not F32, F16 or BF16")
        }
        return type
    }

    private func matrix(_ name: String, rows: Int, columns: Int) throws(InferenceError) -> WeightMatrix {
        let t = try tensor(name)
        guard t.info.shape == [rows, columns] else {
            throw .badTensor(name: name, problem: "shape \(t.info.shape), expected [\(rows), \(columns)]")
        }
        return try store.matrix(name: name, type: try ggmlType(t), rows: rows, columns: columns, bytes: t.bytes)
    }

    private func vector(_ name: String, count: Int) throws(InferenceError) -> [Float] {
        let t = try tensor(name)
        guard t.info.shape == [count] else {
            throw .badTensor(name: name, problem: "shape \(t.info.shape), expected [\(count)]")
        }
        let type = try ggmlType(t)
        var values = [Float](repeating: 0, count: count)
        do {
            try values.withUnsafeMutableBufferPointer { (out) throws(DequantizeError) in
                try dequantize(type, t.bytes, elementCount: count, into: out.baseAddress!)
            }
        } catch {
            throw .badTensor(name: name, problem: error.description)
        }
        return values
    }
}
