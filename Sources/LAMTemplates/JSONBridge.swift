import LAMJSON

/// Converts between JSON (the messages and tools a caller passes) and template values.
enum JSONBridge {
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .none
        case .bool(let flag): .bool(flag)
        case .integer(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .list(items.map(value))
        case .object(let entries): .dict(dictionary(entries))
        }
    }

    private static func dictionary(_ entries: JSONObject) -> OrderedDictionary<Value, Value> {
        var keys: [Value] = []
        var values: [Value] = []
        keys.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        for (key, item) in entries {
            keys.append(.string(key))
            values.append(value(item))
        }
        // JSON object keys are already unique.
        return OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
    }

    /// The JSON Python's `json.dumps` would write for the value; what it cannot serialize is a type error.
    static func json(_ value: Value, depth: Int = 0) throws(TemplateError) -> JSONValue {
        if depth > Value.maximumNesting { throw TemplateError(.limit, "value nested too deeply for JSON") }
        switch value {
        case .none: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .integer(number)
        case .double(let number): return .double(number)
        case .string(let text), .markup(let text): return .string(text)
        case .list(let items), .tuple(let items):
            var array: [JSONValue] = []
            array.reserveCapacity(items.count)
            for item in items { array.append(try json(item, depth: depth + 1)) }
            return .array(array)
        case .dict(let entries):
            var object = JSONObject()
            object.reserveCapacity(entries.count)
            for (key, item) in entries { object[try jsonKey(key)] = try json(item, depth: depth + 1) }
            return .object(object)
        case .undefined, .object, .function, .iterator:
            throw TemplateError(.type, "Object of type \(value.typeName) is not JSON serializable")
        }
    }

    /// Python's json.dumps turns str, int, float, bool and None keys into strings.
    private static func jsonKey(_ key: Value) throws(TemplateError) -> String {
        switch key {
        case .string(let text), .markup(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return PythonFloat.json(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .none: return "null"
        default: throw TemplateError(.type, "keys must be str, int, float, bool or None, not \(key.typeName)")
        }
    }
}
