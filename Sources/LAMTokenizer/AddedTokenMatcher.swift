/// A token matched in the text by its literal content before any BPE: special tokens such as `<|im_start|>`
/// and other added tokens such as Qwen's `<tool_call>`.
public struct AddedToken: Sendable, Equatable {
    public let id: Int32
    public let content: String
    /// Special tokens (control tokens) are recognized only under `SpecialTokenPolicy.recognize` and are
    /// dropped by `decode(_:skipSpecialTokens: true)`; the others are recognized always.
    public let isSpecial: Bool
    /// Whitespace before the token is taken into it (and so disappears).
    let stripsLeft: Bool
    /// Whitespace after the token is taken into it.
    let stripsRight: Bool
    /// Matched against normalized text rather than the raw input (Hugging Face's `normalized`).
    let matchesNormalized: Bool
}

/// Finds added tokens in text, leftmost first and longest first at one position (Hugging Face's rule).
struct AddedTokenMatcher: Sendable {
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Candidate: Sendable {
        let bytes: [UInt8]
        let token: AddedToken
    }

    /// Candidates by their first byte, longest first.
    private let candidates: [[Candidate]]
    let isEmpty: Bool

    /// `contentBytes` gives the bytes each token is matched by (its content, normalized where that applies).
    init(_ tokens: [AddedToken], contentBytes: (AddedToken) -> [UInt8]) {
        var byFirstByte = [[Candidate]](repeating: [], count: 256)
        for token in tokens {
            let bytes = contentBytes(token)
            guard let first = bytes.first else { continue }
            byFirstByte[Int(first)].append(Candidate(bytes: bytes, token: token))
        }
        candidates = byFirstByte.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
        isEmpty = tokens.isEmpty
    }

    /// Splits `bytes` (well-formed UTF-8) into text runs and matched tokens.
    func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index < bytes.count {
            guard let match = longestMatch(in: bytes, at: index) else {
                index += 1
                continue
            }
            var textEnd = index
            if match.token.stripsLeft {
                while textEnd > textStart, let start = Self.whitespaceScalarStart(endingAt: textEnd, in: bytes, notBefore: textStart) {
                    textEnd = start
                }
            }
            if textStart < textEnd { segments.append(.text(textStart..<textEnd)) }
            segments.append(.token(match.token.id))
            index += match.bytes.count
            if match.token.stripsRight {
                while let length = Self.whitespaceScalarLength(at: index, in: bytes) { index += length }
            }
            textStart = index
        }
        if textStart < bytes.count { segments.append(.text(textStart..<bytes.count)) }
        return segments
    }

    private func longestMatch(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Candidate? {
        for candidate in candidates[Int(bytes[index])] where candidate.bytes.count <= bytes.count - index {
            var matches = true
            for (offset, byte) in candidate.bytes.enumerated() where bytes[index + offset] != byte {
                matches = false
                break
            }
            if matches { return candidate }
        }
        return nil
    }

    private static func scalar(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, UTF8.width(scalar))
    }

    private static func whitespaceScalarLength(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard index < bytes.count, let (scalar, length) = scalar(at: index, in: bytes),
              scalar.properties.isWhitespace else { return nil }
        return length
    }

    /// The start of the whitespace scalar that ends at `end`, if the scalar there is whitespace.
    private static func whitespaceScalarStart(
        endingAt end: Int, in bytes: UnsafeBufferPointer<UInt8>, notBefore lowerBound: Int
    ) -> Int? {
        var start = end - 1
        while start > lowerBound && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard let length = whitespaceScalarLength(at: start, in: bytes), start + length == end else { return nil }
        return start
    }
}
