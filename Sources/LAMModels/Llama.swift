import LAMModelFiles

/// Llama 2/3 and its relatives (SmolLM2; xLAM-2's 8B and 70B): RMSNorm, grouped-query attention without
/// biases, SwiGLU. llama.cpp's converter permutes the Q and K weights so that RoPE rotates adjacent pairs
/// `(2i, 2i+1)`; Llama 3's frequency scaling arrives as the `rope_freqs.weight` tensor of per-pair factors.
public enum Llama {
    static let traits = DecoderTraits(ggufRopeStyle: .interleaved, mayHaveBiases: true)

    public static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerDecoder {
        try GGUFDecoderLoader(file: file, architecture: "llama", traits: traits).load()
    }
}
