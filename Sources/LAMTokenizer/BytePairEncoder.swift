import Foundation

/// Byte-level BPE on one pre-tokenized word: starts from one token per byte and applies the merge rules,
/// lowest rank first and leftmost first among equal ranks — the order Hugging Face's `BPE` model uses.
/// Results are cached per word, since real text repeats its words.
struct BytePairEncoder: Sendable {
    let merges: MergeTable
    /// The token of each single byte (-1 when the vocabulary lacks it; such bytes are dropped, or become
    /// `unknownToken` when there is one, as in Hugging Face).
    let byteTokens: [Int32]
    let unknownToken: Int32?
    /// When set, a word that is itself in the vocabulary is that token, merges or not (Llama 3).
    let ignoreMerges: Bool
    /// Token id of every vocabulary entry, keyed by the entry's bytes; used for `ignoreMerges`.
    let wordTokens: [[UInt8]: Int32]
    private let cache = WordCache()

    /// `modelIDs`: the model vocabulary (stored form to id), which merges and `unk_token` refer to.
    init(_ definition: TokenizerDefinition, modelIDs: [String: Int32]) throws(TokenizerError) {
        var merges = MergeTable(capacity: definition.merges.count)
        for (rank, merge) in definition.merges.enumerated() {
            let field = "\(definition.mergesField)[\(rank)]"
            guard let left = modelIDs[merge.left], let right = modelIDs[merge.right] else {
                throw .invalidValue(field: field, reason: "\"\(merge.left) \(merge.right)\" uses a token not in the vocabulary")
            }
            guard let result = modelIDs[merge.left + merge.right] else {
                throw .invalidValue(field: field, reason: "the merged token \"\(merge.left + merge.right)\" is not in the vocabulary")
            }
            merges.insert(left: left, right: right, merge: .init(rank: UInt32(rank), result: result))
        }
        self.merges = merges
        byteTokens = ByteLevelAlphabet.characterForByte.map { modelIDs[String($0)] ?? -1 }
        if let unknown = definition.unknownToken {
            guard let id = modelIDs[unknown] else {
                throw .invalidValue(field: "unk_token", reason: "\"\(unknown)\" is not in the vocabulary")
            }
            unknownToken = id
        } else {
            unknownToken = nil
        }
        ignoreMerges = definition.ignoreMerges
        var wordTokens: [[UInt8]: Int32] = [:]
        if definition.ignoreMerges {
            for (token, id) in definition.vocabulary {
                guard let bytes = ByteLevelAlphabet.bytes(ofEncoded: token), wordTokens[bytes] == nil else { continue }
                wordTokens[bytes] = id
            }
        }
        self.wordTokens = wordTokens
    }

    /// Appends the tokens of `word` to `output`.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        if word.count == 1, byteTokens[Int(word[0])] >= 0 {
            output.append(byteTokens[Int(word[0])])
            return
        }
        let hash = WordCache.hash(word)
        if cache.append(word, hash: hash, into: &output) { return }
        let start = output.count
        if ignoreMerges, let token = wordTokens[Array(word)] {
            output.append(token)
        } else {
            mergeAll(word, into: &output)
        }
        cache.insert(word, hash: hash, tokens: output[start...])
    }

    /// The merge loop: symbols form a linked list; a min-heap holds candidate merges keyed by (rank, position),
    /// and stale candidates (whose pair has changed since) are skipped when popped. O(n log n) in the word length.
    private func mergeAll(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(word.count)
        for byte in word {
            let token = byteTokens[Int(byte)]
            if token >= 0 {
                symbols.append(token)
            } else if let unknownToken {
                symbols.append(unknownToken)
            }
        }
        let count = symbols.count
        guard count > 1 else { return output.append(contentsOf: symbols) }
        var next = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int32(index + 1) }
            buffer[count - 1] = -1
            initialized = count
        }
        var previous = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int32(index - 1) }
            initialized = count
        }
        var alive = [Bool](repeating: true, count: count)
        var heap = MinHeap()
        func push(_ position: Int) {
            let right = Int(next[position])
            guard right >= 0, let merge = merges.merge(symbols[position], symbols[right]) else { return }
            heap.push(UInt64(merge.rank) << 32 | UInt64(position))
        }
        for position in 0..<(count - 1) { push(position) }
        while let top = heap.pop() {
            let position = Int(top & 0xFFFF_FFFF)
            let rank = UInt32(top >> 32)
            let right = Int(next[position])
            guard alive[position], right >= 0,
                  let merge = merges.merge(symbols[position], symbols[right]), merge.rank == rank
            else { continue }
            symbols[position] = merge.result
            alive[right] = false
            let afterRight = next[right]
            next[position] = afterRight
            if afterRight >= 0 { previous[Int(afterRight)] = Int32(position) }
            if previous[position] >= 0 { push(Int(previous[position])) }
            push(position)
        }
        var position = 0
        while position >= 0 {
            output.append(symbols[position])
            position = Int(next[position])
        }
    }
}

/// A binary min-heap of packed (rank, position) keys.
private struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(_ item: UInt64) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let smaller = right < items.count && items[right] < items[left] ? right : left
            guard items[smaller] < items[parent] else { break }
            items.swapAt(parent, smaller)
            parent = smaller
        }
        return top
    }
}

/// The words already encoded and their tokens. Bounded (like Hugging Face's), shared between threads behind
/// a lock; keyed by a hash of the word's bytes with the bytes kept to confirm a hit, so a lookup allocates nothing.
private final class WordCache: @unchecked Sendable {
    private struct Entry {
        let word: [UInt8]
        let tokens: [Int32]
    }

    private static let capacity = 20_000
    private static let longestWord = 256
    private var entries: [UInt64: Entry] = [:]
    private let lock = NSLock()

    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Appends the cached tokens of `word` to `output`; false when the word is not cached.
    func append(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, into output: inout [Int32]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[hash], entry.word.elementsEqual(word) else { return false }
        output.append(contentsOf: entry.tokens)
        return true
    }

    func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, tokens: ArraySlice<Int32>) {
        guard word.count <= Self.longestWord else { return }
        lock.lock()
        defer { lock.unlock() }
        guard entries.count < Self.capacity else { return }
        entries[hash] = Entry(word: Array(word), tokens: Array(tokens))
    }
}
