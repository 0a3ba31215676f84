import Foundation

/// A JSON document as plain values, decoded with Foundation's strict parser. Model files carry small JSON
/// documents (safetensors headers, config.json, …); `JSONObject` reads typed fields from them and turns
/// every surprise into a `ModelFileError` that names the file and the key.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let i = try? container.decode(Int.self) { self = .int(i) }
        else if let d = try? container.decode(Double.self) { self = .double(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Parses `bytes` as one JSON document; `what` names it in errors, `offset` is where it starts in its file.
    static func parse(_ bytes: some Collection<UInt8>, what: String, offset: Int? = nil) throws(ModelFileError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidJSON(what: what, reason: Self.reason(error), offset: offset)
        }
    }

    private static func reason(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Typed, validated access to the fields of a JSON object.
struct JSONObject {
    let fields: [String: JSONValue]
    /// Names the document (and the path inside it) in errors, e.g. "config.json" or "config.json: rope_scaling".
    let what: String
    let offset: Int?

    init(_ value: JSONValue, what: String, offset: Int? = nil) throws(ModelFileError) {
        guard case .object(let fields) = value else {
            throw .invalidJSON(what: what, reason: "expected an object, found \(value.typeName)", offset: offset)
        }
        self.fields = fields
        self.what = what
        self.offset = offset
    }

    var keys: Dictionary<String, JSONValue>.Keys { fields.keys }

    /// A present, non-null field.
    func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func wrongType(_ key: String, _ expected: String) -> ModelFileError {
        .invalidJSON(what: what, reason: "'\(key)' must be \(expected), found \(fields[key]?.typeName ?? "nothing")",
                     offset: offset)
    }

    func required<T>(_ key: String, _ read: (String) throws(ModelFileError) -> T?) throws(ModelFileError) -> T {
        guard let value = try read(key) else { throw .missingConfigValue(key: key, file: what) }
        return value
    }

    func int(_ key: String) throws(ModelFileError) -> Int? {
        guard let value = value(key) else { return nil }
        if case .int(let i) = value { return i }
        // Some writers emit integral values as 1.0 or 1e6.
        if case .double(let d) = value, let i = Int(exactly: d) { return i }
        throw wrongType(key, "an integer")
    }

    func nonNegativeInt(_ key: String) throws(ModelFileError) -> Int? {
        guard let i = try int(key) else { return nil }
        guard i >= 0 else { throw wrongType(key, "a non-negative integer") }
        return i
    }

    func double(_ key: String) throws(ModelFileError) -> Double? {
        switch value(key) {
        case nil: return nil
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: throw wrongType(key, "a number")
        }
    }

    func string(_ key: String) throws(ModelFileError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let s) = value else { throw wrongType(key, "a string") }
        return s
    }

    func bool(_ key: String) throws(ModelFileError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let b) = value else { throw wrongType(key, "a boolean") }
        return b
    }

    func object(_ key: String) throws(ModelFileError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case .object = value else { throw wrongType(key, "an object") }
        return try JSONObject(value, what: "\(what): \(key)", offset: offset)
    }

    func stringArray(_ key: String) throws(ModelFileError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw wrongType(key, "an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw wrongType(key, "an array of strings") }
            strings.append(s)
        }
        return strings
    }

    /// A field that is one integer or an array of integers (e.g. `eos_token_id`).
    func intList(_ key: String) throws(ModelFileError) -> [Int]? {
        switch value(key) {
        case nil: return nil
        case .int(let i)?: return [i]
        case .array(let items)?:
            var ints: [Int] = []
            for item in items {
                guard case .int(let i) = item else { throw wrongType(key, "an integer or an array of integers") }
                ints.append(i)
            }
            return ints
        default: throw wrongType(key, "an integer or an array of integers")
        }
    }
}
