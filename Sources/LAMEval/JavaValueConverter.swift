import LAMJSON

/// BFCL's Java rules: a model answers every Java parameter as a string of Java source (`"42"`, `"3.5f"`,
/// `"new ArrayList<>(Arrays.asList(1, 2))"`), and the checker turns that text into a Python value before
/// comparing it. Text that does not have the expected form stays a string (and then fails the type check).
enum JavaValueConverter {
    /// Java type names and the Python type their converted value has.
    static let pythonTypes: [String: PythonType] = [
        "byte": .int, "short": .int, "integer": .int, "float": .float, "double": .float, "long": .int,
        "boolean": .bool, "char": .str, "Array": .list, "ArrayList": .list, "Set": .list, "HashMap": .dict,
        "Hashtable": .dict, "Queue": .list, "Stack": .list, "String": .str, "any": .str,
    ]

    private static let integer = PythonRegex(#"^-?\d+$"#)
    private static let floatLiteral = PythonRegex(#"^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$"#)
    private static let doubleLiteral = PythonRegex(#"^-?\d+(\.\d+)?([eE][+-]?\d+)?$"#)
    private static let longLiteral = PythonRegex(#"^-?\d+[lL]$"#)
    private static let arrayListAsList = PythonRegex(#"new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)"#)
    private static let arrayListAdds = PythonRegex(#"new\s+ArrayList<\w*>\(\)\s*\{\{\s*(.+?)\s*\}\}"#, dotAll: true)
    private static let addCall = PythonRegex(#"add\((.+?)\)"#)
    private static let emptyArrayList = PythonRegex(#"new\s+ArrayList<\w*>\(\)"#)
    private static let arrayLiteral = PythonRegex(#"new\s+\w+\[\]\s*\{(.*?)\}"#)
    private static let hashMapLiteral = PythonRegex(#"new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*(.*?)\s*\}?\s*\}"#, dotAll: true)
    private static let putCall = PythonRegex(#"put\(\"(.*?)\",\s*(.*?)\)"#)
    private static let emptyHashMap = PythonRegex(#"new\s+HashMap<.*?>\s*\(\)"#)

    static func convert(_ value: String, type: String, nested: String? = nil) throws(BFCLCheckerError) -> JSONValue {
        guard pythonTypes[type] != nil else { throw BFCLCheckerError("unsupported Java type \(type)") }
        switch type {
        case "byte", "short", "integer":
            return integer.matches(value) ? int(value) : .string(value)
        case "float":
            return floatLiteral.matches(value) ? float(String(value.trimmingPythonWhitespace().dropLast())) : .string(value)
        case "double":
            return doubleLiteral.matches(value) ? float(value) : .string(value)
        case "long":
            return longLiteral.matches(value) ? int(String(value.trimmingPythonWhitespace().dropLast())) : .string(value)
        case "boolean":
            return value == "true" || value == "false" ? .bool(value == "true") : .string(value)
        case "ArrayList":
            return try arrayList(value, nested: nested)
        case "Array":
            return try array(value, nested: nested)
        case "HashMap":
            return hashMap(value)
        case "Set", "Hashtable", "Queue", "Stack":
            throw BFCLCheckerError("BFCL does not convert Java \(type) values")
        default:
            // "char" (BFCL's char pattern can never match, so it keeps the text), "String" and "any".
            return .string(value)
        }
    }

    private static func int(_ text: String) -> JSONValue {
        Python.int(text).map(JSONValue.integer) ?? .double(Double(text.trimmingPythonWhitespace()) ?? .nan)
    }

    private static func float(_ text: String) -> JSONValue {
        .double(Python.float(text) ?? .nan)
    }

    /// One element of a collection whose element type is known.
    private static func element(_ text: String, nested: String?) throws(BFCLCheckerError) -> JSONValue {
        switch nested {
        case "char", "String": return .string(text.droppingFirstAndLastScalar)
        case let type?: return try convert(text, type: type)
        case nil: return untypedValue(text)
        }
    }

    private static func arrayList(_ text: String, nested: String?) throws(BFCLCheckerError) -> JSONValue {
        if let groups = arrayListAsList.search(text), let list = groups[1] {
            var elements: [JSONValue] = []
            for piece in list.pythonSplit(",") {
                elements.append(try element(piece.trimmingPythonWhitespace(), nested: nested))
            }
            return .array(elements)
        }
        if let groups = arrayListAdds.search(text), let adds = groups[1] {
            var elements: [JSONValue] = []
            for call in addCall.findAll(adds) {
                elements.append(try element((call[1] ?? "").trimmingPythonWhitespace(), nested: nested))
            }
            return .array(elements)
        }
        return emptyArrayList.search(text) != nil ? .array([]) : .string(text)
    }

    private static func array(_ text: String, nested: String?) throws(BFCLCheckerError) -> JSONValue {
        guard let groups = arrayLiteral.search(text), let list = groups[1] else { return .string(text) }
        var elements: [JSONValue] = []
        for piece in list.pythonSplit(",") {
            let trimmed = piece.trimmingPythonWhitespace()
            guard !trimmed.isEmpty else { continue }
            elements.append(try nested.map { (type) throws(BFCLCheckerError) in try convert(trimmed, type: type) } ?? untypedValue(trimmed))
        }
        return .array(elements)
    }

    private static func hashMap(_ text: String) -> JSONValue {
        if let groups = hashMapLiteral.search(text) {
            var members = JSONObject()
            let puts = groups[1] ?? ""
            if !puts.trimmingPythonWhitespace().isEmpty {
                for call in putCall.findAll(puts) {
                    members[call[1] ?? ""] = untypedValue((call[2] ?? "").trimmingPythonWhitespace())
                }
            }
            return .object(members)
        }
        return emptyHashMap.search(text) != nil ? .object([:]) : .string(text)
    }

    /// A Java literal without a declared type: boolean, string, long, float, then int, double, or text.
    static func untypedValue(_ text: String) -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text.isWrapped(in: "\"") { return .string(text.droppingFirstAndLastScalar) }
        if longLiteral.matches(text) { return int(String(text.trimmingPythonWhitespace().dropLast())) }
        if floatLiteral.matches(text) { return float(String(text.trimmingPythonWhitespace().dropLast())) }
        if let number = Python.int(text) { return .integer(number) }
        if let number = Python.float(text) { return .double(number) }
        return .string(text)
    }
}
