/// Runs a `Grammar` over bytes: a pushdown automaton whose stacks live in an append-only arena of frames.
///
/// A stack is the index of its top frame; frames are never changed in place (a step appends a changed copy), so
/// one state can branch into many (alternatives of `anyOf`, a tag that may close or repeat) and the mask walk can
/// explore the vocabulary trie depth-first and drop what it explored by truncating the arena: no copying, no
/// re-parsing from the start.
struct GrammarMatcher {
    let grammar: Grammar
    /// Alternatives of each choice node, flattened through nested choices (cycles cut), unsatisfiable ones removed.
    private let alternatives: [[Int32]]
    private(set) var arena: [Frame] = []
    private(set) var used = 0
    /// The live stacks after the bytes accepted so far.
    private(set) var tops: [Int32] = []
    /// Scratch: the stacks produced by `feed`.
    var produced: [Int32] = []
    /// Lists of calls take no further call (see `closeCallLists()`).
    private(set) var callListsClosed = false

    init(grammar: Grammar) {
        self.grammar = grammar
        alternatives = Self.flattenChoices(grammar)
        arena.reserveCapacity(4096)
        tops = [store(Frame(node: -1, parent: -1, role: .document))]
        if grammar.freeText >= 0 {
            // `tool_choice: auto`: a second stack, free text under a document of its own, already started (so
            // that the empty reply is complete and the first mask need not expand it).
            var document = Frame(node: -1, parent: -1, role: .document)
            document.phase = 1
            tops.append(store(Frame(node: grammar.freeText, parent: store(document), role: .value)))
        }
    }

    // MARK: Committing bytes

    /// Consumes `bytes` if every one is allowed; otherwise leaves the state as it was and returns false.
    mutating func advance<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        let savedUsed = used
        var current = tops
        for byte in bytes {
            produced.removeAll(keepingCapacity: true)
            for top in current { feed(top, byte) }
            if produced.isEmpty {
                used = savedUsed
                return false
            }
            current = deduplicated(produced)
        }
        tops = current
        if used > 1 << 16 { compact() }
        return true
    }

    var isComplete: Bool { tops.contains { isComplete($0) } }

    /// From now on a list of calls ends after the call being written (or at once, when it holds enough): for
    /// a generation whose token budget cannot hold another call.
    mutating func closeCallLists() { callListsClosed = true }

    /// Some stack accepts any text from here on (free text in `tool_choice: auto`).
    var acceptsAnything: Bool { tops.contains { isFree(arena[Int($0)]) } }

    func isComplete(_ top: Int32) -> Bool {
        var frame = arena[Int(top)]
        while true {
            if frame.role == .document { return frame.phase == 2 }
            if !isAccepting(frame) { return false }
            frame = completed(arena[Int(frame.parent)], child: frame)
        }
    }

    /// For free text that has not diverged from every call trigger yet: the trie of the triggers and the node
    /// reached in it.
    func untypedTriggers(_ frame: Frame) -> (triggers: ByteTrie, node: Int32)? {
        guard frame.role == .value, grammar.nodes[Int(frame.node)].kind == .freeText, frame.phase == 0 else { return nil }
        return (grammar.tries[Int(grammar.nodes[Int(frame.node)].trie)], frame.cursor)
    }

    func isFree(_ frame: Frame) -> Bool {
        frame.role == .value && grammar.nodes[Int(frame.node)].kind == .freeText && frame.phase == 1
    }

    // MARK: The step function

    /// Appends to `produced` every stack that results from `byte` on stack `top`.
    mutating func feed(_ top: Int32, _ byte: UInt8) {
        var current = top
        while true {
            let frame = arena[Int(current)]
            switch react(frame, byte) {
            case .consumed(let next):
                produced.append(store(next))
                return
            case .reject:
                return
            case .done:
                // The frame's value is complete and the byte belongs to its parent.
                current = store(completed(arena[Int(frame.parent)], child: frame))
            case .enter(let parent, let node):
                let at = store(parent)
                enter(node, parent: at, byte)
                return
            case .enterOrDone(let parent, let node):
                enter(node, parent: store(parent), byte)
                current = store(completed(arena[Int(frame.parent)], child: frame))
            case .enterKey(let parent):
                let at = store(parent)
                enterKey(of: parent, at: at, byte)
                return
            }
        }
    }

    @inline(__always) private mutating func store(_ frame: Frame) -> Int32 {
        if used < arena.count { arena[used] = frame } else { arena.append(frame) }
        used += 1
        return Int32(used - 1)
    }

    /// Truncates the arena back to `mark` (the mask walk's backtracking).
    @inline(__always) mutating func rewind(to mark: Int) { used = mark }

    private mutating func enter(_ node: Int32, parent: Int32, _ byte: UInt8) {
        let kind = grammar.nodes[Int(node)].kind
        if kind == .choice {
            for alternative in alternatives[Int(node)] { enterSingle(alternative, parent: parent, byte) }
        } else if grammar.nodes[Int(node)].satisfiable {
            enterSingle(node, parent: parent, byte)
        }
    }

    private mutating func enterSingle(_ node: Int32, parent: Int32, _ byte: UInt8) {
        var frame = Frame(node: node, parent: parent, role: .value)
        if grammar.nodes[Int(node)].kind == .object { frame.cursor = -1 }
        feed(store(frame), byte)
    }

    private mutating func enterKey(of object: Frame, at parent: Int32, _ byte: UInt8) {
        let shape = grammar.objects[Int(grammar.nodes[Int(object.node)].shape)]
        let available = availableKeys(object, shape)
        if available != 0 {
            feed(store(Frame(node: object.node, parent: parent, cursor: 0, bits: available, role: .knownKey)), byte)
        }
        if !shape.ordered && shape.additionalSatisfiable {
            feed(store(Frame(node: object.node, parent: parent, cursor: 0, role: .freeKey)), byte)
        }
    }

    enum Reaction {
        case consumed(Frame)
        case reject
        /// The frame is complete; hand the byte to its parent.
        case done
        /// Becomes `parent` and starts a child value of this node with the byte.
        case enter(parent: Frame, node: Int32)
        /// Both `enter` and `done`: two stacks follow.
        case enterOrDone(parent: Frame, node: Int32)
        /// Becomes `parent` and starts an object key with the byte.
        case enterKey(parent: Frame)
    }

    private func react(_ frame: Frame, _ byte: UInt8) -> Reaction {
        switch frame.role {
        case .document:
            if frame.phase == 0 {
                if isWhitespace(byte) { return skipWhitespace(frame) }
                var next = frame
                next.phase = 1
                return .enter(parent: next, node: grammar.root)
            }
            return .reject
        case .knownKey:
            let trie = grammar.tries[Int(grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)].keyTrie)]
            let next = trie.child(of: frame.cursor, byte: byte)
            if next >= 0 && trie.subtreeBits[Int(next)] & frame.bits != 0 {
                var moved = frame
                moved.cursor = next
                return .consumed(moved)
            }
            return isAccepting(frame) ? .done : .reject
        case .freeKey:
            return stringStep(frame, byte, minLength: 0, maxLength: -1)
        case .value:
            break
        }
        let node = grammar.nodes[Int(frame.node)]
        switch node.kind {
        case .literal:
            let trie = grammar.tries[Int(node.trie)]
            let next = trie.child(of: frame.cursor, byte: byte)
            if next >= 0 {
                var moved = frame
                moved.cursor = next
                return .consumed(moved)
            }
            return trie.valueCount[Int(frame.cursor)] > 0 ? .done : .reject
        case .integer, .number:
            return numberStep(frame, byte, integerOnly: node.kind == .integer)
        case .string:
            return stringStep(frame, byte, minLength: node.minCount, maxLength: node.maxCount)
        case .array:
            return arrayStep(frame, node, byte)
        case .object:
            return objectStep(frame, node, byte)
        case .taggedList:
            return taggedListStep(frame, node, byte)
        case .freeText:
            var next = frame
            if frame.phase == 1 { return .consumed(next) }
            let triggers = grammar.tries[Int(node.trie)]
            if frame.cursor == 0 && isWhitespace(byte) { return .consumed(next) }
            let typed = triggers.child(of: frame.cursor, byte: byte)
            if typed >= 0 {
                // Once the reply starts with a trigger, only the call grammar may go on.
                if triggers.valueCount[Int(typed)] > 0 { return .reject }
                next.cursor = typed
                return .consumed(next)
            }
            next.phase = 1
            return .consumed(next)
        case .choice, .never:
            return .reject
        }
    }

    @inline(__always) private func skipWhitespace(_ frame: Frame) -> Reaction {
        guard frame.whitespace < grammar.maxWhitespace else { return .reject }
        var next = frame
        next.whitespace += 1
        return .consumed(next)
    }

    private func numberStep(_ frame: Frame, _ byte: UInt8, integerOnly: Bool) -> Reaction {
        let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        let exponent = !integerOnly && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E"))
        let point = !integerOnly && byte == UInt8(ascii: ".")
        var next = frame
        func to(_ phase: UInt8) -> Reaction { next.phase = phase; return .consumed(next) }
        switch frame.phase {
        case 0:
            if byte == UInt8(ascii: "-") { return to(1) }
            return byte == UInt8(ascii: "0") ? to(2) : digit ? to(3) : .reject
        case 1:
            return byte == UInt8(ascii: "0") ? to(2) : digit ? to(3) : .reject
        case 2:
            return point ? to(4) : exponent ? to(6) : .done
        case 3:
            return digit ? to(3) : point ? to(4) : exponent ? to(6) : .done
        case 4:
            return digit ? to(5) : .reject
        case 5:
            return digit ? to(5) : exponent ? to(6) : .done
        case 6:
            return byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") ? to(7) : digit ? to(8) : .reject
        case 7:
            return digit ? to(8) : .reject
        default:
            return digit ? to(8) : .done
        }
    }

    /// String phases: 0 before the opening quote, 1 between characters, 2 after a backslash, 3 in `\uXXXX`,
    /// 4 inside a multi-byte UTF-8 character, 5/6/7 the `\uDCxx` that must follow a high surrogate, 8 closed.
    /// `count` counts characters (code points, as JSON Schema's lengths do).
    private func stringStep(_ frame: Frame, _ byte: UInt8, minLength: Int32, maxLength: Int32) -> Reaction {
        var next = frame
        if frame.role == .freeKey && frame.cursor >= 0 {
            // Shadow the known names: a key spelled like a declared property is that property, not an extra one.
            next.cursor = grammar.tries[Int(grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)].keyTrie)]
                .child(of: frame.cursor, byte: byte)
        }
        func startCharacter() -> Bool {
            if maxLength >= 0 && frame.count >= maxLength { return false }
            next.count += 1
            return true
        }
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "\"") else { return .reject }
            next.phase = 1
            return .consumed(next)
        case 1:
            switch byte {
            case UInt8(ascii: "\""):
                guard frame.count >= minLength else { return .reject }
                if frame.role == .freeKey && next.cursor >= 0 {
                    let trie = grammar.tries[Int(grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)].keyTrie)]
                    if trie.valueCount[Int(next.cursor)] > 0 { return .reject }
                }
                next.phase = 8
                return .consumed(next)
            case UInt8(ascii: "\\"):
                guard startCharacter() else { return .reject }
                next.phase = 2
                return .consumed(next)
            case 0..<0x20:
                return .reject
            case 0x20..<0x80:
                return startCharacter() ? .consumed(next) : .reject
            default:
                let remaining: UInt8
                switch byte {
                case 0xC2...0xDF: remaining = 1
                case 0xE0...0xEF: remaining = 2
                case 0xF0...0xF4: remaining = 3
                default: return .reject
                }
                guard startCharacter() else { return .reject }
                next.phase = 4
                next.pending = remaining
                next.lead = byte
                return .consumed(next)
            }
        case 2:
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                next.phase = 1
            case UInt8(ascii: "u"):
                next.phase = 3
                next.pending = 0
                next.bits = 0
            default:
                return .reject
            }
            return .consumed(next)
        case 3, 7:
            guard let value = hexValue(byte) else { return .reject }
            next.bits = frame.bits << 4 | UInt64(value)
            next.pending += 1
            if frame.phase == 7 {
                // The low half of a surrogate pair: DC00...DFFF.
                if next.pending == 1 && value != 0xD { return .reject }
                if next.pending == 2 && value < 0xC { return .reject }
                if next.pending == 4 { next.phase = 1 }
                return .consumed(next)
            }
            if next.pending == 2 && next.bits >= 0xDC && next.bits <= 0xDF { return .reject }  // lone low surrogate
            if next.pending == 4 {
                next.phase = next.bits >= 0xD800 && next.bits <= 0xDBFF ? 5 : 1
            }
            return .consumed(next)
        case 4:
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            if frame.lead != 0 {
                // The first continuation byte of these leads is narrower (no overlong forms, no surrogates,
                // nothing above U+10FFFF).
                switch frame.lead {
                case 0xE0: low = 0xA0
                case 0xED: high = 0x9F
                case 0xF0: low = 0x90
                case 0xF4: high = 0x8F
                default: break
                }
                next.lead = 0
            }
            guard byte >= low && byte <= high else { return .reject }
            next.pending -= 1
            if next.pending == 0 { next.phase = 1 }
            return .consumed(next)
        case 5:
            guard byte == UInt8(ascii: "\\") else { return .reject }
            next.phase = 6
            return .consumed(next)
        case 6:
            guard byte == UInt8(ascii: "u") else { return .reject }
            next.phase = 7
            next.pending = 0
            next.bits = 0
            return .consumed(next)
        default:
            return .done
        }
    }

    func itemNode(_ node: GrammarNode, _ index: Int32) -> Int32 {
        let prefix = grammar.prefixItems[Int(node.shape)]
        return Int(index) < prefix.count ? prefix[Int(index)] : node.item
    }

    private func canAddItem(_ node: GrammarNode, count: Int32) -> Bool {
        (node.maxCount < 0 || count < node.maxCount) && grammar.nodes[Int(itemNode(node, count))].satisfiable
    }

    /// A list of calls after `closeCallLists()` that holds the calls it needs. Checked only where the next item
    /// would begin (a comma, an opening tag), never after one of those was written, so closing never strands a
    /// half-written separator.
    private func isClosed(_ frame: Frame, _ node: GrammarNode, count: Int32) -> Bool {
        callListsClosed && count >= max(node.minCount, 1) && grammar.callLists.contains(frame.node)
    }

    /// Array phases: 0 before `[`, 1 after `[`, 2 in an item, 3 after an item, 4 after a comma, 5 closed.
    private func arrayStep(_ frame: Frame, _ node: GrammarNode, _ byte: UInt8) -> Reaction {
        var next = frame
        next.whitespace = 0
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "[") else { return .reject }
            next.phase = 1
            return .consumed(next)
        case 1, 4:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            if frame.phase == 1 && byte == UInt8(ascii: "]") {
                guard node.minCount == 0 else { return .reject }
                next.phase = 5
                return .consumed(next)
            }
            guard canAddItem(node, count: frame.count) else { return .reject }
            next.phase = 2
            return .enter(parent: next, node: itemNode(node, frame.count))
        case 3:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            if byte == UInt8(ascii: ",") && canAddItem(node, count: frame.count) && !isClosed(frame, node, count: frame.count) {
                next.phase = 4
                return .consumed(next)
            }
            if byte == UInt8(ascii: "]") && frame.count >= node.minCount {
                next.phase = 5
                return .consumed(next)
            }
            return .reject
        default:
            return .done
        }
    }

    /// Keys that may come next: declared, not yet used, completable; in an ordered object only those after the
    /// last one written, up to the first required one still missing.
    func availableKeys(_ frame: Frame, _ shape: ObjectShape) -> UInt64 {
        let all: UInt64 = shape.names.count >= 64 ? ~0 : (1 << UInt64(shape.names.count)) - 1
        var available = all & shape.satisfiableValues & ~frame.bits
        if shape.ordered {
            let after = frame.cursor + 1
            if after > 0 { available &= after >= 64 ? 0 : ~((1 << UInt64(after)) - 1) }
            let missing = shape.required & available
            if missing != 0 {
                let first = UInt64(missing.trailingZeroBitCount)
                available &= first >= 63 ? ~0 : (1 << (first + 1)) - 1
            }
        }
        return available
    }

    /// The schema of the value of the property being written.
    func valueNode(_ shape: ObjectShape, _ frame: Frame) -> Int32 {
        guard frame.cursor >= 0 else { return shape.additional }
        if frame.cursor == 1, let selected = shape.selectedValues { return selected[Int(frame.count)] }
        return shape.values[Int(frame.cursor)]
    }

    /// Object phases: 0 before `{`, 1 after `{`, 2 in a key, 3 before `:`, 4 after `:`, 5 in a value,
    /// 6 after a value, 7 after a comma, 8 closed. `bits`: properties written; `cursor`: the current property
    /// (-1: an additional one, or none yet); `count`: for a call object, which tool property 0 named.
    private func objectStep(_ frame: Frame, _ node: GrammarNode, _ byte: UInt8) -> Reaction {
        let shape = grammar.objects[Int(node.shape)]
        var next = frame
        next.whitespace = 0
        let canStartKey = availableKeys(frame, shape) != 0 || (!shape.ordered && shape.additionalSatisfiable)
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "{") else { return .reject }
            next.phase = 1
            return .consumed(next)
        case 1, 7:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            if frame.phase == 1 && byte == UInt8(ascii: "}") {
                guard shape.required == 0 else { return .reject }
                next.phase = 8
                return .consumed(next)
            }
            guard byte == UInt8(ascii: "\"") && canStartKey else { return .reject }
            next.phase = 2
            return .enterKey(parent: next)
        case 3:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            guard byte == UInt8(ascii: ":") else { return .reject }
            next.phase = 4
            return .consumed(next)
        case 4:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            next.phase = 5
            return .enter(parent: next, node: valueNode(shape, frame))
        case 6:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            if byte == UInt8(ascii: ",") && canStartKey {
                next.phase = 7
                return .consumed(next)
            }
            if byte == UInt8(ascii: "}") && shape.required & ~frame.bits == 0 {
                next.phase = 8
                return .consumed(next)
            }
            return .reject
        default:
            return .done
        }
    }

    /// Phases: 0 between items (`count`: bytes of the opening tag matched), 1 after the opening tag, 2 after an
    /// item (`count`: bytes of the closing tag matched). `cursor`: items written.
    private func taggedListStep(_ frame: Frame, _ node: GrammarNode, _ byte: UInt8) -> Reaction {
        var next = frame
        switch frame.phase {
        case 0:
            let open = grammar.texts[Int(node.shape)]
            if frame.count == 0 && isWhitespace(byte) { return skipWhitespace(frame) }
            let mayOpen = (node.maxCount < 0 || frame.cursor < node.maxCount)
                && (frame.count > 0 || !isClosed(frame, node, count: frame.cursor))
            if open.isEmpty {
                // Untagged items: the byte may start the next item, and (once enough were written) may follow
                // the list instead; which one only the following bytes tell.
                guard mayOpen else { return isAccepting(frame) ? .done : .reject }
                next.phase = 2
                next.whitespace = 0
                return isAccepting(frame) ? .enterOrDone(parent: next, node: node.item) : .enter(parent: next, node: node.item)
            }
            if byte == open[Int(frame.count)] && mayOpen {
                next.count += 1
                next.whitespace = 0
                if Int(next.count) == open.count {
                    next.phase = 1
                    next.count = 0
                }
                return .consumed(next)
            }
            return isAccepting(frame) ? .done : .reject
        case 1:
            if isWhitespace(byte) { return skipWhitespace(frame) }
            next.whitespace = 0
            next.phase = 2
            next.count = 0
            return .enter(parent: next, node: node.item)
        default:
            let close = grammar.texts[Int(node.trie)]
            if frame.count == 0 && isWhitespace(byte) { return skipWhitespace(frame) }
            guard byte == close[Int(frame.count)] else { return .reject }
            next.count += 1
            next.whitespace = 0
            if Int(next.count) == close.count {
                next.phase = 0
                next.count = 0
            }
            return .consumed(next)
        }
    }

    /// The parent after its child (value or key) completed.
    func completed(_ parent: Frame, child: Frame) -> Frame {
        var next = parent
        next.whitespace = 0
        if parent.role == .document {
            next.phase = 2
            return next
        }
        let node = grammar.nodes[Int(parent.node)]
        switch node.kind {
        case .array:
            next.count += 1
            next.phase = 3
        case .object:
            if parent.phase == 2 {
                if child.role == .knownKey {
                    let shape = grammar.objects[Int(node.shape)]
                    next.cursor = grammar.tries[Int(shape.keyTrie)].firstValue(of: child.cursor)
                } else {
                    next.cursor = -1
                }
                next.phase = 3
            } else {
                if parent.cursor >= 0 { next.bits |= 1 << UInt64(parent.cursor) }
                let shape = grammar.objects[Int(node.shape)]
                if parent.cursor == 0, shape.selectedValues != nil {
                    next.count = grammar.tries[Int(grammar.nodes[Int(child.node)].trie)].firstValue(of: child.cursor)
                }
                next.phase = 6
            }
        case .taggedList:
            next.cursor += 1
            next.phase = grammar.texts[Int(node.trie)].isEmpty ? 0 : 2
            next.count = 0
        default:
            break
        }
        return next
    }

    func isAccepting(_ frame: Frame) -> Bool {
        switch frame.role {
        case .document: return frame.phase == 2
        case .knownKey:
            let trie = grammar.tries[Int(grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)].keyTrie)]
            let value = trie.firstValue(of: frame.cursor)
            return value >= 0 && frame.bits & (1 << UInt64(value)) != 0
        case .freeKey: return frame.phase == 8
        case .value: break
        }
        let node = grammar.nodes[Int(frame.node)]
        switch node.kind {
        case .literal: return grammar.tries[Int(node.trie)].valueCount[Int(frame.cursor)] > 0
        case .integer, .number: return [2, 3, 5, 8].contains(frame.phase)
        case .string: return frame.phase == 8
        case .array: return frame.phase == 5
        case .object: return frame.phase == 8
        case .taggedList: return frame.phase == 0 && frame.count == 0 && frame.cursor >= node.minCount
        case .freeText: return true
        case .choice, .never: return false
        }
    }

    // MARK: Housekeeping

    private func deduplicated(_ stacks: [Int32]) -> [Int32] {
        guard stacks.count > 1 else { return stacks }
        var unique: [Int32] = []
        for stack in stacks where !unique.contains(where: { arena[Int($0)] == arena[Int(stack)] }) {
            unique.append(stack)
        }
        return unique
    }

    /// Copies the frames the live stacks use into a fresh arena (long generations would otherwise grow it).
    private mutating func compact() {
        var fresh: [Frame] = []
        var moved: [Int32: Int32] = [:]
        func copy(_ index: Int32) -> Int32 {
            if index < 0 { return -1 }
            if let done = moved[index] { return done }
            var frame = arena[Int(index)]
            frame.parent = copy(frame.parent)
            fresh.append(frame)
            moved[index] = Int32(fresh.count - 1)
            return Int32(fresh.count - 1)
        }
        tops = tops.map { copy($0) }
        arena = fresh
        used = fresh.count
    }

    private static func flattenChoices(_ grammar: Grammar) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: grammar.nodes.count)
        for (index, node) in grammar.nodes.enumerated() where node.kind == .choice {
            var seen: Set<Int32> = [Int32(index)]
            var list: [Int32] = []
            var pending = grammar.choices[Int(node.shape)]
            while let next = pending.first {
                pending.removeFirst()
                guard seen.insert(next).inserted, grammar.nodes[Int(next)].satisfiable else { continue }
                if grammar.nodes[Int(next)].kind == .choice {
                    pending.append(contentsOf: grammar.choices[Int(grammar.nodes[Int(next)].shape)])
                } else {
                    list.append(next)
                }
            }
            result[index] = list
        }
        return result
    }
}

/// One level of a matcher stack. Plain data, 32 bytes; the meaning of the fields depends on the node kind
/// (see each `…Step` function).
struct Frame: Equatable, Sendable {
    enum Role: UInt8, Sendable {
        case document
        case value
        /// A declared property name (`cursor`: node in the key trie; `bits`: names still allowed).
        case knownKey
        /// Any other property name, where `additionalProperties` allows one (`cursor`: the key trie shadow).
        case freeKey
    }

    var node: Int32
    var parent: Int32
    var count: Int32 = 0
    var cursor: Int32 = 0
    var bits: UInt64 = 0
    var phase: UInt8 = 0
    var role: Role
    var whitespace: UInt8 = 0
    var pending: UInt8 = 0
    var lead: UInt8 = 0

    init(node: Int32, parent: Int32, cursor: Int32 = 0, bits: UInt64 = 0, role: Role) {
        self.node = node
        self.parent = parent
        self.cursor = cursor
        self.bits = bits
        self.role = role
    }
}

@inline(__always) func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}

@inline(__always) func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
