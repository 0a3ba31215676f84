import LAMJSON

/// A JSON document that does not match the OpenAI wire format, naming the field the way OpenAI's `param` does:
/// `messages[2].tool_calls[0].function.name`. An empty `field` means the document as a whole.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? problem : "Invalid value for '\(field)': \(problem)"
    }
}

/// Reads the members of one JSON object while tracking the path for error messages and which keys were read,
/// so that a key the format does not know is reported instead of silently ignored.
struct FieldReader {
    let object: JSONObject
    let path: String
    private var readKeys: Set<String> = []

    init(_ value: JSONValue, at path: String) throws(FieldError) {
        guard case .object(let object) = value else {
            throw FieldError(field: path, problem: "expected an object, got \(value.kindName)")
        }
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ problem: String) -> FieldError {
        FieldError(field: fieldPath(key), problem: problem)
    }

    /// The member, or nil when the key is absent or its value is `null` (OpenAI treats both alike).
    mutating func value(_ key: String) -> JSONValue? {
        readKeys.insert(key)
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    mutating func required(_ key: String) throws(FieldError) -> JSONValue {
        guard let value = value(key) else { throw error(key, "is required") }
        return value
    }

    mutating func string(_ key: String) throws(FieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let string) = value else { throw error(key, "expected a string, got \(value.kindName)") }
        return string
    }

    mutating func requiredString(_ key: String) throws(FieldError) -> String {
        guard let string = try string(key) else { throw error(key, "is required") }
        return string
    }

    mutating func bool(_ key: String) throws(FieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let bool) = value else { throw error(key, "expected a boolean, got \(value.kindName)") }
        return bool
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(FieldError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let integer = value.integerValue else { throw error(key, "expected an integer, got \(value.kindName)") }
        guard range.contains(integer) else { throw error(key, "\(integer) is outside \(range.openAIText)") }
        return integer
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(FieldError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else { throw error(key, "expected a number, got \(value.kindName)") }
        guard range.contains(number) else {
            throw error(key, "\(PythonFloat.repr(number)) is outside [\(PythonFloat.repr(range.lowerBound)), \(PythonFloat.repr(range.upperBound))]")
        }
        return number
    }

    mutating func array(_ key: String) throws(FieldError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let array) = value else { throw error(key, "expected an array, got \(value.kindName)") }
        return array
    }

    /// Decodes each element of an array member, naming elements `key[i]` in errors.
    mutating func elements<Element>(
        _ key: String, _ decode: (JSONValue, String) throws(FieldError) -> Element
    ) throws(FieldError) -> [Element]? {
        guard let array = try array(key) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            elements.append(try decode(element, "\(fieldPath(key))[\(index)]"))
        }
        return elements
    }

    /// Decodes an object member with its own reader.
    mutating func nested<Value>(
        _ key: String, _ decode: (JSONValue, String) throws(FieldError) -> Value
    ) throws(FieldError) -> Value? {
        guard let value = value(key) else { return nil }
        return try decode(value, fieldPath(key))
    }

    /// Marks keys that are accepted but have no effect here (for example `user` or `metadata`).
    mutating func ignore(_ keys: String...) {
        readKeys.formUnion(keys)
    }

    /// Throws for the first key that nothing read, as OpenAI does for an unrecognized argument.
    func rejectUnknownKeys() throws(FieldError) {
        if let unknown = object.keys.first(where: { !readKeys.contains($0) }) {
            throw error(unknown, "unrecognized field")
        }
    }
}

extension JSONValue {
    /// The JSON type's name, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension ClosedRange<Int> {
    fileprivate var openAIText: String {
        switch (lowerBound, upperBound) {
        case (Int.min, let upper): "(-inf, \(upper)]"
        case (let lower, Int.max): "[\(lower), inf)"
        default: "[\(lowerBound), \(upperBound)]"
        }
    }
}

/// Builds a JSON object member by member, leaving out members whose value is absent.
struct ObjectBuilder {
    var object: JSONObject = [:]

    mutating func set(_ key: String, _ value: JSONValue) { object[key] = value }

    mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { object[key] = value }
    }

    mutating func set(_ key: String, _ value: String?) {
        if let value { object[key] = .string(value) }
    }

    mutating func set(_ key: String, _ value: Int?) {
        if let value { object[key] = .integer(value) }
    }

    mutating func set(_ key: String, _ value: Double?) {
        if let value { object[key] = .double(value) }
    }

    mutating func set(_ key: String, _ value: Bool?) {
        if let value { object[key] = .bool(value) }
    }

    var json: JSONValue { .object(object) }
}
