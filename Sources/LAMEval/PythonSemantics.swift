import Foundation
import LAMJSON

/// The Python type a decoded JSON value has after `json.loads`; BFCL's checker compares `type(x)` exactly,
/// so `bool` is not `int` here, unlike `isinstance`.
public enum PythonType: String, Sendable, Equatable {
    case none = "NoneType", bool, int, float, str, list, dict
}

/// Python's equality, membership and string rules over `JSONValue`, as BFCL's checker relies on them.
enum Python {
    static func type(of value: JSONValue) -> PythonType {
        switch value {
        case .null: .none
        case .bool: .bool
        case .integer: .int
        case .double: .float
        case .string: .str
        case .array: .list
        case .object: .dict
        }
    }

    /// `a == b`: `True == 1 == 1.0`, lists element by element, dicts by key set; strings by code points.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.string(let x), .string(let y)): return sameScalars(x, y)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], equal(value, other) else { return false }
            }
            return true
        default:
            guard let x = numeric(a), let y = numeric(b) else { return false }
            return x == y
        }
    }

    /// `x in list`.
    static func contains(_ list: [JSONValue], _ value: JSONValue) -> Bool {
        list.contains { equal($0, value) }
    }

    /// Iterating `x[i]` over `range(len(x))`: a list gives its items, a string its characters.
    static func items(_ value: JSONValue) -> [JSONValue]? {
        switch value {
        case .array(let a): a
        case .string(let s): s.unicodeScalars.map { .string(String($0)) }
        default: nil
        }
    }

    static func isEmptyString(_ value: JSONValue) -> Bool {
        if case .string(let s) = value { s.isEmpty } else { false }
    }

    static func sameScalars(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }

    private static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .bool(let b): b ? 1 : 0
        case .integer(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// `int(text)` for the decimal forms the converters feed it: optional sign and surrounding whitespace.
    static func int(_ text: String) -> Int? {
        var body = Substring(text.trimmingPythonWhitespace())
        if body.first == "+" { body = body.dropFirst() }
        guard let first = body.first, first == "-" || first.isASCIIDigitCharacter else { return nil }
        return Int(body)
    }

    /// `float(text)`: decimal and exponent forms, `inf`, `infinity`, `nan` (any case); no hexadecimal.
    static func float(_ text: String) -> Double? {
        let body = text.trimmingPythonWhitespace()
        guard !body.isEmpty, !body.contains(where: { $0 == "x" || $0 == "X" || $0 == "_" }) else { return nil }
        let lowered = body.lowercased()
        let unsigned = lowered.hasPrefix("+") || lowered.hasPrefix("-") ? String(lowered.dropFirst()) : lowered
        if unsigned == "inf" || unsigned == "infinity" || unsigned == "nan" {
            let magnitude = unsigned == "nan" ? Double.nan : Double.infinity
            return lowered.hasPrefix("-") ? -magnitude : magnitude
        }
        guard unsigned.first.map({ $0.isASCIIDigitCharacter || $0 == "." }) == true else { return nil }
        return Double(body)
    }

    /// BFCL's `standardize_string`: drops spaces and `,./-_*^`, lowercases, and turns `'` into `"`.
    static func standardize(_ text: String) -> String {
        let dropped: Set<Unicode.Scalar> = [" ", ",", ".", "/", "-", "_", "*", "^"]
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.filter { !dropped.contains($0) })
        return String(kept).lowercased().replacingOccurrences(of: "'", with: "\"")
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension String {
    /// Python's `str.strip()` with no argument.
    func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// Python's `str.strip(chars)`.
    func trimmingPython(_ characters: Set<Unicode.Scalar>) -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !characters.contains($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !characters.contains($0) })!
        return String(scalars[start...end])
    }

    /// Python's `s[1:-1]`.
    var droppingFirstAndLastScalar: String {
        let scalars = Array(unicodeScalars)
        guard scalars.count > 2 else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[1..<(scalars.count - 1)])
        return String(view)
    }

    /// Python's `s.split(",")`: empty pieces kept; by code point, as Python does (not by grapheme).
    func pythonSplit(_ separator: Unicode.Scalar) -> [String] {
        unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }

    /// Python's `s.startswith(c) and s.endswith(c)` for a one-code-point `c`.
    func isWrapped(in scalar: Unicode.Scalar) -> Bool {
        unicodeScalars.first == scalar && unicodeScalars.last == scalar
    }

    /// Python's `s.startswith(c)` / `s.endswith(c)` for one code point.
    func startsWithScalar(_ scalar: Unicode.Scalar) -> Bool { unicodeScalars.first == scalar }
    func endsWithScalar(_ scalar: Unicode.Scalar) -> Bool { unicodeScalars.last == scalar }
}
