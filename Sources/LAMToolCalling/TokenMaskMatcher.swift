/// Constrained decoding for one generation: which tokens may come next, and the state after each chosen token.
///
/// Build the `TokenVocabulary` once per tokenizer and the `Grammar` once per (tools, choice, format) or response
/// schema; make one matcher per request:
///
///     let vocabulary = TokenVocabulary(tokenBytes: bytesOfEachTokenID, endOfSequenceIDs: [151643, 151645])
///     let grammar = try Grammar.toolCalls(tools, choice: .required, format: .xlam)!   // nil for .none
///     var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary)
///     var mask = TokenBitmask(count: vocabulary.count)
///     while !matcher.isFinished {
///         matcher.allowedTokens(into: &mask)       // set logits of tokens where !mask[id] to -infinity
///         let token = sample(logits, mask)
///         matcher.advance(token: token)            // an end-of-sequence id finishes the matcher
///     }
///
/// At a token limit, `completion()` gives the bytes that close the reply validly.
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
            mask.formUnion(vocabulary.visible)
            for id in vocabulary.endOfSequenceIDs { mask[id] = true }
            return
        }
        if matcher.isComplete {
            for id in vocabulary.endOfSequenceIDs { mask[id] = true }
        }
        let mark = matcher.used
        // Stacks between characters of a string take every string-safe token: set those in one go and walk only
        // the other tokens for them. The remaining stacks (keys, numbers, structure) walk the whole trie, which
        // they prune within a byte or two.
        var undecided: [Int32] = []
        var inString: [Int32] = []
        var elsewhere: [Int32] = []
        for top in matcher.tops {
            let frame = matcher.arena[Int(top)]
            if matcher.untypedTriggers(frame) != nil { undecided.append(top) }
            else if canTakeAnyStringSafeToken(frame) { inString.append(top) }
            else { elsewhere.append(top) }
        }
        // Free text that has not yet typed a call trigger takes every token except those that complete one.
        for top in undecided {
            let (triggers, typed) = matcher.untypedTriggers(matcher.arena[Int(top)])!
            mask.formUnion(vocabulary.visible)
            clearTokens(completing: triggers, typed: typed, from: 0, in: &mask)
        }
        if !inString.isEmpty {
            // Strings near their maxLength take only the short string-safe tokens in one go.
            let room = inString.map { stringRoom(matcher.arena[Int($0)]) }.min()!
            levels.removeAll(keepingCapacity: true)
            levels.append(contentsOf: inString)
            if room >= vocabulary.longestStringSafeToken {
                mask.formUnion(vocabulary.stringSafe)
                walk(vocabulary.stringUnsafeTrie, node: 0, levelStart: 0, into: &mask)
            } else if let shortcut = vocabulary.shortStringShortcuts.last(where: { $0.characters <= room }) {
                mask.formUnion(shortcut.safe)
                walk(shortcut.rest, node: 0, levelStart: 0, into: &mask)
            } else {
                walk(vocabulary.trie, node: 0, levelStart: 0, into: &mask)
            }
        }
        if !elsewhere.isEmpty {
            levels.removeAll(keepingCapacity: true)
            levels.append(contentsOf: elsewhere)
            walkFromRoot(into: &mask)
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

    /// From now on a list of calls takes no call after the one being written: for a reply whose token budget
    /// cannot hold another.
    public mutating func closeCallLists() { matcher.closeCallLists() }

    /// Consumes raw bytes (e.g. a forced prefix). Returns false, changing nothing, when they are not allowed.
    @discardableResult
    public mutating func advance(bytes: [UInt8]) -> Bool {
        guard !isFinished else { return false }
        return matcher.advance(bytes)
    }

    /// Clears the tokens from vocabulary-trie `node` on whose bytes free text would complete a trigger (at
    /// `typed` in the triggers' trie): the stack of the call grammar decides those. Whitespace before the first
    /// trigger byte keeps the reply at its start.
    private func clearTokens(completing triggers: ByteTrie, typed: Int32, from node: Int32, in mask: inout TokenBitmask) {
        let trie = vocabulary.trie
        if triggers.valueCount[Int(typed)] > 0 {
            var pending = [node]
            while let next = pending.popLast() {
                for token in trie.values(of: next) { mask[Int(token)] = false }
                for slot in trie.children(of: next) { pending.append(trie.childNodes[slot]) }
            }
            return
        }
        for slot in trie.children(of: node) {
            let byte = trie.childBytes[slot]
            let next = typed == 0 && isWhitespace(byte) ? 0 : triggers.child(of: typed, byte: byte)
            if next >= 0 { clearTokens(completing: triggers, typed: next, from: trie.childNodes[slot], in: &mask) }
        }
    }

    /// A stack inside a string, between characters: every string-safe token that fits in the room left is
    /// allowed, whatever its bytes.
    private func canTakeAnyStringSafeToken(_ frame: Frame) -> Bool {
        guard frame.phase == 1 else { return false }
        switch frame.role {
        case .freeKey:
            // The key trie shadow only matters at the closing quote, which no string-safe token contains.
            return true
        case .value:
            return matcher.grammar.nodes[Int(frame.node)].kind == .string
        default:
            return false
        }
    }

    /// Characters a string frame may still take.
    private func stringRoom(_ frame: Frame) -> Int32 {
        guard frame.role == .value else { return .max }
        let node = matcher.grammar.nodes[Int(frame.node)]
        return node.maxCount < 0 ? .max : node.maxCount - frame.count
    }

    /// The first level of the whole-vocabulary walk, with the string shortcut one byte in: when the first byte
    /// leaves every stack between characters of a roomy string (it opened one, or ended an escape), the tokens
    /// whose other bytes are string-safe are allowed at once and only the rest of the subtree is walked.
    private mutating func walkFromRoot(into mask: inout TokenBitmask) {
        let trie = vocabulary.trie
        let levelEnd = levels.count
        for slot in trie.children(of: 0) {
            let byte = trie.childBytes[slot]
            let child = trie.childNodes[slot]
            let mark = matcher.used
            matcher.produced.removeAll(keepingCapacity: true)
            for index in 0..<levelEnd { matcher.feed(levels[index], byte) }
            if !matcher.produced.isEmpty {
                for token in trie.values(of: child) { mask.set(token) }
                let roomy = matcher.produced.allSatisfy { top in
                    let frame = matcher.arena[Int(top)]
                    return canTakeAnyStringSafeToken(frame) && stringRoom(frame) >= vocabulary.longestStringSafeToken
                }
                levels.append(contentsOf: matcher.produced)
                if roomy {
                    let range = Int(vocabulary.tailSafeStart[Int(byte)])..<Int(vocabulary.tailSafeStart[Int(byte) + 1])
                    for token in vocabulary.tailSafeIDs[range] { mask.set(token) }
                    let rest = vocabulary.tailUnsafeTrie.child(of: 0, byte: byte)
                    if rest >= 0 { walk(vocabulary.tailUnsafeTrie, node: rest, levelStart: levelEnd, into: &mask) }
                } else if trie.childCount[Int(child)] > 0 {
                    walk(trie, node: child, levelStart: levelEnd, into: &mask)
                }
                levels.removeSubrange(levelEnd...)
            }
            matcher.rewind(to: mark)
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
