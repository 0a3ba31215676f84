/// Every token by id: its stored form, the raw bytes it decodes to, whether it is special; and the reverse
/// lookups from a token's text and (for BPE) from a model vocabulary entry to its id.
struct TokenTable: Sendable {
    let count: Int
    let forms: [String]
    private let bytesArena: [UInt8]
    private let bytesOffsets: [Int32]
    let specialFlags: [Bool]
    let idsByText: [[UInt8]: Int32]
    /// Model vocabulary entries (stored form) to ids: what merge rules and `unk_token` refer to.
    let modelIDs: [String: Int32]

    init(_ definition: TokenizerDefinition) throws(TokenizerError) {
        var size = 0
        var modelIDs: [String: Int32] = [:]
        modelIDs.reserveCapacity(definition.vocabulary.count)
        for (token, id) in definition.vocabulary {
            guard id >= 0, Int(id) < TokenizerDefinition.largestTokenID else {
                throw .invalidValue(field: "vocabulary[\"\(token)\"]", reason: "token id \(id) out of range")
            }
            modelIDs[token] = id
            size = max(size, Int(id) + 1)
        }
        for token in definition.addedTokens {
            guard token.id >= 0, Int(token.id) < TokenizerDefinition.largestTokenID else {
                throw .invalidValue(field: "added token \"\(token.content)\"", reason: "token id \(token.id) out of range")
            }
            guard !token.content.isEmpty else {
                throw .invalidValue(field: "added token \(token.id)", reason: "empty content")
            }
            size = max(size, Int(token.id) + 1)
        }
        guard size > 0 else { throw .invalidValue(field: "vocabulary", reason: "no tokens") }
        // Ids may leave gaps, but not so many that a small file could make us allocate gigabytes.
        let entries = definition.vocabulary.count + definition.addedTokens.count
        guard size <= max(1024, 2 * entries) else {
            throw .invalidValue(field: "vocabulary", reason: "token id \(size - 1) is far beyond the \(entries) tokens defined")
        }

        var forms = [String](repeating: "", count: size)
        for (token, id) in definition.vocabulary { forms[Int(id)] = token }
        var special = [Bool](repeating: false, count: size)
        for token in definition.addedTokens {
            forms[Int(token.id)] = token.content
            special[Int(token.id)] = token.isSpecial
        }
        let decoded = forms.map { ByteLevelAlphabet.decodedBytes(of: $0) }
        var arena: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(size + 1)
        for bytes in decoded {
            arena.append(contentsOf: bytes)
            guard arena.count < Int(Int32.max) else { throw .invalidValue(field: "vocabulary", reason: "too large") }
            offsets.append(Int32(arena.count))
        }
        // Added tokens first: "<|im_end|>" names the added token even if a vocabulary entry spells it too.
        var byText: [[UInt8]: Int32] = [:]
        for token in definition.addedTokens where byText[decoded[Int(token.id)]] == nil {
            byText[decoded[Int(token.id)]] = token.id
        }
        for (token, id) in definition.vocabulary {
            guard let bytes = ByteLevelAlphabet.bytes(ofEncoded: token), byText[bytes] == nil else { continue }
            byText[bytes] = id
        }

        count = size
        self.forms = forms
        bytesArena = arena
        bytesOffsets = offsets
        specialFlags = special
        idsByText = byText
        self.modelIDs = modelIDs
    }

    func contains(_ id: Int32) -> Bool { id >= 0 && Int(id) < count }

    /// The raw bytes of a token; `id` must be valid.
    func bytes(of id: Int32) -> ArraySlice<UInt8> {
        bytesArena[Int(bytesOffsets[Int(id)])..<Int(bytesOffsets[Int(id) + 1])]
    }
}
