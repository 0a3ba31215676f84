import LAMKernels

/// The shape and numerics of a decoder-only transformer, as read from a model file.
public struct ModelConfiguration: Sendable, Equatable {
    public var architecture: String
    public var layerCount: Int
    public var hiddenSize: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDimension: Int
    public var feedForwardSize: Int
    public var vocabularySize: Int
    public var contextLength: Int
    public var rmsNormEpsilon: Float
    public var ropeBase: Double
    public var ropeDimensions: Int
    public var ropeStyle: RoPE.Style
    public var ropeScaling: RoPE.Scaling

    /// Checks the numbers that the forward pass relies on, so a bad file fails here and not in a kernel.
    func validated() throws(InferenceError) -> ModelConfiguration {
        func require(_ ok: Bool, _ what: String) throws(InferenceError) {
            if !ok { throw .invalidMetadata(what) }
        }
        try require(layerCount > 0 && layerCount <= 1024, "layer count \(layerCount)")
        try require(hiddenSize > 0 && hiddenSize <= 65536, "hidden size \(hiddenSize)")
        try require(headCount > 0 && kvHeadCount > 0 && headCount % kvHeadCount == 0,
                    "\(headCount) attention heads cannot share \(kvHeadCount) key/value heads")
        try require(headDimension > 0 && headDimension % 2 == 0 && headDimension <= 1024, "head dimension \(headDimension)")
        try require(ropeDimensions > 0 && ropeDimensions <= headDimension && ropeDimensions % 2 == 0,
                    "rope dimensions \(ropeDimensions) for heads of \(headDimension)")
        try require(feedForwardSize > 0 && feedForwardSize <= 1 << 20, "feed-forward size \(feedForwardSize)")
        try require(vocabularySize > 0 && vocabularySize <= 1 << 24, "vocabulary size \(vocabularySize)")
        try require(contextLength > 0 && contextLength <= 1 << 24, "context length \(contextLength)")
        try require(rmsNormEpsilon > 0 && rmsNormEpsilon < 1, "RMSNorm epsilon \(rmsNormEpsilon)")
        try require(ropeBase > 1, "rope base \(ropeBase)")
        return self
    }
}
