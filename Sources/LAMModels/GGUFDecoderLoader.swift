import LAMKernels
import LAMModelFiles

/// Builds a `TransformerDecoder` from a GGUF file, using llama.cpp's tensor names (`blk.N.attn_q.weight`, …)
/// and metadata keys (`<architecture>.block_count`, …). What differs between architectures comes from
/// `DecoderTraits`, defined in each architecture's file.
struct GGUFDecoderLoader {
    let file: GGUFFile
    let architecture: String
    let traits: DecoderTraits

    func load() throws(InferenceError) -> TransformerDecoder {
        let configuration = try readConfiguration()
        let c = configuration
        let qWidth = c.headCount * c.headDimension, kvWidth = c.kvHeadCount * c.headDimension
        var layers: [DecoderWeights.Layer] = []
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            layers.append(DecoderWeights.Layer(
                attentionNorm: try vector(p + "attn_norm.weight", count: c.hiddenSize),
                query: try matrix(p + "attn_q.weight", rows: qWidth, columns: c.hiddenSize),
                key: try matrix(p + "attn_k.weight", rows: kvWidth, columns: c.hiddenSize),
                value: try matrix(p + "attn_v.weight", rows: kvWidth, columns: c.hiddenSize),
                queryBias: try bias(p + "attn_q.bias", count: qWidth),
                keyBias: try bias(p + "attn_k.bias", count: kvWidth),
                valueBias: try bias(p + "attn_v.bias", count: kvWidth),
                attentionOutput: try matrix(p + "attn_output.weight", rows: c.hiddenSize, columns: qWidth),
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: c.hiddenSize),
                gate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardSize, columns: c.hiddenSize),
                up: try matrix(p + "ffn_up.weight", rows: c.feedForwardSize, columns: c.hiddenSize),
                down: try matrix(p + "ffn_down.weight", rows: c.hiddenSize, columns: c.feedForwardSize)))
        }
        let embedding = try matrix("token_embd.weight", rows: c.vocabularySize, columns: c.hiddenSize)
        let output = file.tensor(named: "output.weight") == nil
            ? embedding : try matrix("output.weight", rows: c.vocabularySize, columns: c.hiddenSize)
        let weights = DecoderWeights(tokenEmbedding: embedding, layers: layers,
                                     outputNorm: try vector("output_norm.weight", count: c.hiddenSize), output: output)
        let frequencyFactors = file.tensor(named: "rope_freqs.weight") == nil
            ? nil : try vector("rope_freqs.weight", count: c.ropeDimensions / 2)
        let rope = RoPE(dimensions: c.ropeDimensions, base: c.ropeBase, style: c.ropeStyle, scaling: c.ropeScaling,
                        frequencyFactors: frequencyFactors)
        return TransformerDecoder(configuration: configuration, weights: weights, rope: rope, owner: file)
    }

    private func readConfiguration() throws(InferenceError) -> ModelConfiguration {
        let m = file.metadata
        func integer(_ key: String) throws(InferenceError) -> Int {
            guard let v = m.integer("\(architecture).\(key)") else { throw .missingMetadata("\(architecture).\(key)") }
            return v
        }
        let hidden = try integer("embedding_length")
        let heads = try integer("attention.head_count")
        let headDimension = m.integer("\(architecture).attention.key_length") ?? (heads > 0 ? hidden / heads : 0)
        guard let embedding = file.tensor(named: "token_embd.weight"), embedding.shape.count == 2 else {
            throw .missingTensor("token_embd.weight")
        }
        let ropeBase = m.float("\(architecture).rope.freq_base") ?? 10_000
        var scaling = RoPE.Scaling.none
        switch m.string("\(architecture).rope.scaling.type") {
        case nil, "none": break
        case "linear": scaling = .linear(factor: m.float("\(architecture).rope.scaling.factor") ?? 1)
        case "yarn":
            guard let factor = m.float("\(architecture).rope.scaling.factor"),
                  let original = m.integer("\(architecture).rope.scaling.original_context_length") else {
                throw .missingMetadata("\(architecture).rope.scaling.factor / original_context_length")
            }
            scaling = .yarn(factor: factor, originalContext: original)
        case let other?: throw .invalidMetadata("rope scaling type '\(other)'")
        }
        return try ModelConfiguration(
            architecture: architecture,
            layerCount: try integer("block_count"),
            hiddenSize: hidden,
            headCount: heads,
            kvHeadCount: m.integer("\(architecture).attention.head_count_kv") ?? heads,
            headDimension: headDimension,
            feedForwardSize: try integer("feed_forward_length"),
            vocabularySize: embedding.shape[1],
            contextLength: try integer("context_length"),
            rmsNormEpsilon: Float(m.float("\(architecture).attention.layer_norm_rms_epsilon") ?? 1e-6),
            ropeBase: ropeBase,
            ropeDimensions: m.integer("\(architecture).rope.dimension_count") ?? headDimension,
            ropeStyle: traits.ggufRopeStyle,
            ropeScaling: scaling
        ).validated()
    }

    private func info(_ name: String) throws(InferenceError) -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name) }
        return info
    }

    private func matrix(_ name: String, rows: Int, columns: Int) throws(InferenceError) -> WeightMatrix {
        let t = try info(name)
        guard t.shape == [columns, rows] else {
            throw .badTensor(name: name, problem: "shape \(t.shape), expected [\(columns), \(rows)]")
        }
        let bytes = file.bytes(of: t)
        do {
            return try WeightMatrix(type: t.type, rows: rows, columns: columns, data: bytes.baseAddress!,
                                    byteCount: bytes.count)
        } catch {
            throw .badTensor(name: name, problem: error.description)
        }
    }

    private func vector(_ name: String, count: Int) throws(InferenceError) -> [Float] {
        let t = try info(name)
        guard t.elementCount == count else {
            throw .badTensor(name: name, problem: "\(t.elementCount) values, expected \(count)")
        }
        var values = [Float](repeating: 0, count: count)
        do {
            try values.withUnsafeMutableBufferPointer {
                try dequantize(t.type, file.bytes(of: t), elementCount: count, into: $0.baseAddress!)
            }
        } catch {
            throw .badTensor(name: name, problem: "\(error)")
        }
        return values
    }

    private func bias(_ name: String, count: Int) throws(InferenceError) -> [Float]? {
        guard traits.mayHaveBiases, file.tensor(named: name) != nil else { return nil }
        return try vector(name, count: count)
    }
}

/// What distinguishes one decoder architecture from another in this runtime.
struct DecoderTraits {
    /// How the GGUF converter laid out the query and key weights for rotation.
    var ggufRopeStyle: RoPE.Style
    /// Whether Q/K/V projections may carry biases.
    var mayHaveBiases: Bool
}
