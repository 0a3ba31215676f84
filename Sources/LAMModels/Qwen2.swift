import LAMModelFiles

/// Qwen2 and Qwen2.5 (xLAM-2's 1B, 3B and 32B models, Qwen2.5-Coder): a Llama-style decoder — RMSNorm,
/// grouped-query attention, SwiGLU — with biases on the Q, K and V projections, an output head that is either
/// separate or tied to the token embedding, and NEOX-style RoPE (pairs `(i, i + d/2)`), which llama.cpp's
/// converter leaves as is. Long contexts (Qwen2.5's 128k) use YaRN scaling from the `rope.scaling.*` keys.
public enum Qwen2 {
    static let traits = DecoderTraits(ggufRopeStyle: .halves, mayHaveBiases: true)

    public static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerDecoder {
        try GGUFDecoderLoader(file: file, architecture: "qwen2", traits: traits).load()
    }
}
