import LAMModelFiles

extension Tokenizer {
    /// Loads the tokenizer stored in a GGUF file's `tokenizer.ggml.*` metadata. Only byte-level BPE
    /// (`tokenizer.ggml.model` = `gpt2`) is supported, with the pre-tokenizers `qwen2`, `llama-bpe`/`llama3`,
    /// `smollm` and `gpt2`.
    ///
    /// For `qwen2` the text is normalized to NFC first, as the original Qwen2 tokenizer does (llama.cpp skips
    /// this step, so the two differ on text that is not in NFC). Tokens of type CONTROL are special tokens;
    /// USER_DEFINED ones (Qwen's `<tool_call>`) are added tokens that are always recognized.
    public convenience init(gguf file: GGUFFile) throws(TokenizerError) {
        try self.init(definition: GGUFTokenizerLoader.definition(from: file.metadata))
    }
}

enum GGUFTokenizerLoader {
    /// GGUF token types (llama.cpp's `llama_token_type`).
    private enum TokenType: Int {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    static func definition(from metadata: GGUFMetadata) throws(TokenizerError) -> TokenizerDefinition {
        func present(_ key: String) -> Bool { metadata[key] != nil }
        func required<T>(_ key: String, _ value: T?, _ expected: String) throws(TokenizerError) -> T {
            guard let value else { throw present(key) ? .wrongType(field: key, expected: expected) : .missingField(key) }
            return value
        }
        func optional<T>(_ key: String, _ value: T?, _ expected: String) throws(TokenizerError) -> T? {
            if value == nil && present(key) { throw .wrongType(field: key, expected: expected) }
            return value
        }
        func tokenID(_ key: String) throws(TokenizerError) -> Int32? {
            guard let id = try optional(key, metadata.integer(key), "an integer") else { return nil }
            guard id >= 0 && id < TokenizerDefinition.largestTokenID else {
                throw .invalidValue(field: key, reason: "token id \(id) out of range")
            }
            return Int32(id)
        }

        let model = try required("tokenizer.ggml.model", metadata.string("tokenizer.ggml.model"), "a string")
        guard model == "gpt2" else { throw .unsupported(feature: "tokenizer.ggml.model \(model) (only gpt2, byte-level BPE)") }
        let tokens = try required("tokenizer.ggml.tokens", metadata.stringArray("tokenizer.ggml.tokens"), "an array of strings")
        let types = try optional("tokenizer.ggml.token_type", metadata.integerArray("tokenizer.ggml.token_type"), "an array of integers")
        if let types, types.count != tokens.count {
            throw .invalidValue(field: "tokenizer.ggml.token_type", reason: "\(types.count) types for \(tokens.count) tokens")
        }
        guard tokens.count < TokenizerDefinition.largestTokenID else {
            throw .invalidValue(field: "tokenizer.ggml.tokens", reason: "\(tokens.count) tokens is too many")
        }
        let merges = try required("tokenizer.ggml.merges", metadata.stringArray("tokenizer.ggml.merges"), "an array of strings")

        var definition = TokenizerDefinition()
        definition.vocabulary = tokens.enumerated().map { ($0.element, Int32($0.offset)) }
        definition.mergesField = "tokenizer.ggml.merges"
        definition.merges.reserveCapacity(merges.count)
        for (index, merge) in merges.enumerated() {
            definition.merges.append(try TokenizerDefinition.parseMerge(merge, field: "tokenizer.ggml.merges[\(index)]"))
        }
        for (index, type) in (types ?? []).enumerated() {
            guard let type = TokenType(rawValue: type), type == .control || type == .userDefined else { continue }
            definition.addedTokens.append(AddedToken(
                id: Int32(index), content: tokens[index], isSpecial: type == .control,
                stripsLeft: false, stripsRight: false, matchesNormalized: false))
        }

        let pre = try optional("tokenizer.ggml.pre", metadata.string("tokenizer.ggml.pre"), "a string") ?? "default"
        switch pre {
        case "qwen2":
            definition.normalizer = .nfc
            definition.preTokenizer = PreTokenizer(steps: [.qwen2])
        case "llama-bpe", "llama3":
            definition.preTokenizer = PreTokenizer(steps: [.llama3])
            definition.ignoreMerges = true
        case "smollm":
            definition.preTokenizer = PreTokenizer(steps: [.isolateDigits, .gpt2])
        case "gpt2":
            definition.preTokenizer = PreTokenizer(steps: [.gpt2])
        default:
            throw .unsupported(feature: "tokenizer.ggml.pre \(pre)")
        }

        definition.bosToken = try tokenID("tokenizer.ggml.bos_token_id")
        definition.eosToken = try tokenID("tokenizer.ggml.eos_token_id")
        definition.eotToken = try tokenID("tokenizer.ggml.eot_token_id")
        definition.addBOS = try optional("tokenizer.ggml.add_bos_token", metadata.bool("tokenizer.ggml.add_bos_token"), "a bool") ?? false
        return definition
    }
}
