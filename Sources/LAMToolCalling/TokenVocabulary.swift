/// A tokenizer's vocabulary as constrained decoding needs it: each token's bytes, the end-of-sequence ids, and
/// what can be precomputed once per tokenizer and shared by every request (a trie over all tokens, and which
/// tokens may appear anywhere inside a JSON string).
public final class TokenVocabulary: Sendable {
    /// Bytes of each token id; empty for ids that never appear as text (special and unused ids).
    public let tokenBytes: [[UInt8]]
    public let endOfSequenceIDs: [Int]
    let trie: ByteTrie
    /// Tokens with text (not end-of-sequence, special or unused ids).
    let visible: [UInt64]
    /// Tokens that are whole, valid UTF-8 with no `"`, `\` or control character: inside a JSON string they are
    /// allowed at any character boundary, so the mask walk sets them in one go.
    let stringSafe: [UInt64]
    /// The other tokens: the only ones the walk must try inside a string.
    let stringUnsafeTrie: ByteTrie
    /// The most characters any string-safe token holds (decides when a `maxLength` string can take the shortcut).
    let longestStringSafeToken: Int32
    /// The shortcut one byte in (a token that opens a string, or ends an escape, then goes on with plain text):
    /// for each first byte, the tokens whose remaining bytes are string-safe (`tailSafe`, as ranges into
    /// `tailSafeIDs`), and a trie of the tokens whose remaining bytes are not.
    let tailSafeStart: [Int32]
    let tailSafeIDs: [Int32]
    let tailUnsafeTrie: ByteTrie
    /// The same shortcut for strings with little room left (`maxLength`): the string-safe tokens of at most
    /// `characters` characters, and a trie of all other tokens. Ascending by `characters`.
    let shortStringShortcuts: [(characters: Int32, safe: [UInt64], rest: ByteTrie)]

    public var count: Int { tokenBytes.count }

    public init(tokenBytes: [[UInt8]], endOfSequenceIDs: [Int]) {
        self.tokenBytes = tokenBytes
        self.endOfSequenceIDs = endOfSequenceIDs.filter { $0 >= 0 && $0 < tokenBytes.count }
        let eos = Set(self.endOfSequenceIDs)
        var shownTokens: [[UInt8]] = []
        var safe = [UInt64](repeating: 0, count: (tokenBytes.count + 63) / 64)
        var visibleBits = safe
        var longest: Int32 = 0
        var characterCounts = [Int32](repeating: -1, count: tokenBytes.count)
        var tailIsSafe = [Bool](repeating: false, count: tokenBytes.count)
        for (id, bytes) in tokenBytes.enumerated() {
            let shown = eos.contains(id) ? [] : bytes
            shownTokens.append(shown)
            if !shown.isEmpty { visibleBits[id >> 6] |= 1 << UInt64(id & 63) }
            if let characters = Self.stringSafeCharacters(shown[...]) {
                safe[id >> 6] |= 1 << UInt64(id & 63)
                longest = max(longest, characters)
                characterCounts[id] = characters
            }
            tailIsSafe[id] = shown.count > 1 && Self.stringSafeCharacters(shown.dropFirst()) != nil
        }
        // One sort serves every trie below.
        let sorted = shownTokens.indices.filter { !shownTokens[$0].isEmpty }
            .sorted { shownTokens[$0].lexicographicallyPrecedes(shownTokens[$1]) }
        trie = ByteTrie(shownTokens, sortedIndices: sorted)
        visible = visibleBits
        stringUnsafeTrie = ByteTrie(shownTokens, sortedIndices: sorted.filter { characterCounts[$0] < 0 })
        stringSafe = safe
        longestStringSafeToken = longest
        var shortcuts: [(characters: Int32, safe: [UInt64], rest: ByteTrie)] = []
        for limit: Int32 in [8, 16, 32, 64, 128] where limit < longest {
            var bits = [UInt64](repeating: 0, count: (tokenBytes.count + 63) / 64)
            for (id, characters) in characterCounts.enumerated() where characters >= 0 && characters <= limit {
                bits[id >> 6] |= 1 << UInt64(id & 63)
            }
            let rest = ByteTrie(shownTokens, sortedIndices: sorted.filter { characterCounts[$0] < 0 || characterCounts[$0] > limit })
            shortcuts.append((limit, bits, rest))
        }
        shortStringShortcuts = shortcuts
        var byFirstByte = [[Int32]](repeating: [], count: 256)
        for id in sorted where tailIsSafe[id] { byFirstByte[Int(shownTokens[id][0])].append(Int32(id)) }
        var starts: [Int32] = [0]
        for list in byFirstByte { starts.append(starts.last! + Int32(list.count)) }
        tailSafeStart = starts
        tailSafeIDs = Array(byFirstByte.joined())
        tailUnsafeTrie = ByteTrie(shownTokens, sortedIndices: sorted.filter { !tailIsSafe[$0] })
    }

    /// The number of characters in `bytes` if it can sit anywhere inside a JSON string, else nil.
    private static func stringSafeCharacters(_ bytes: ArraySlice<UInt8>) -> Int32? {
        guard !bytes.isEmpty,
              !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
              let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        return Int32(text.unicodeScalars.count)
    }
}

/// One bit per token id: allowed or not.
public struct TokenBitmask: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public let count: Int

    public init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    public subscript(token: Int) -> Bool {
        get { token >= 0 && token < count && words[token >> 6] & (1 << UInt64(token & 63)) != 0 }
        set {
            guard token >= 0 && token < count else { return }
            if newValue { words[token >> 6] |= 1 << UInt64(token & 63) } else { words[token >> 6] &= ~(1 << UInt64(token & 63)) }
        }
    }

    /// The allowed token ids, ascending.
    public var allowed: [Int] {
        var out: [Int] = []
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                out.append(index << 6 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return out
    }

    public var allowedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    mutating func clear() {
        for index in words.indices { words[index] = 0 }
    }

    mutating func setAll() {
        for index in words.indices { words[index] = ~0 }
        let extra = words.count * 64 - count
        if extra > 0 { words[words.count - 1] >>= UInt64(extra) }
    }

    @inline(__always) mutating func set(_ token: Int32) {
        words[Int(token) >> 6] |= 1 << UInt64(token & 63)
    }

    mutating func formUnion(_ other: [UInt64]) {
        for index in words.indices { words[index] |= other[index] }
    }
}
