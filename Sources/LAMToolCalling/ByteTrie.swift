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
        // Build with per-node dictionaries, then flatten breadth-first.
        var edges: [[UInt8: Int]] = [[:]]
        var ends: [[Int32]] = [[]]
        for (index, string) in strings.enumerated() {
            var node = 0
            for byte in string {
                if let next = edges[node][byte] {
                    node = next
                } else {
                    edges.append([:])
                    ends.append([])
                    edges[node][byte] = edges.count - 1
                    node = edges.count - 1
                }
            }
            ends[node].append(Int32(index))
        }
        var order = [0]
        var newIndex = [Int](repeating: 0, count: edges.count)
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for (_, child) in edges[node].sorted(by: { $0.key < $1.key }) {
                newIndex[child] = order.count
                order.append(child)
            }
        }
        for node in order {
            childStart.append(Int32(childBytes.count))
            let sorted = edges[node].sorted { $0.key < $1.key }
            childCount.append(UInt16(sorted.count))
            for (byte, child) in sorted {
                childBytes.append(byte)
                childNodes.append(Int32(newIndex[child]))
            }
            valueStart.append(Int32(valueList.count))
            valueCount.append(Int32(ends[node].count))
            valueList.append(contentsOf: ends[node])
        }
        subtreeBits = [UInt64](repeating: 0, count: order.count)
        for node in stride(from: order.count - 1, through: 0, by: -1) {
            var bits: UInt64 = 0
            for value in values(of: Int32(node)) where value < 64 { bits |= 1 << UInt64(value) }
            for slot in children(of: Int32(node)) { bits |= subtreeBits[Int(childNodes[slot])] }
            subtreeBits[node] = bits
        }
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
