/// Python `str` behaviour that Swift's String does not share: code-point indexing, Python's notion of
/// whitespace, `repr`, and the string methods chat templates call.
enum PythonString {
    typealias Scalars = [Unicode.Scalar]

    static func scalars(_ text: String) -> Scalars { Array(text.unicodeScalars) }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.isspace()` for one code point.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default: false
        }
    }

    /// Line boundaries of `str.splitlines()`.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `str.strip/lstrip/rstrip(chars)`; `chars == nil` strips whitespace.
    static func strip(_ text: String, chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let shouldStrip: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isSpace($0) }
        var view = Substring(text).unicodeScalars
        if leading { while let first = view.first, shouldStrip(first) { view.removeFirst() } }
        if trailing { while let last = view.last, shouldStrip(last) { view.removeLast() } }
        return String(view)
    }

    /// `str.split(sep, maxsplit)`.
    static func split(_ text: String, separator: String?, maxSplit: Int) throws(TemplateError) -> [String] {
        let scalars = scalars(text)
        var parts: [String] = []
        guard let separator else {
            // Runs of whitespace separate; leading and trailing whitespace yields no empty parts.
            var index = 0
            while index < scalars.count {
                while index < scalars.count, isSpace(scalars[index]) { index += 1 }
                if index == scalars.count { break }
                if maxSplit >= 0, parts.count == maxSplit {
                    // The unsplit remainder keeps its trailing whitespace, as in Python.
                    parts.append(string(scalars[index...]))
                    return parts
                }
                let start = index
                while index < scalars.count, !isSpace(scalars[index]) { index += 1 }
                parts.append(string(scalars[start..<index]))
            }
            return parts
        }
        let needle = self.scalars(separator)
        if needle.isEmpty { throw TemplateError(.type, "empty separator") }
        var start = 0
        var index = 0
        while index + needle.count <= scalars.count {
            if maxSplit >= 0, parts.count == maxSplit { break }
            if scalars[index..<index + needle.count].elementsEqual(needle) {
                parts.append(string(scalars[start..<index]))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    /// `str.splitlines()` without keepends.
    static func splitLines(_ text: String) -> [String] {
        let scalars = scalars(text)
        var lines: [String] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            if isLineBreak(scalars[index]) {
                lines.append(string(scalars[start..<index]))
                if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < scalars.count { lines.append(string(scalars[start...])) }
        return lines
    }

    /// `str.replace(old, new, count)`.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        if count == 0 { return text }
        let scalars = scalars(text)
        let needle = self.scalars(old)
        let replacement = self.scalars(new)
        var result: Scalars = []
        var replaced = 0
        if needle.isEmpty {
            // Python inserts the replacement between every character and at both ends.
            for scalar in scalars {
                if count < 0 || replaced < count { result += replacement; replaced += 1 }
                result.append(scalar)
            }
            if count < 0 || replaced < count { result += replacement }
            return string(result)
        }
        var index = 0
        while index < scalars.count {
            if (count < 0 || replaced < count), index + needle.count <= scalars.count,
               scalars[index..<index + needle.count].elementsEqual(needle) {
                result += replacement
                index += needle.count
                replaced += 1
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return string(result)
    }

    /// `str.upper()` / `str.lower()` (full Unicode case mappings, as Python).
    static func upper(_ text: String) -> String { text.uppercased() }
    static func lower(_ text: String) -> String { text.lowercased() }

    /// `str.capitalize()`: first character upper-cased (title case, as Python 3.8+), the rest lower-cased.
    static func capitalize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return first.properties.titlecaseMapping + lower(String(text.unicodeScalars.dropFirst()))
    }

    /// jinja2's `title` filter: words begin after `-`, whitespace, `(`, `{`, `[` or `<`.
    static func title(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let isBoundary = isSpace(scalar) || "-({[<".unicodeScalars.contains(scalar)
            if isBoundary {
                result.unicodeScalars.append(scalar)
                atWordStart = true
            } else if atWordStart {
                result += scalar.properties.uppercaseMapping
                atWordStart = false
            } else {
                result += scalar.properties.lowercaseMapping
            }
        }
        return result
    }

    /// HTML escaping as markupsafe does it.
    static func escapeHTML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "'": result += "&#39;"
            case "\"": result += "&#34;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Python's `repr(str)`.
    static func repr(_ text: String) -> String {
        let quote: Unicode.Scalar = text.unicodeScalars.contains("'") && !text.unicodeScalars.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case quote, "\\": result += "\\" + String(scalar)
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default:
                if isPrintable(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    result += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    result += "\\u" + hex(scalar.value, width: 4)
                } else {
                    result += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        result.unicodeScalars.append(quote)
        return result
    }

    /// `str.isprintable()` for one code point: everything but control, format, surrogate, private-use,
    /// unassigned and separator characters (the ASCII space excepted).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
