import LAMJSON

/// BFCL's JavaScript rules: like Java, every parameter arrives as a string of JavaScript source
/// (`"'text'"`, `"42"`, `"[1, 2]"`, `"{a: 1}"`) that the checker turns into a Python value first.
enum JavaScriptValueConverter {
    static let pythonTypes: [String: PythonType] = [
        "String": .str, "integer": .int, "float": .float, "Bigint": .int, "Boolean": .bool, "dict": .dict,
        "array": .list, "any": .str,
    ]

    private static let integer = PythonRegex(#"^-?\d+$"#)
    private static let decimal = PythonRegex(#"^-?\d+(\.\d+)?$"#)
    private static let bigint = PythonRegex(#"^-?\d+n$"#)
    private static let array2D = PythonRegex(#"\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\)"#)
    private static let bracketed = PythonRegex(#"\[(.*?)\]"#)
    private static let array1D = PythonRegex(#"\[(.*?)\]|\bnew\s+Array\((.*?)\)"#)
    private static let object = PythonRegex(#"\{(.*?)\}"#)
    private static let pair = PythonRegex(#"([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)"#)
    private static let quotes: Set<Unicode.Scalar> = ["'", "\""]

    static func convert(_ value: String, type: String, nested: String? = nil) throws(BFCLCheckerError) -> JSONValue {
        guard pythonTypes[type] != nil else { throw BFCLCheckerError("unsupported JavaScript type \(type)") }
        switch type {
        case "String":
            return isQuoted(value) ? .string(value.droppingFirstAndLastScalar) : .string(value)
        case "integer":
            return integer.matches(value) ? int(value) : .string(value)
        case "float":
            return decimal.matches(value) ? .double(Python.float(value) ?? .nan) : .string(value)
        case "Bigint":
            return bigint.matches(value) ? int(String(value.trimmingPythonWhitespace().dropLast())) : .string(value)
        case "Boolean":
            return value == "true" || value == "false" ? .bool(value == "true") : .string(value)
        case "dict":
            return dictionary(value.trimmingPythonWhitespace())
        case "array":
            return array(value.trimmingPythonWhitespace(), nested: nested)
        default:
            return .string(value)
        }
    }

    private static func isQuoted(_ text: String) -> Bool {
        text.isWrapped(in: "\"") || text.isWrapped(in: "'")
    }

    private static func int(_ text: String) -> JSONValue {
        Python.int(text).map(JSONValue.integer) ?? .double(Double(text.trimmingPythonWhitespace()) ?? .nan)
    }

    private static func array(_ code: String, nested: String?) -> JSONValue {
        if let groups = array2D.match(code), let whole = groups[0] {
            var rows: [JSONValue] = []
            for (index, inner) in bracketed.findAll(whole).enumerated() {
                var body = (inner[1] ?? "").trimmingPythonWhitespace()
                if index == 0 && body.startsWithScalar("[") { body = String(body.unicodeScalars.dropFirst()) }
                rows.append(.array(body.pythonSplit(",").map { untypedValue($0.trimmingPythonWhitespace()) }))
            }
            return .array(rows)
        }
        guard let groups = array1D.match(code) else { return .string(code) }
        let body = (groups[1] ?? groups[2])?.trimmingPythonWhitespace() ?? ""
        let pieces = body.isEmpty ? [] : body.pythonSplit(",")
        guard let nested else { return .array(pieces.map { untypedValue($0.trimmingPythonWhitespace()) }) }
        var elements: [JSONValue] = []
        for piece in pieces {
            // Any failure inside (an unknown element type) makes BFCL keep the whole text.
            guard let element = try? convert(piece.trimmingPythonWhitespace(), type: nested) else { return .string(code) }
            elements.append(element)
        }
        return .array(elements)
    }

    private static func dictionary(_ code: String) -> JSONValue {
        if code == "{}" { return .object([:]) }
        guard let groups = object.match(code) else { return .string(code) }
        var members = JSONObject()
        for found in pair.findAll(groups[1] ?? "") {
            let key = (found[1] ?? "").trimmingPythonWhitespace().trimmingPython(quotes)
            let value = (found[2] ?? "").trimmingPythonWhitespace()
            if value.startsWithScalar("[") && value.endsWithScalar("]") {
                members[key] = array(value, nested: nil)
            } else if value.startsWithScalar("{") && value.endsWithScalar("}") {
                members[key] = dictionary(value)
            } else {
                members[key] = untypedValue(value.trimmingPython(quotes))
            }
        }
        return .object(members)
    }

    /// A JavaScript literal without a declared type: boolean, quoted string, int, float, or the text itself.
    static func untypedValue(_ text: String) -> JSONValue {
        let value = text.trimmingPythonWhitespace()
        if value == "true" { return .bool(true) }
        if value == "false" { return .bool(false) }
        if isQuoted(value) { return .string(value.droppingFirstAndLastScalar) }
        if let number = Python.int(value) { return .integer(number) }
        if let number = Python.float(value) { return .double(number) }
        return .string(value)
    }
}
