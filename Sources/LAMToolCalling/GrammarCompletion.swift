import LAMJSON

/// The shortest ways to finish: used to close a reply validly when generation must stop early (a token limit
/// inside a call), and by the tests to show that no allowed prefix is a dead end.
extension Grammar {
    /// Minimal texts longer than this are not kept (an adversarial schema could ask for gigabytes); completion
    /// then avoids those nodes.
    static let minimalTextLimit = 1 << 16

    /// For every node, a shortest text it accepts (nil: none, or longer than `minimalTextLimit`). Computed by rounds in which each node only looks
    /// at its children's texts from the round before, so recursive schemas settle on finite texts.
    static func minimalTexts(_ grammar: GrammarBuilder) -> [[UInt8]?] {
        var texts = [[UInt8]?](repeating: nil, count: grammar.nodes.count)
        var changed = true
        while changed {
            changed = false
            let before = texts
            for (index, node) in grammar.nodes.enumerated() {
                guard let text = minimalText(node, grammar, before), text.count <= minimalTextLimit,
                      text.count < (texts[index]?.count ?? Int.max) else { continue }
                texts[index] = text
                changed = true
            }
        }
        return texts
    }

    private static func minimalText(_ node: GrammarNode, _ grammar: GrammarBuilder, _ texts: [[UInt8]?]) -> [UInt8]? {
        func text(_ id: Int32) -> [UInt8]? { texts[Int(id)] }
        switch node.kind {
        case .never: return nil
        case .freeText: return []
        case .integer, .number: return Array("0".utf8)
        case .string:
            guard node.minCount < minimalTextLimit else { return nil }
            return [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "a"), count: Int(node.minCount)) + [UInt8(ascii: "\"")]
        case .literal: return grammar.tries[Int(node.trie)].shortestCompletion(from: 0)
        case .choice:
            return grammar.choices[Int(node.shape)].compactMap(text).min { $0.count < $1.count }
        case .array:
            let prefix = grammar.prefixItems[Int(node.shape)]
            var out: [UInt8] = [UInt8(ascii: "[")]
            for index in 0..<Int(node.minCount) {
                guard let item = text(index < prefix.count ? prefix[index] : node.item),
                      out.count + item.count <= minimalTextLimit else { return nil }
                if index > 0 { out += Array(", ".utf8) }
                out += item
            }
            return out + [UInt8(ascii: "]")]
        case .object:
            let shape = grammar.objects[Int(node.shape)]
            if let selected = shape.selectedValues {
                // A call object: the shortest over the tools of name and arguments together.
                return zip(shape.selectorTexts, selected).compactMap { name, arguments -> [UInt8]? in
                    guard let value = text(arguments) else { return nil }
                    return Array("{\"\(shape.names[0])\": ".utf8) + name + Array(", \"\(shape.names[1])\": ".utf8) + value + [UInt8(ascii: "}")]
                }.min { $0.count < $1.count }
            }
            var out: [UInt8] = [UInt8(ascii: "{")]
            var first = true
            for (slot, name) in shape.names.enumerated() where shape.required & (1 << UInt64(slot)) != 0 {
                guard let value = text(shape.values[slot]) else { return nil }
                if !first { out += Array(", ".utf8) }
                first = false
                out += Array(JSONValue.string(name).pythonJSON().utf8) + Array(": ".utf8) + value
            }
            return out + [UInt8(ascii: "}")]
        case .taggedList:
            guard node.minCount > 0 else { return [] }
            guard let item = text(node.item), Int(node.minCount) * (item.count + 30) <= minimalTextLimit else { return nil }
            let one = grammar.texts[Int(node.shape)] + item + grammar.texts[Int(node.trie)]
            return Array([[UInt8]](repeating: one, count: Int(node.minCount)).joined())
        }
    }
}

extension GrammarMatcher {
    /// Bytes that, appended to what was accepted so far, make a complete reply: as short as the greedy rules
    /// find (not always the shortest). Nil only if `limit` bytes do not suffice.
    func completion(limit: Int = 100_000) -> [UInt8]? {
        for start in tops.prefix(8) {
            var copy = self
            var top = start
            var out: [UInt8] = []
            while !copy.isComplete(top) && out.count < limit {
                guard let byte = copy.nextCompletionByte(top) else { break }
                copy.produced.removeAll(keepingCapacity: true)
                copy.feed(top, byte)
                guard let next = copy.produced.first else { break }
                top = next
                out.append(byte)
            }
            if copy.isComplete(top) { return out }
        }
        return nil
    }

    /// The next byte towards finishing stack `top`: the innermost frame that still needs something decides;
    /// a frame that could end hands the decision to its parent.
    private func nextCompletionByte(_ top: Int32) -> UInt8? {
        var frame = arena[Int(top)]
        while true {
            if let byte = mustContinue(frame) { return byte }
            if frame.role == .document { return nil }
            guard isAccepting(frame) else { return nil }
            frame = completed(arena[Int(frame.parent)], child: frame)
        }
    }

    private func firstByte(_ node: Int32) -> UInt8? { grammar.minimalTexts[Int(node)]?.first }

    /// The byte this frame needs next, or nil when it is complete as it stands.
    private func mustContinue(_ frame: Frame) -> UInt8? {
        switch frame.role {
        case .document:
            return frame.phase == 0 ? firstByte(grammar.root) : nil
        case .knownKey:
            let shape = grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)]
            let trie = grammar.tries[Int(shape.keyTrie)]
            let reachable = frame.bits & trie.subtreeBits[Int(frame.cursor)]
            let missing = reachable & shape.required & ~arena[Int(frame.parent)].bits
            let target = Int32((missing != 0 ? missing : reachable).trailingZeroBitCount)
            return trie.shortestCompletion(from: frame.cursor) { $0 == target }?.first
        case .freeKey:
            return stringByte(frame, minLength: 0)
        case .value:
            break
        }
        let node = grammar.nodes[Int(frame.node)]
        switch node.kind {
        case .literal:
            let trie = grammar.tries[Int(node.trie)]
            return trie.valueCount[Int(frame.cursor)] > 0 ? nil : trie.shortestCompletion(from: frame.cursor)?.first
        case .integer, .number:
            return [1, 4, 6, 7].contains(frame.phase) ? UInt8(ascii: "0") : nil
        case .string:
            return stringByte(frame, minLength: node.minCount)
        case .array:
            switch frame.phase {
            case 1: return node.minCount == 0 ? UInt8(ascii: "]") : firstByte(itemNode(node, 0))
            case 3: return frame.count < node.minCount ? UInt8(ascii: ",") : UInt8(ascii: "]")
            case 4: return firstByte(itemNode(node, frame.count))
            default: return nil
            }
        case .object:
            let shape = grammar.objects[Int(node.shape)]
            let missing = shape.required & ~frame.bits != 0
            switch frame.phase {
            case 1: return missing ? UInt8(ascii: "\"") : UInt8(ascii: "}")
            case 3: return UInt8(ascii: ":")
            case 4: return firstByte(valueNode(shape, frame))
            case 6: return missing ? UInt8(ascii: ",") : UInt8(ascii: "}")
            case 7: return UInt8(ascii: "\"")
            default: return nil
            }
        case .taggedList:
            switch frame.phase {
            case 0:
                let open = grammar.texts[Int(node.shape)]
                guard frame.count > 0 || frame.cursor < node.minCount else { return nil }
                return open.isEmpty ? firstByte(node.item) : open[Int(frame.count)]
            case 1: return firstByte(node.item)
            default: return grammar.texts[Int(node.trie)][Int(frame.count)]
            }
        case .freeText, .choice, .never:
            return nil
        }
    }

    private func stringByte(_ frame: Frame, minLength: Int32) -> UInt8? {
        switch frame.phase {
        case 1:
            if frame.count < minLength { return UInt8(ascii: "a") }
            if frame.role == .freeKey && frame.cursor >= 0 {
                let trie = grammar.tries[Int(grammar.objects[Int(grammar.nodes[Int(frame.node)].shape)].keyTrie)]
                let closed = trie.child(of: frame.cursor, byte: UInt8(ascii: "\""))
                if closed >= 0 && trie.valueCount[Int(closed)] > 0 { return UInt8(ascii: "_") }
            }
            return UInt8(ascii: "\"")
        case 2: return UInt8(ascii: "n")
        case 3: return UInt8(ascii: "0")
        case 4:
            switch frame.lead {
            case 0xE0: return 0xA0
            case 0xF0: return 0x90
            default: return 0x80
            }
        case 5: return UInt8(ascii: "\\")
        case 6: return UInt8(ascii: "u")
        case 7: return frame.pending == 0 ? UInt8(ascii: "d") : frame.pending == 1 ? UInt8(ascii: "c") : UInt8(ascii: "0")
        default: return nil
        }
    }
}

