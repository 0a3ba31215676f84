/// Turns tokens into text as they are generated. A character can be split across tokens (byte-level BPE splits
/// emoji and CJK characters into byte tokens); the decoder holds back the bytes of an unfinished character
/// until the token that completes it arrives, so it never shows U+FFFD for a character that later completes.
///
/// The concatenation of everything `append` and `finish` return equals `tokenizer.decode(allIDs)`.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    /// The start of a UTF-8 sequence that the next token may complete (at most 3 bytes).
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// The text that becomes complete with `id` (often empty while a character is still incomplete).
    public mutating func append(_ id: Int32) -> String {
        guard tokenizer.isValid(id), !(skipSpecialTokens && tokenizer.isSpecial(id)) else { return "" }
        var bytes = pending
        tokenizer.appendBytes(of: id, to: &bytes)
        let split = Self.incompleteSuffixStart(bytes)
        pending = Array(bytes[split...])
        return String(decoding: bytes[..<split], as: UTF8.self)
    }

    /// The text of held-back bytes at the end of generation: an unfinished character becomes U+FFFD.
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Where a trailing sequence starts that is a valid but unfinished UTF-8 character; `bytes.count` if none.
    /// Everything before that point decodes the same whatever follows, since no ill-formed subsequence
    /// reaches across a lead byte.
    static func incompleteSuffixStart(_ bytes: [UInt8]) -> Int {
        var start = bytes.count - 1
        while start >= 0 && start >= bytes.count - 3 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0 else { return bytes.count }
        let lead = bytes[start]
        let needed = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
        let present = bytes.count - start
        guard needed > present else { return bytes.count }
        // The second byte of some sequences has a narrower range (no overlongs, surrogates or values past U+10FFFF).
        if present >= 2 {
            let second = bytes[start + 1]
            let allowed: ClosedRange<UInt8> = switch lead {
            case 0xE0: 0xA0...0xBF
            case 0xED: 0x80...0x9F
            case 0xF0: 0x90...0xBF
            case 0xF4: 0x80...0x8F
            default: 0x80...0xBF
            }
            guard allowed.contains(second) else { return bytes.count }
        }
        return start
    }
}
