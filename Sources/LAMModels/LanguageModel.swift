import LAMKernels

/// A causal language model: feeds tokens through the network, appending their keys and values to a cache,
/// and returns next-token logits.
public protocol LanguageModel: AnyObject, Sendable {
    var configuration: ModelConfiguration { get }

    /// A cache for this model holding up to `capacity` positions (default: the model's context length).
    func makeCache(capacity: Int?, precision: KVPrecision) -> KVCache

    /// Runs `tokens` at positions `cache.count...`, appends them to `cache`, and returns the logits of the
    /// last token, or of every token when `allLogits` is true (`tokens.count × vocabularySize`, row-major).
    func evaluate(_ tokens: [Int], cache: KVCache, allLogits: Bool) throws(InferenceError) -> [Float]

    /// Runs several sequences at once, each step's tokens after what its own cache holds (a decode step is one
    /// token, a prompt chunk several), and returns each step's last-token logits, in order (empty for a step
    /// that does not need them). The weights are read once for all of them. Each cache may appear once.
    func evaluate(_ steps: [SequenceStep]) throws(InferenceError) -> [[Float]]
}

/// One sequence's part of a batched evaluation.
public struct SequenceStep: Sendable {
    public var tokens: [Int]
    public var cache: KVCache
    /// False for a prompt chunk that more chunks follow: nothing samples after it.
    public var needsLogits: Bool

    public init(tokens: [Int], cache: KVCache, needsLogits: Bool = true) {
        self.tokens = tokens
        self.cache = cache
        self.needsLogits = needsLogits
    }
}

extension LanguageModel {
    public func makeCache() -> KVCache { makeCache(capacity: nil, precision: .f16) }
}

public enum InferenceError: Error, Equatable, CustomStringConvertible {
    /// The tokens do not fit: `needed` positions, the cache holds `capacity`.
    case contextOverflow(needed: Int, capacity: Int)
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    case emptyInput
    case unsupportedArchitecture(String)
    case missingMetadata(String)
    case invalidMetadata(String)
    case missingTensor(String)
    case badTensor(name: String, problem: String)
    /// The model file itself could not be read (its description names the problem and byte offset).
    case modelFile(String)

    public var description: String {
        switch self {
        case .contextOverflow(let needed, let capacity):
            "the input needs \(needed) positions but the context holds \(capacity)"
        case .tokenOutOfRange(let token, let size): "token id \(token) is outside the vocabulary of \(size)"
        case .emptyInput: "no tokens to evaluate"
        case .unsupportedArchitecture(let name): "unsupported model architecture '\(name)' (supported: qwen2, llama)"
        case .missingMetadata(let key): "model file lacks the metadata key '\(key)'"
        case .invalidMetadata(let what): "invalid model metadata: \(what)"
        case .missingTensor(let name): "model file lacks the tensor '\(name)'"
        case .badTensor(let name, let problem): "tensor '\(name)': \(problem)"
        case .modelFile(let problem): problem
        }
    }
}
