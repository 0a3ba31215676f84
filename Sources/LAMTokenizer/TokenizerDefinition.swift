/// What a byte-level BPE tokenizer is made of, whichever file described it. The loaders (GGUF metadata,
/// tokenizer.json) fill one in; `Tokenizer.init(definition:)` checks it and builds the lookup tables.
struct TokenizerDefinition {
    enum Normalizer: Equatable {
        case none
        /// Unicode canonical composition (Qwen2).
        case nfc
    }

    /// The BPE model's vocabulary in its stored (byte-level alphabet) form, with ids.
    var vocabulary: [(token: String, id: Int32)] = []
    /// Merge rules, highest priority first, as pairs of vocabulary entries.
    var merges: [(left: String, right: String)] = []
    /// Where the merges came from, for error messages (`model.merges`, `tokenizer.ggml.merges`).
    var mergesField = "merges"
    var addedTokens: [AddedToken] = []
    var normalizer: Normalizer = .none
    var preTokenizer = PreTokenizer(steps: [.gpt2])
    var ignoreMerges = false
    var unknownToken: String?
    var bosToken: Int32?
    var eosToken: Int32?
    var eotToken: Int32?
    var addBOS = false

    /// Token ids above this are refused: a hostile file must not make us allocate without bound.
    static let largestTokenID: Int = 1 << 24

    static func parseMerge(_ text: String, field: String) throws(TokenizerError) -> (left: String, right: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidValue(field: field, reason: "a merge must be two tokens separated by one space, got \"\(text)\"")
        }
        return (String(parts[0]), String(parts[1]))
    }
}
