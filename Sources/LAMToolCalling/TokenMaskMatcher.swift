/// Constrained decoding for one generation: which tokens may come next, and the state after each chosen token.
///
/// Build the `Grammar` (per tools/choice/format or per response schema) and the `TokenVocabulary` (per tokenizer)
/// once; make one matcher per request. Each step: `allowedTokens(into:)`, sample among the allowed, `advance`.
public struct TokenMaskMatcher {
    public let vocabulary: TokenVocabulary
    private var matcher: GrammarMatcher
    /// The generation ended with an end-of-sequence token.
    public private(set) var isFinished = false
    /// Stacks under exploration during the mask walk, level after level.
    private var levels: [Int32] = []

    public init(grammar: Grammar, vocabulary: TokenVocabulary) {
        self.vocabulary = vocabulary
        matcher = GrammarMatcher(grammar: grammar)
    }

    /// The text so far is a complete reply (end-of-sequence is allowed).
    public var isComplete: Bool { matcher.isComplete }

    /// Marks the tokens allowed next. End-of-sequence ids are allowed exactly when the reply is complete.
    public mutating func allowedTokens(into mask: inout TokenBitmask) {
        precondition(mask.count == vocabulary.count, "mask size \(mask.count) differs from the vocabulary's \(vocabulary.count)")
        mask.clear()
        if isFinished { return }
        if matcher.acceptsAnything {
            mask.setAll()
            for (id, bytes) in vocabulary.tokenBytes.enumerated() where bytes.isEmpty { mask[id] = false }
            for id in vocabulary.endOfSequenceIDs { mask[id] = true }
            return
        }
        if matcher.isComplete {
            for id in vocabulary.endOfSequenceIDs { mask[id] = true }
        }
        let mark = matcher.used
        levels.removeAll(keepingCapacity: true)
        levels.append(contentsOf: matcher.tops)
        if let top = matcher.tops.first, matcher.tops.count == 1, canTakeAnyStringSafeToken(matcher.arena[Int(top)]) {
            mask.formUnion(vocabulary.stringSafe)
            walk(vocabulary.stringUnsafeTrie, node: 0, levelStart: 0, into: &mask)
        } else {
            walk(vocabulary.trie, node: 0, levelStart: 0, into: &mask)
        }
        matcher.rewind(to: mark)
    }

    /// Consumes `token`. Returns false, changing nothing, when the grammar does not allow it.
    @discardableResult
    public mutating func advance(token: Int) -> Bool {
        guard !isFinished, token >= 0, token < vocabulary.count else { return false }
        if vocabulary.endOfSequenceIDs.contains(token) {
            guard matcher.isComplete else { return false }
            isFinished = true
            return true
        }
        let bytes = vocabulary.tokenBytes[token]
        guard !bytes.isEmpty else { return false }
        return matcher.advance(bytes)
    }

    /// Text that would complete the reply from here (e.g. to close a call cut off by a token limit): the bytes
    /// to append, empty when already complete, nil when the reply has ended.
    public func completion() -> [UInt8]? {
        isFinished ? nil : matcher.completion()
    }

    /// Consumes raw bytes (e.g. a forced prefix). Returns false, changing nothing, when they are not allowed.
    @discardableResult
    public mutating func advance(bytes: [UInt8]) -> Bool {
        guard !isFinished else { return false }
        return matcher.advance(bytes)
    }

    /// A stack inside a string, between characters, with room for the longest string-safe token: every such
    /// token is allowed, whatever its bytes.
    private func canTakeAnyStringSafeToken(_ frame: Frame) -> Bool {
        guard frame.phase == 1 else { return false }
        switch frame.role {
        case .freeKey:
            return frame.cursor < 0
        case .value:
            let node = matcher.grammar.nodes[Int(frame.node)]
            guard node.kind == .string else { return false }
            return node.maxCount < 0 || node.maxCount - frame.count >= vocabulary.longestStringSafeToken
        default:
            return false
        }
    }

    /// Depth-first over the trie: a child byte is tried on every live stack; tokens ending where some stack
    /// survives are allowed; subtrees where none survives are skipped whole.
    private mutating func walk(_ trie: ByteTrie, node: Int32, levelStart: Int, into mask: inout TokenBitmask) {
        let levelEnd = levels.count
        for slot in trie.children(of: node) {
            let byte = trie.childBytes[slot]
            let child = trie.childNodes[slot]
            let mark = matcher.used
            matcher.produced.removeAll(keepingCapacity: true)
            for index in levelStart..<levelEnd { matcher.feed(levels[index], byte) }
            if !matcher.produced.isEmpty {
                for token in trie.values(of: child) { mask.set(token) }
                if trie.childCount[Int(child)] > 0 {
                    levels.append(contentsOf: matcher.produced)
                    walk(trie, node: child, levelStart: levelEnd, into: &mask)
                    levels.removeSubrange(levelEnd...)
                }
            }
            matcher.rewind(to: mark)
        }
    }
}
