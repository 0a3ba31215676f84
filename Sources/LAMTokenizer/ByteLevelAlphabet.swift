/// GPT-2's byte-level alphabet. Byte-level BPE vocabularies are stored as text in which every byte of the
/// real token is one printable character: bytes that are printable Latin-1 stand for themselves, the other
/// 68 bytes are shifted to U+0100…U+0143 (so a space is stored as "Ġ", a newline as "Ċ").
enum ByteLevelAlphabet {
    /// The character that stands for each byte.
    static let characterForByte: [Unicode.Scalar] = {
        var characters = [Unicode.Scalar](repeating: "\0", count: 256)
        var shifted: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(UInt8(byte)) {
                characters[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                characters[byte] = Unicode.Scalar(shifted)!
                shifted += 1
            }
        }
        return characters
    }()

    /// The byte each alphabet character stands for, indexed by scalar value (-1: not in the alphabet).
    private static let byteForScalarValue: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, character) in characterForByte.enumerated() { table[Int(character.value)] = Int16(byte) }
        return table
    }()

    private static func isPrintable(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The bytes a vocabulary entry stands for, or nil when a character is outside the alphabet (such entries
    /// — added tokens, padding names — can never come out of byte-level BPE).
    static func bytes(ofEncoded token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard scalar.value < 0x144 else { return nil }
            let byte = byteForScalarValue[Int(scalar.value)]
            guard byte >= 0 else { return nil }
            bytes.append(UInt8(byte))
        }
        return bytes
    }

    /// The bytes a token decodes to, by the rule of Hugging Face's ByteLevel decoder: through the alphabet when
    /// every character is in it, otherwise the token's own UTF-8.
    static func decodedBytes(of token: String) -> [UInt8] {
        bytes(ofEncoded: token) ?? Array(token.utf8)
    }

    /// The vocabulary form of raw bytes (the inverse of `bytes(ofEncoded:)`).
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(characterForByte[Int(byte)]) }
        return String(text)
    }
}
