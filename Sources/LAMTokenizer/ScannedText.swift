/// A piece of text as the pre-tokenizers see it: its UTF-8 bytes, and for every Unicode scalar its byte offset
/// and the character classes the splitting rules ask about. Built in one pass; no Strings are made after it.
struct ScannedText {
    /// The classes of one scalar, as bits.
    struct Classes: OptionSet {
        let rawValue: UInt8
        /// \p{L}
        static let letter = Classes(rawValue: 1)
        /// \p{N}
        static let number = Classes(rawValue: 2)
        /// \s: the Unicode White_Space property (what Oniguruma, the regex engine of Hugging Face, means by \s)
        static let whitespace = Classes(rawValue: 4)
        /// \r or \n
        static let lineBreak = Classes(rawValue: 8)
        /// U+0020 itself (the optional leading space of several rules)
        static let space = Classes(rawValue: 16)
        /// U+0027, which starts the English contraction rules
        static let apostrophe = Classes(rawValue: 32)

        /// Neither letter, number nor whitespace: punctuation, symbols, marks, controls.
        var isOther: Bool { rawValue & 7 == 0 }
    }

    let bytes: [UInt8]
    /// Byte offset of each scalar, plus a final entry equal to `bytes.count`.
    private(set) var offsets: [Int32] = []
    private(set) var classes: [Classes] = []

    var scalarCount: Int { classes.count }

    init<Bytes: Collection<UInt8>>(utf8 source: Bytes) {
        bytes = Array(source)
        offsets.reserveCapacity(bytes.count + 1)
        classes.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                offsets.append(Int32(index))
                let lead = buffer[index]
                if lead < 0x80 {
                    classes.append(Self.asciiClasses[Int(lead)])
                    index += 1
                    continue
                }
                // The bytes come from a Swift String, so they are well-formed UTF-8.
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for continuation in buffer[(index + 1)..<(index + length)] {
                    value = value << 6 | UInt32(continuation & 0x3F)
                }
                classes.append(Self.classes(ofNonASCII: value))
                index += length
            }
            offsets.append(Int32(buffer.count))
        }
    }

    /// The byte range of scalars `scalars`.
    func byteRange(_ scalars: Range<Int>) -> Range<Int> {
        Int(offsets[scalars.lowerBound])..<Int(offsets[scalars.upperBound])
    }

    /// The scalar at `index` when it is ASCII, lowercased; nil otherwise. Long s (U+017F) reads as "s", since
    /// a case-insensitive Unicode regex folds it to "s".
    func foldedASCII(at index: Int) -> UInt8? {
        let start = Int(offsets[index])
        let byte = bytes[start]
        if byte < 0x80 { return byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0) }
        if byte == 0xC5 && bytes[start + 1] == 0xBF { return UInt8(ascii: "s") }
        return nil
    }

    /// The scalar at `index` when it is ASCII; nil otherwise.
    func ascii(at index: Int) -> UInt8? {
        let byte = bytes[Int(offsets[index])]
        return byte < 0x80 ? byte : nil
    }

    private static let asciiClasses: [Classes] = (0..<128).map { classes(ofNonASCII: UInt32($0)) }

    private static func classes(ofNonASCII value: UInt32) -> Classes {
        guard let scalar = Unicode.Scalar(value) else { return [] }
        var classes: Classes = []
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            classes.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            classes.insert(.number)
        default:
            break
        }
        if properties.isWhitespace { classes.insert(.whitespace) }
        if value == 0x0A || value == 0x0D { classes.insert(.lineBreak) }
        if value == 0x20 { classes.insert(.space) }
        if value == 0x27 { classes.insert(.apostrophe) }
        return classes
    }
}
