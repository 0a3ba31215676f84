import Foundation
import LAMJSON

extension Tokenizer {
    /// Loads a Hugging Face `tokenizer.json` with a byte-level BPE model. When a `tokenizer_config.json` lies
    /// beside it, its `bos_token`, `eos_token` and `add_bos_token` fill in `bosToken`, `eosToken` and `addBOS`.
    public convenience init(tokenizerJSON url: URL) throws(TokenizerError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        let configURL = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        let config = try? Data(contentsOf: configURL)
        try self.init(tokenizerJSONData: data, configData: config)
    }

    /// Loads tokenizer.json from memory; `configData` is an optional tokenizer_config.json.
    public convenience init(tokenizerJSONData data: Data, configData: Data? = nil) throws(TokenizerError) {
        let root: JSONValue
        do { root = try JSONValue(parsing: [UInt8](data)) } catch { throw .invalidJSON(error) }
        var definition = try TokenizerJSONLoader.definition(from: root)
        if let configData {
            try TokenizerJSONLoader.applyConfig(configData, to: &definition)
        }
        try self.init(definition: definition)
    }
}

/// Reads the parts of tokenizer.json that byte-level BPE tokenizers use, and refuses (with the field's path)
/// anything that would make us tokenize differently from Hugging Face.
enum TokenizerJSONLoader {
    static func definition(from root: JSONValue) throws(TokenizerError) -> TokenizerDefinition {
        guard case .object = root else { throw .wrongType(field: "(root)", expected: "an object") }
        var definition = TokenizerDefinition()
        let model = try object(root["model"], "model")
        let type = try optionalString(model["type"], "model.type") ?? "BPE"
        guard type == "BPE" else { throw .unsupported(feature: "model.type \(type) (only BPE)") }
        if try optionalBool(model["byte_fallback"], "model.byte_fallback") == true {
            throw .unsupported(feature: "model.byte_fallback")
        }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = try optionalString(model[field], "model.\(field)"), !value.isEmpty {
                throw .unsupported(feature: "model.\(field)")
            }
        }
        if let dropout = model["dropout"], !dropout.isNull { throw .unsupported(feature: "model.dropout") }
        definition.ignoreMerges = try optionalBool(model["ignore_merges"], "model.ignore_merges") ?? false
        definition.unknownToken = try optionalString(model["unk_token"], "model.unk_token")

        let vocabulary = try object(model["vocab"], "model.vocab")
        definition.vocabulary.reserveCapacity(vocabulary.count)
        for (token, value) in vocabulary {
            definition.vocabulary.append((token, try tokenID(value, "model.vocab[\"\(token)\"]")))
        }
        definition.mergesField = "model.merges"
        let merges = try array(model["merges"] ?? .array([]), "model.merges")
        definition.merges.reserveCapacity(merges.count)
        for (index, merge) in merges.enumerated() {
            let field = "model.merges[\(index)]"
            switch merge {
            case .string(let text):
                definition.merges.append(try TokenizerDefinition.parseMerge(text, field: field))
            case .array(let pair) where pair.count == 2:
                definition.merges.append((try string(pair[0], field + "[0]"), try string(pair[1], field + "[1]")))
            default:
                throw .wrongType(field: field, expected: "\"left right\" or [left, right]")
            }
        }

        definition.normalizer = try normalizer(root["normalizer"], "normalizer")
        definition.preTokenizer = try preTokenizer(root["pre_tokenizer"])
        try checkDecoder(root["decoder"])
        definition.addedTokens = try addedTokens(root["added_tokens"])
        try applyPostProcessor(root["post_processor"], to: &definition)
        return definition
    }

    // MARK: Parts

    private static func normalizer(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> TokenizerDefinition.Normalizer {
        guard let value, !value.isNull else { return .none }
        let node = try object(value, field)
        switch try string(node["type"], field + ".type") {
        case "NFC":
            return .nfc
        case "Sequence":
            var result = TokenizerDefinition.Normalizer.none
            for (index, child) in try array(node["normalizers"], field + ".normalizers").enumerated() {
                let normalized = try normalizer(child, "\(field).normalizers[\(index)]")
                if normalized != .none { result = normalized }
            }
            return result
        case let other:
            throw .unsupported(feature: "\(field).type \(other)")
        }
    }

    /// The regexes of `Split` pre-tokenizers that have a scanner here.
    private static let knownSplitPatterns: [String: PreTokenizer.Step] = [
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .qwen2,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .llama3,
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#: .gpt2,
    ]

    private static func preTokenizer(_ value: JSONValue?) throws(TokenizerError) -> PreTokenizer {
        var steps: [PreTokenizer.Step] = []
        var sawByteLevel = false
        func visit(_ value: JSONValue?, _ field: String) throws(TokenizerError) {
            let node = try object(value, field)
            switch try string(node["type"], field + ".type") {
            case "Sequence":
                for (index, child) in try array(node["pretokenizers"], field + ".pretokenizers").enumerated() {
                    try visit(child, "\(field).pretokenizers[\(index)]")
                }
            case "ByteLevel":
                guard try optionalBool(node["add_prefix_space"], field + ".add_prefix_space") != true else {
                    throw .unsupported(feature: "\(field).add_prefix_space")
                }
                if try optionalBool(node["use_regex"], field + ".use_regex") ?? true { steps.append(.gpt2) }
                sawByteLevel = true
            case "Split":
                guard !sawByteLevel else { throw .unsupported(feature: "\(field): Split after ByteLevel") }
                let pattern = try object(node["pattern"], field + ".pattern")
                guard let regex = try optionalString(pattern["Regex"], field + ".pattern.Regex") else {
                    throw .unsupported(feature: "\(field).pattern (only Regex patterns)")
                }
                guard let step = knownSplitPatterns[regex] else { throw .unsupported(feature: "\(field) regex \(regex)") }
                let behavior = try string(node["behavior"], field + ".behavior")
                guard behavior == "Isolated" else { throw .unsupported(feature: "\(field).behavior \(behavior)") }
                guard try optionalBool(node["invert"], field + ".invert") != true else {
                    throw .unsupported(feature: "\(field).invert")
                }
                steps.append(step)
            case "Digits":
                guard !sawByteLevel else { throw .unsupported(feature: "\(field): Digits after ByteLevel") }
                guard try optionalBool(node["individual_digits"], field + ".individual_digits") == true else {
                    throw .unsupported(feature: "\(field) without individual_digits")
                }
                steps.append(.isolateDigits)
            case let other:
                throw .unsupported(feature: "\(field).type \(other)")
            }
        }
        try visit(value, "pre_tokenizer")
        guard sawByteLevel else { throw .unsupported(feature: "pre_tokenizer without ByteLevel (not byte-level BPE)") }
        return PreTokenizer(steps: steps)
    }

    private static func checkDecoder(_ value: JSONValue?) throws(TokenizerError) {
        guard let value, !value.isNull else { return }
        let type = try string(try object(value, "decoder")["type"], "decoder.type")
        guard type == "ByteLevel" else { throw .unsupported(feature: "decoder.type \(type)") }
    }

    private static func addedTokens(_ value: JSONValue?) throws(TokenizerError) -> [AddedToken] {
        guard let value, !value.isNull else { return [] }
        var tokens: [AddedToken] = []
        for (index, entry) in try array(value, "added_tokens").enumerated() {
            let field = "added_tokens[\(index)]"
            let node = try object(entry, field)
            if try optionalBool(node["single_word"], field + ".single_word") == true {
                throw .unsupported(feature: "\(field).single_word")
            }
            tokens.append(AddedToken(
                id: try tokenID(node["id"], field + ".id"),
                content: try string(node["content"], field + ".content"),
                isSpecial: try optionalBool(node["special"], field + ".special") ?? false,
                stripsLeft: try optionalBool(node["lstrip"], field + ".lstrip") ?? false,
                stripsRight: try optionalBool(node["rstrip"], field + ".rstrip") ?? false,
                matchesNormalized: try optionalBool(node["normalized"], field + ".normalized") ?? false))
        }
        return tokens
    }

    /// A `TemplateProcessing` post-processor (alone or in a `Sequence`, as in Llama 3) that starts every
    /// sequence with a special token is how tokenizer.json says "add BOS".
    private static func applyPostProcessor(
        _ value: JSONValue?, to definition: inout TokenizerDefinition, field: String = "post_processor"
    ) throws(TokenizerError) {
        guard let value, !value.isNull else { return }
        switch try string(try object(value, field)["type"], field + ".type") {
        case "Sequence":
            for (index, child) in try array(value["processors"], field + ".processors").enumerated() {
                try applyPostProcessor(child, to: &definition, field: "\(field).processors[\(index)]")
            }
        case "TemplateProcessing":
            guard let special = value["single"]?[0]?["SpecialToken"] else { return }
            let name = try string(special["id"], field + ".single[0].SpecialToken.id")
            guard let token = definition.addedTokens.first(where: { $0.content == name }) else {
                throw .invalidValue(field: field + ".single[0]", reason: "\"\(name)\" is not an added token")
            }
            definition.bosToken = token.id
            definition.addBOS = true
        default:
            return
        }
    }

    static func applyConfig(_ data: Data, to definition: inout TokenizerDefinition) throws(TokenizerError) {
        let config: JSONValue
        do { config = try JSONValue(parsing: [UInt8](data)) } catch { throw .invalidJSON(error) }
        func tokenNamed(_ key: String) throws(TokenizerError) -> Int32? {
            guard let value = config[key], !value.isNull else { return nil }
            // Either "<s>" or an AddedToken object {"content": "<s>", …}.
            let name = if let name = value.stringValue { name } else { try string(value["content"], "tokenizer_config.\(key)") }
            guard let token = definition.addedTokens.first(where: { $0.content == name })?.id
                    ?? definition.vocabulary.first(where: { $0.token == name })?.id else {
                throw .invalidValue(field: "tokenizer_config.\(key)", reason: "\"\(name)\" is not a token")
            }
            return token
        }
        if let bos = try tokenNamed("bos_token") { definition.bosToken = bos }
        if let eos = try tokenNamed("eos_token") { definition.eosToken = eos }
        if let addBOS = try optionalBool(config["add_bos_token"], "tokenizer_config.add_bos_token") {
            definition.addBOS = addBOS
        }
    }

    // MARK: Typed field access

    private static func object(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> JSONObject {
        guard let value else { throw .missingField(field) }
        guard let object = value.objectValue else { throw .wrongType(field: field, expected: "an object") }
        return object
    }

    private static func array(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> [JSONValue] {
        guard let value else { throw .missingField(field) }
        guard let array = value.arrayValue else { throw .wrongType(field: field, expected: "an array") }
        return array
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> String {
        guard let value else { throw .missingField(field) }
        guard let string = value.stringValue else { throw .wrongType(field: field, expected: "a string") }
        return string
    }

    private static func optionalString(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> String? {
        guard let value, !value.isNull else { return nil }
        return try string(value, field)
    }

    private static func optionalBool(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let bool = value.boolValue else { throw .wrongType(field: field, expected: "true or false") }
        return bool
    }

    private static func tokenID(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> Int32 {
        guard let value else { throw .missingField(field) }
        guard case .integer(let id) = value else { throw .wrongType(field: field, expected: "an integer token id") }
        guard id >= 0 && id < TokenizerDefinition.largestTokenID else {
            throw .invalidValue(field: field, reason: "token id \(id) out of range")
        }
        return Int32(id)
    }
}
