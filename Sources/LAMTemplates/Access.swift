/// Attribute, item and slice lookup with jinja2's sandboxed rules.
///
/// `a.b` tries the attribute (a method, for the built-in types) and then the item; `a[b]` tries the item and
/// then the attribute. A miss gives an undefined value; only looking into an undefined value is an error.
enum Access {
    static func attribute(_ value: Value, _ name: String) throws(TemplateError) -> Value {
        if case .undefined(let hint) = value { throw TemplateError(.undefined, hint) }
        if let method = try Methods.bound(value, name) { return method }
        switch value {
        case .dict(let entries):
            return entries[.string(name)] ?? .undefined(hint: "'dict object' has no attribute '\(name)'")
        case .object(let object):
            return object.attribute(name) ?? .undefined(hint: "'\(object.typeName) object' has no attribute '\(name)'")
        default:
            return .undefined(hint: "'\(value.typeName) object' has no attribute '\(name)'")
        }
    }

    static func item(_ value: Value, _ key: Value) throws(TemplateError) -> Value {
        switch value {
        case .undefined(let hint):
            throw TemplateError(.undefined, hint)
        case .dict(let entries):
            if let found = entries[key] { return found }
        case .list(let items), .tuple(let items):
            if case .integer(let index)? = key.integerIndex {
                let position = index < 0 ? index + items.count : index
                if position >= 0 && position < items.count { return items[position] }
                return .undefined(hint: "\(value.typeName) index out of range")
            }
        case .string(let text), .markup(let text):
            if case .integer(let index)? = key.integerIndex {
                let scalars = text.unicodeScalars
                let count = scalars.count
                let position = index < 0 ? index + count : index
                if position >= 0 && position < count {
                    return .string(String(scalars[scalars.index(scalars.startIndex, offsetBy: position)]))
                }
                return .undefined(hint: "string index out of range")
            }
        default:
            break
        }
        if let name = key.stringValue {
            return try attribute(value, name)
        }
        return .undefined(hint: "'\(value.typeName) object' has no attribute \(key.repr)")
    }

    /// Python slicing `value[start:stop:step]` on strings, lists and tuples.
    static func slice(_ value: Value, start: Value?, stop: Value?, step: Value?) throws(TemplateError) -> Value {
        if case .undefined(let hint) = value { throw TemplateError(.undefined, hint) }
        func bound(_ value: Value?) -> Int?? {
            guard let value, !value.isNone else { return .some(nil) }
            guard case .integer(let number)? = value.integerIndex else { return nil }
            return .some(number)
        }
        guard let startIndex = bound(start), let stopIndex = bound(stop), let stepValue = bound(step) else {
            return .undefined(hint: "slice indices must be integers or None")
        }
        let stride = stepValue ?? 1
        if stride == 0 { throw TemplateError(.type, "slice step cannot be zero") }
        func indices(count: Int) -> [Int] {
            func clamp(_ index: Int?, _ defaultValue: Int) -> Int {
                guard var index else { return defaultValue }
                if index < 0 { index += count }
                if stride > 0 { return min(max(index, 0), count) }
                return min(max(index, -1), count - 1)
            }
            let from = clamp(startIndex, stride > 0 ? 0 : count - 1)
            let to = clamp(stopIndex, stride > 0 ? count : -1)
            var result: [Int] = []
            var index = from
            while stride > 0 ? index < to : index > to {
                result.append(index)
                let (next, overflow) = index.addingReportingOverflow(stride)
                if overflow { break }
                index = next
            }
            return result
        }
        switch value {
        case .list(let items): return .list(indices(count: items.count).map { items[$0] })
        case .tuple(let items): return .tuple(indices(count: items.count).map { items[$0] })
        case .string(let text), .markup(let text):
            let scalars = Array(text.unicodeScalars)
            let sliced = PythonString.string(indices(count: scalars.count).map { scalars[$0] })
            if case .markup = value { return .markup(sliced) }
            return .string(sliced)
        default:
            // jinja2 compiles a slice to plain Python subscripting, so a wrong type raises.
            throw TemplateError(.type, "'\(value.typeName)' object is not subscriptable")
        }
    }
}

extension Value {
    /// The value as a sequence index: Python accepts ints and bools.
    var integerIndex: Number? {
        switch self {
        case .int(let number): .integer(number)
        case .bool(let flag): .integer(flag ? 1 : 0)
        default: nil
        }
    }
}
