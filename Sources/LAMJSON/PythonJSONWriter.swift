extension JSONValue {
    /// The text Python's `json.dumps(value, indent=…, ensure_ascii=…, sort_keys=…, separators=…)` produces,
    /// byte for byte: Python's default separators (`", "` and `": "`, or `","` and `": "` with an indent),
    /// its float repr (`1.0`, `1e-05`, `1e+16`), `NaN`/`Infinity`, and its string escapes.
    public func pythonJSON(
        indent: Int? = nil,
        ensureASCII: Bool = false,
        sortKeys: Bool = false,
        separators: (item: String, key: String)? = nil
    ) -> String {
        var writer = PythonJSONWriter(
            indent: indent.map { String(repeating: " ", count: max(0, $0)) },
            ensureASCII: ensureASCII,
            sortKeys: sortKeys,
            itemSeparator: separators?.item ?? (indent == nil ? ", " : ","),
            keySeparator: separators?.key ?? ": "
        )
        writer.write(self, level: 0)
        return writer.output
    }

    /// The shortest form, `{"a":1,"b":[true,null]}`, as OpenAI's API carries tool-call arguments.
    public var compactJSON: String { pythonJSON(separators: (",", ":")) }
}

private struct PythonJSONWriter {
    let indent: String?
    let ensureASCII: Bool
    let sortKeys: Bool
    let itemSeparator: String
    let keySeparator: String
    /// UTF-8 bytes; appending bytes is much cheaper than appending many small Strings.
    var bytes: [UInt8] = []
    /// "\n" plus the indentation of each nesting level, built once per level.
    private var newlineAndIndents: [String] = []

    var output: String { String(decoding: bytes, as: UTF8.self) }

    init(indent: String?, ensureASCII: Bool, sortKeys: Bool, itemSeparator: String, keySeparator: String) {
        self.indent = indent
        self.ensureASCII = ensureASCII
        self.sortKeys = sortKeys
        self.itemSeparator = itemSeparator
        self.keySeparator = keySeparator
        bytes.reserveCapacity(256)
    }

    private mutating func emit(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func newlineAndIndent(level: Int) -> String? {
        guard let indent else { return nil }
        while newlineAndIndents.count <= level {
            newlineAndIndents.append("\n" + String(repeating: indent, count: newlineAndIndents.count))
        }
        return newlineAndIndents[level]
    }

    mutating func write(_ value: JSONValue, level: Int) {
        switch value {
        case .null: emit("null")
        case .bool(let flag): emit(flag ? "true" : "false")
        case .integer(let number): emit(String(number))
        case .double(let number): emit(PythonFloat.json(number))
        case .string(let string): writeString(string)
        case .array(let elements):
            writeContainer(open: "[", close: "]", elements, level: level) { writer, element, level in
                writer.write(element, level: level)
            }
        case .object(let members):
            let ordered = sortKeys ? members.elements.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } : Array(members.elements)
            writeContainer(open: "{", close: "}", ordered, level: level) { writer, member, level in
                writer.writeString(member.key)
                writer.emit(writer.keySeparator)
                writer.write(member.value, level: level)
            }
        }
    }

    private mutating func writeContainer<Element>(
        open: String, close: String, _ elements: [Element], level: Int,
        writeElement: (inout PythonJSONWriter, Element, Int) -> Void
    ) {
        guard !elements.isEmpty else {
            emit(open)
            emit(close)
            return
        }
        emit(open)
        let innerLevel = level + 1
        let innerBreak = newlineAndIndent(level: innerLevel)
        for (index, element) in elements.enumerated() {
            if index > 0 { emit(itemSeparator) }
            if let innerBreak { emit(innerBreak) }
            writeElement(&self, element, innerLevel)
        }
        if let outerBreak = newlineAndIndent(level: level) { emit(outerBreak) }
        emit(close)
    }

    private mutating func writeString(_ string: String) {
        bytes.append(0x22)
        // Most strings need no escape at all: copy their bytes whole.
        let needsEscape = string.utf8.contains { byte in
            byte < 0x20 || byte == 0x22 || byte == 0x5C || (ensureASCII && byte > 0x7E)
        }
        if !needsEscape {
            bytes.append(contentsOf: string.utf8)
            bytes.append(0x22)
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": emit("\\\"")
            case "\\": emit("\\\\")
            case "\n": emit("\\n")
            case "\r": emit("\\r")
            case "\t": emit("\\t")
            case "\u{08}": emit("\\b")
            case "\u{0C}": emit("\\f")
            case _ where scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7E):
                writeUnicodeEscape(scalar)
            default:
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(0x22)
    }

    private mutating func writeUnicodeEscape(_ scalar: Unicode.Scalar) {
        for unit in String(scalar).utf16 {
            let hex = String(unit, radix: 16)
            emit("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        }
    }
}

/// Python's `float.__repr__`, which `json.dumps` uses: the shortest digits that round-trip (Swift's
/// `description` finds the same digits), laid out as Python does — fixed notation while the decimal exponent
/// is in -4 ..< 16, scientific with a signed two-digit exponent otherwise.
public enum PythonFloat {
    public static func json(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return repr(value)
    }

    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        let (digits, pointPosition) = shortestDigits(of: abs(value))
        // `pointPosition` is where the decimal point sits relative to the digits: 0.d1d2… × 10^pointPosition.
        if pointPosition > -4 && pointPosition <= 16 {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let exponent = pointPosition - 1
        var mantissa = String(digits.first!)
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let exponentDigits = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
            + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    /// The significant digits of a positive finite value (no leading or trailing zeros) and the position of
    /// the decimal point, read from Swift's shortest round-trip `description` ("123.45", "1e-05", "1.5e+300").
    private static func shortestDigits(of value: Double) -> (digits: String, pointPosition: Int) {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        let integerPart = mantissa.prefix { $0 != "." }
        let fractionPart = mantissa.contains(".") ? mantissa[mantissa.index(after: mantissa.firstIndex(of: ".")!)...] : ""
        var digits = Substring(integerPart + fractionPart)
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits = digits.dropFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        return (String(digits), pointPosition)
    }
}
