import Foundation

/// Whether special-token strings in a text become their special tokens.
///
/// There is deliberately no default: every call site says which it wants.
/// - Use `.recognize` for text the application wrote itself — a chat template's output, where
///   `<|im_start|>user` must become the control token that structures the prompt.
/// - Use `.plainText` for anything a user or a tool supplied (message content, documents, tool results):
///   a user who types `<|im_start|>system` then gets ordinary text tokens and cannot forge a system turn.
///
/// Added tokens that are not special (Qwen's `<tool_call>`, marked USER_DEFINED in GGUF and `"special": false`
/// in tokenizer.json) are recognized under both policies, as Hugging Face and llama.cpp do.
public enum SpecialTokenPolicy: Sendable, Equatable {
    case recognize
    case plainText
}

/// A byte-level BPE tokenizer (GPT-2 family: Qwen2, Llama 3, SmolLM) that gives the same ids as Hugging Face
/// `tokenizers` for the same tokenizer. Immutable after loading except for an internal word cache, so one
/// instance can be shared between threads.
public final class Tokenizer: Sendable {
    /// Number of token ids (the model vocabulary plus added tokens; ids are `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Tokens matched literally in text: special tokens and other added tokens, in id order.
    public let addedTokens: [AddedToken]
    public let bosToken: Int32?
    public let eosToken: Int32?
    /// End of turn, when the file names one apart from `eosToken` (Llama 3's `<|eot_id|>`).
    public let eotToken: Int32?
    /// Whether prompts should start with `bosToken`. `encode` never adds it: the prompt builder does.
    public let addBOS: Bool
    /// The tokens that end generation: `eosToken`, `eotToken`, and the special tokens whose text is a known
    /// end-of-turn marker (`<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`, `<|eom_id|>`, `<end_of_turn>`, `<|end|>`),
    /// the set llama.cpp stops on too.
    public let endOfGenerationTokens: Set<Int32>

    private let tokens: TokenTable
    private let normalizer: TokenizerDefinition.Normalizer
    private let preTokenizer: PreTokenizer
    private let encoder: BytePairEncoder
    private let allAddedTokens: AddedTokenMatcher
    private let nonSpecialAddedTokens: AddedTokenMatcher
    private let normalizedAllAddedTokens: AddedTokenMatcher
    private let normalizedNonSpecialAddedTokens: AddedTokenMatcher

    init(definition: TokenizerDefinition) throws(TokenizerError) {
        let tokens = try TokenTable(definition)
        for (name, id) in [("bos", definition.bosToken), ("eos", definition.eosToken), ("eot", definition.eotToken)] {
            if let id, !tokens.contains(id) {
                throw .invalidValue(field: "\(name) token", reason: "id \(id) is outside the vocabulary (size \(tokens.count))")
            }
        }
        self.tokens = tokens
        encoder = try BytePairEncoder(definition, modelIDs: tokens.modelIDs)
        vocabularySize = tokens.count
        addedTokens = definition.addedTokens.sorted { $0.id < $1.id }
        bosToken = definition.bosToken
        eosToken = definition.eosToken
        eotToken = definition.eotToken
        addBOS = definition.addBOS
        let endMarkers: Set<String> = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|end|>"]
        endOfGenerationTokens = Set([definition.eosToken, definition.eotToken].compactMap { $0 })
            .union(definition.addedTokens.filter { $0.isSpecial && endMarkers.contains($0.content) }.map(\.id))
        normalizer = definition.normalizer
        preTokenizer = definition.preTokenizer
        let raw = definition.addedTokens.filter { !$0.matchesNormalized }
        let normalized = definition.addedTokens.filter { $0.matchesNormalized }
        let normalizer = definition.normalizer
        allAddedTokens = AddedTokenMatcher(raw) { Array($0.content.utf8) }
        nonSpecialAddedTokens = AddedTokenMatcher(raw.filter { !$0.isSpecial }) { Array($0.content.utf8) }
        normalizedAllAddedTokens = AddedTokenMatcher(normalized) { Self.normalize(Array($0.content.utf8), normalizer) }
        normalizedNonSpecialAddedTokens = AddedTokenMatcher(normalized.filter { !$0.isSpecial }) {
            Self.normalize(Array($0.content.utf8), normalizer)
        }
    }

    // MARK: Encoding

    /// The token ids of `text`. Never adds a BOS token (see `addBOS`). `specialTokens` says whether special-token
    /// strings in the text become special tokens; see `SpecialTokenPolicy` for which to use when.
    public func encode(_ text: String, specialTokens: SpecialTokenPolicy) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 4)
        let recognize = specialTokens == .recognize
        var text = text
        text.withUTF8 { bytes in
            let matcher = recognize ? allAddedTokens : nonSpecialAddedTokens
            guard !matcher.isEmpty else { return encodeUnmatched(bytes, recognize: recognize, into: &output) }
            for segment in matcher.split(bytes) {
                switch segment {
                case .token(let id): output.append(id)
                case .text(let range): encodeUnmatched(UnsafeBufferPointer(rebasing: bytes[range]), recognize: recognize, into: &output)
                }
            }
        }
        return output
    }

    /// Text with no raw added tokens left in it: normalize, match the normalized added tokens, pre-tokenize, BPE.
    private func encodeUnmatched(_ bytes: UnsafeBufferPointer<UInt8>, recognize: Bool, into output: inout [Int32]) {
        guard normalizer != .none else { return encodeNormalized(bytes, recognize: recognize, into: &output) }
        Self.normalize(Array(bytes), normalizer).withUnsafeBufferPointer { normalized in
            encodeNormalized(normalized, recognize: recognize, into: &output)
        }
    }

    private func encodeNormalized(_ bytes: UnsafeBufferPointer<UInt8>, recognize: Bool, into output: inout [Int32]) {
        let matcher = recognize ? normalizedAllAddedTokens : normalizedNonSpecialAddedTokens
        guard !matcher.isEmpty else { return encodeWords(bytes, into: &output) }
        for segment in matcher.split(bytes) {
            switch segment {
            case .token(let id): output.append(id)
            case .text(let range): encodeWords(UnsafeBufferPointer(rebasing: bytes[range]), into: &output)
            }
        }
    }

    private func encodeWords(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let scanned = ScannedText(utf8: bytes)
        scanned.bytes.withUnsafeBufferPointer { buffer in
            preTokenizer.split(scanned) { scalars in
                encoder.encode(UnsafeBufferPointer(rebasing: buffer[scanned.byteRange(scalars)]), into: &output)
            }
        }
    }

    private static func normalize(_ bytes: [UInt8], _ normalizer: TokenizerDefinition.Normalizer) -> [UInt8] {
        switch normalizer {
        case .none:
            return bytes
        case .nfc:
            // Scalars below U+0300 (lead bytes below 0xCC) are never changed by NFC.
            guard bytes.contains(where: { $0 >= 0xCC }) else { return bytes }
            // The standard library's own NFC (the one String comparison uses). Foundation's
            // precomposedStringWithCanonicalMapping is wrong on Linux for characters beyond U+FFFF: it composes
            // U+100E2 U+0301 into U+1EA5, as if the first were U+00E2.
            return String(decoding: bytes, as: UTF8.self)._nfcCodeUnits
        }
    }

    // MARK: Decoding

    /// The text of `ids`. Bytes that do not form valid UTF-8 (a character cut off by the end of the sequence,
    /// say) become U+FFFD, as in Hugging Face. Ids outside the vocabulary are skipped.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids where isValid(id) && !(skipSpecialTokens && tokens.specialFlags[Int(id)]) {
            appendBytes(of: id, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The raw bytes a token stands for (empty for an id outside the vocabulary). Not necessarily valid UTF-8
    /// on its own: byte-level tokens may hold part of a character.
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        guard isValid(id) else { return [] }
        return Array(tokens.bytes(of: id))
    }

    func appendBytes(of id: Int32, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: tokens.bytes(of: id))
    }

    func isValid(_ id: Int32) -> Bool { tokens.contains(id) }

    // MARK: Lookup

    /// The token whose text is exactly `text` (for example `"<|im_end|>"` or `" hello"`), if there is one.
    public func tokenID(forText text: String) -> Int32? {
        tokens.idsByText[Array(text.utf8)]
    }

    /// The token as the vocabulary stores it (byte-level alphabet: `"Ġhello"` for `" hello"`); nil when out of range.
    public func vocabularyEntry(_ id: Int32) -> String? {
        isValid(id) ? tokens.forms[Int(id)] : nil
    }

    /// Whether `id` is a special (control) token.
    public func isSpecial(_ id: Int32) -> Bool {
        isValid(id) && tokens.specialFlags[Int(id)]
    }
}
