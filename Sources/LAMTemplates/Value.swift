import LAMJSON
import OrderedCollections

/// A value as a Jinja template sees it: Python's data model, restricted to what chat templates use.
///
/// Dictionaries keep insertion order (Python's `dict` does, and `tojson` must write keys in that order).
/// Equality and hashing follow Python: `1 == 1.0 == true`, and a `Markup` string equals the plain string.
public enum Value: @unchecked Sendable {
    /// A missing variable, attribute or key: prints as nothing, iterates as empty, fails when used further.
    case undefined(hint: String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// A string marked safe (jinja2's `Markup`): adding a plain string to it HTML-escapes that string.
    case markup(String)
    case list([Value])
    case tuple([Value])
    case dict(OrderedDictionary<Value, Value>)
    /// A one-pass generator, as `select`, `map`, `unique` and `items` return: always true, has no length,
    /// cannot be indexed. Only iterating it (`for`, `list`, `join`, `first`) gives its items.
    case iterator([Value])
    /// `namespace()` objects and the loop variable: attribute bags with reference semantics.
    case object(TemplateObject)
    /// Macros, `caller`, globals like `raise_exception`, and bound methods such as `message.get`.
    case function(TemplateFunction)

    public static func undefined(_ name: String) -> Value { .undefined(hint: "'\(name)' is undefined") }

    /// Whether Python could hash it (lists and dicts, also inside tuples, cannot be set members or keys).
    var isHashable: Bool {
        switch self {
        case .list, .dict, .iterator: false
        case .tuple(let items): items.allSatisfy(\.isHashable)
        default: true
        }
    }

    var isUndefined: Bool { if case .undefined = self { true } else { false } }
    var isNone: Bool { if case .none = self { true } else { false } }

    /// The text of a string or markup value.
    var stringValue: String? {
        switch self {
        case .string(let text), .markup(let text): text
        default: nil
        }
    }

    /// Python's `iter(value)` as a list: a dict gives its keys, a string its characters, undefined nothing.
    func iterated() throws(TemplateError) -> [Value] {
        switch self {
        case .undefined: return []
        case .list(let items), .tuple(let items), .iterator(let items): return items
        case .dict(let entries): return Array(entries.keys)
        case .string(let text), .markup(let text): return text.unicodeScalars.map { .string(String($0)) }
        default: throw TemplateError(.type, "'\(typeName)' object is not iterable")
        }
    }

    /// Python's `bool(value)`.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .double(let number): number != 0
        case .string(let text), .markup(let text): !text.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let entries): !entries.isEmpty
        case .object, .function, .iterator: true
        }
    }

    /// Python's type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .markup: "Markup"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .object(let object): object.typeName
        case .function: "function"
        case .iterator: "generator"
        }
    }
}

/// An attribute bag shared by reference (`namespace()`, `loop`).
public class TemplateObject: @unchecked Sendable {
    var typeName: String { "object" }
    func attribute(_ name: String) -> Value? { nil }
    func setAttribute(_ name: String, _ value: Value) throws(TemplateError) {
        throw TemplateError(.type, "cannot assign attribute '\(name)' on \(typeName)")
    }
    /// Python's `str()` of the object; `depth` is how deep inside other values it is printed.
    func text(depth: Int) -> String { "<\(typeName) object>" }
}

/// jinja2's `Namespace`: the one mutable object a template can make, so that loops can carry state out.
final class Namespace: TemplateObject, @unchecked Sendable {
    var attributes: OrderedDictionary<String, Value>

    init(_ attributes: OrderedDictionary<String, Value>) { self.attributes = attributes }

    override var typeName: String { "Namespace" }
    override func attribute(_ name: String) -> Value? { attributes[name] }
    override func setAttribute(_ name: String, _ value: Value) throws(TemplateError) {
        // transformers' namespace refuses underscore names (a sandbox-escape guard).
        if name.hasPrefix("_") {
            throw TemplateError(.security, "namespace attributes cannot start with an underscore: '\(name)'")
        }
        attributes[name] = value
    }
    /// Set while this namespace prints itself: a namespace holding itself prints `{...}`, as Python does.
    private var isPrinting = false

    override func text(depth: Int) -> String {
        if isPrinting || depth > Value.maximumNesting { return "<Namespace {...}>" }
        isPrinting = true
        defer { isPrinting = false }
        return "<Namespace {" + attributes.map { "\(Value.string($0.key).repr): \($0.value.repr(depth: depth + 1))" }
            .joined(separator: ", ") + "}>"
    }
}

/// A callable value. `call` receives evaluated arguments.
public final class TemplateFunction: @unchecked Sendable {
    let name: String
    let call: (CallArguments) throws(TemplateError) -> Value

    init(name: String, call: @escaping (CallArguments) throws(TemplateError) -> Value) {
        self.name = name
        self.call = call
    }
}

/// Evaluated call arguments: positional then keyword, as Python passes them.
struct CallArguments {
    var positional: [Value] = []
    var keyword: OrderedDictionary<String, Value> = [:]
}

// MARK: - Python equality and hashing

extension Value: Hashable {
    /// How deep equality, hashing, printing and JSON conversion descend into nested containers. Real data is
    /// far shallower; a template that builds deeper nesting in a loop gets an error, never a stack overflow.
    static let maximumNesting = 200

    public static func == (lhs: Value, rhs: Value) -> Bool { equal(lhs, rhs, depth: 0) }

    private static func equal(_ lhs: Value, _ rhs: Value, depth: Int) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)), (.markup(let a), .markup(let b)),
            (.string(let a), .markup(let b)), (.markup(let a), .string(let b)):
            // Python compares code points; Swift's String == would treat canonically equivalent text as equal.
            return a.utf8.elementsEqual(b.utf8)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            guard a.count == b.count, depth < maximumNesting else { return false }
            return zip(a, b).allSatisfy { equal($0, $1, depth: depth + 1) }
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count, depth < maximumNesting else { return false }
            return a.allSatisfy { key, value in b[key].map { equal($0, value, depth: depth + 1) } ?? false }
        case (.object(let a), .object(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        default:
            if let a = lhs.numericValue, let b = rhs.numericValue { return a == b }
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .undefined: hasher.combine(0)
        case .none: hasher.combine(1)
        case .bool, .int, .double:
            // Equal numbers hash alike whatever their type (Python: hash(1) == hash(1.0) == hash(True)).
            switch numericValue! {
            case .integer(let number): hasher.combine(number)
            case .real(let number): hasher.combine(number)
            }
        case .string(let text), .markup(let text): hasher.combine(text)
        // Containers hash by size only: consistent with ==, and never deep.
        case .list(let items), .tuple(let items): hasher.combine(items.count)
        case .dict(let entries): hasher.combine(entries.count)
        case .object(let object): hasher.combine(ObjectIdentifier(object))
        case .function(let function): hasher.combine(ObjectIdentifier(function))
        case .iterator: hasher.combine(2)
        }
    }
}

/// A number as Python arithmetic sees it: `bool` counts as an integer.
enum Number: Equatable {
    case integer(Int)
    case real(Double)

    var asDouble: Double {
        switch self {
        case .integer(let number): Double(number)
        case .real(let number): number
        }
    }

    static func == (lhs: Number, rhs: Number) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): a == b
        default: lhs.asDouble == rhs.asDouble
        }
    }
}

extension Value {
    var numericValue: Number? {
        switch self {
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .int(let number): .integer(number)
        case .double(let number):
            // Integral doubles compare and hash as the integer they equal.
            if number.rounded() == number, abs(number) < 9.2e18 { .integer(Int(number)) } else { .real(number) }
        default: nil
        }
    }
}

// MARK: - Python str() and repr()

extension Value {
    /// Python's `str(value)`: what `{{ value }}` prints. Undefined prints as nothing.
    public var text: String {
        switch self {
        case .undefined: ""
        case .string(let text), .markup(let text): text
        case .object(let object): object.text(depth: 0)
        default: repr
        }
    }

    /// Python's `repr(value)`, used for values inside printed containers.
    public var repr: String { repr(depth: 0) }

    func repr(depth: Int) -> String {
        if depth > Self.maximumNesting { return "..." }
        let inner = { (value: Value) in value.repr(depth: depth + 1) }
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number): return PythonFloat.repr(number)
        case .string(let text): return PythonString.repr(text)
        case .markup(let text): return "Markup(\(PythonString.repr(text)))"
        case .list(let items): return "[" + items.map(inner).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(\(inner(items[0])),)" : "(" + items.map(inner).joined(separator: ", ") + ")"
        case .dict(let entries):
            return "{" + entries.map { "\(inner($0.key)): \(inner($0.value))" }.joined(separator: ", ") + "}"
        case .object(let object): return object.text(depth: depth + 1)
        case .function(let function): return "<function \(function.name)>"
        case .iterator: return "<generator object>"
        }
    }
}
