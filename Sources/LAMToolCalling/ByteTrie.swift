/// A trie over byte strings, flattened into arrays so that walking it allocates nothing. Used for the literal
/// alternatives of `enum`/`const` and property names, and for a tokenizer's whole vocabulary.
///
/// Node 0 is the root. A node's children are sorted by byte; `values(of:)` are the indices of the strings that end
/// at a node (several when the same bytes were inserted more than once).
struct ByteTrie: Sendable {
    private(set) var childStart: [Int32] = []
    private(set) var childCount: [UInt16] = []
    private(set) var childBytes: [UInt8] = []
    private(set) var childNodes: [Int32] = []
    private(set) var valueStart: [Int32] = []
    private(set) var valueCount: [Int32] = []
    private(set) var valueList: [Int32] = []
    /// For each node, bit i set when string i (i < 64) ends in its subtree. Lets object keys already used be
    /// pruned at their first byte.
    private(set) var subtreeBits: [UInt64] = []

    var nodeCount: Int { childStart.count }

    init(_ strings: [[UInt8]]) {
        self.init(strings, sortedIndices: strings.indices.sorted { strings[$0].lexicographicallyPrecedes(strings[$1]) })
    }

    /// A trie of the strings at `sortedIndices` (which must be in lexicographic order of their bytes; several tries
    /// over subsets of one vocabulary share one sort).
    init(_ strings: [[UInt8]], sortedIndices order: [Int]) {
        // Build depth-first: the strings under a node are a contiguous run of the sorted order, and its children
        // are the runs sharing the next byte (no per-node dictionaries).
        addNode()
        var pending: [(node: Int, range: Range<Int>, depth: Int)] = [(0, 0..<order.count, 0)]
        while let (node, range, depth) = pending.popLast() {
            var index = range.lowerBound
            // Strings that end here.
            var ending: [Int32] = []
            while index < range.upperBound && strings[order[index]].count == depth {
                ending.append(Int32(order[index]))
                index += 1
            }
            valueStart[node] = Int32(valueList.count)
            valueCount[node] = Int32(ending.count)
            valueList.append(contentsOf: ending)
            childStart[node] = Int32(childBytes.count)
            var groups: [(byte: UInt8, range: Range<Int>)] = []
            while index < range.upperBound {
                let byte = strings[order[index]][depth]
                var stop = index + 1
                while stop < range.upperBound && strings[order[stop]][depth] == byte { stop += 1 }
                groups.append((byte, index..<stop))
                index = stop
            }
            childCount[node] = UInt16(groups.count)
            for (byte, run) in groups {
                let child = addNode()
                childBytes.append(byte)
                childNodes.append(Int32(child))
                pending.append((child, run, depth + 1))
            }
        }
        // Children are always created after their parent, so a reverse sweep sees children first.
        subtreeBits = [UInt64](repeating: 0, count: nodeCount)
        for node in stride(from: nodeCount - 1, through: 0, by: -1) {
            var bits: UInt64 = 0
            for value in values(of: Int32(node)) where value < 64 { bits |= 1 << UInt64(value) }
            for slot in children(of: Int32(node)) { bits |= subtreeBits[Int(childNodes[slot])] }
            subtreeBits[node] = bits
        }
    }

    @discardableResult
    private mutating func addNode() -> Int {
        childStart.append(0)
        childCount.append(0)
        valueStart.append(0)
        valueCount.append(0)
        return childStart.count - 1
    }

    /// Slots (indices into childBytes/childNodes) of a node's children.
    @inline(__always) func children(of node: Int32) -> Range<Int> {
        let start = Int(childStart[Int(node)])
        return start..<(start + Int(childCount[Int(node)]))
    }

    @inline(__always) func values(of node: Int32) -> ArraySlice<Int32> {
        let start = Int(valueStart[Int(node)])
        return valueList[start..<(start + Int(valueCount[Int(node)]))]
    }

    @inline(__always) func firstValue(of node: Int32) -> Int32 {
        valueCount[Int(node)] > 0 ? valueList[Int(valueStart[Int(node)])] : -1
    }

    /// The child reached by `byte`, or -1.
    @inline(__always) func child(of node: Int32, byte: UInt8) -> Int32 {
        var low = Int(childStart[Int(node)])
        var high = low + Int(childCount[Int(node)])
        while low < high {
            let middle = (low + high) >> 1
            let found = childBytes[middle]
            if found == byte { return childNodes[middle] }
            if found < byte { low = middle + 1 } else { high = middle }
        }
        return -1
    }
}

extension ByteTrie {
    /// The shortest path from `node` to a node where some string ends whose index passes `allowed`, as bytes;
    /// nil when there is none.
    func shortestCompletion(from node: Int32, allowed: (Int32) -> Bool = { _ in true }) -> [UInt8]? {
        var previous: [Int32: (Int32, UInt8)] = [node: (-1, 0)]
        var queue = [node]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            if values(of: current).contains(where: allowed) {
                var bytes: [UInt8] = []
                var step = current
                while step != node, let (parent, byte) = previous[step] {
                    bytes.append(byte)
                    step = parent
                }
                return bytes.reversed()
            }
            for slot in children(of: current) where previous[childNodes[slot]] == nil {
                previous[childNodes[slot]] = (current, childBytes[slot])
                queue.append(childNodes[slot])
            }
        }
        return nil
    }
}
