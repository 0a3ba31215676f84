import LAMJSON

/// A JSON Schema compiled into a graph of nodes: local `$ref`s are resolved once (recursion becomes a cycle in
/// the graph), so that validation and grammar construction never look at the raw schema again.
///
/// Supported keywords (draft 2020-12 meaning): `type`, `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`, `minLength`,
/// `maxLength`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minProperties`,
/// `maxProperties`, `anyOf`, `oneOf`, `allOf`, `not`, local `$ref` into `$defs`/`definitions` or any JSON pointer
/// of the document, and boolean schemas. Annotations (`description`, `title`, `default`, `examples`, `format`)
/// are ignored, as the reference validator does by default; `pattern` and other assertions this runtime does not
/// implement are listed in `ignoredKeywords`.
public struct JSONSchema: Sendable {
    public let root: Int
    public let nodes: [SchemaNode]
    /// Assertion keywords found in the schema that are not enforced, with the schema path where each occurs.
    public let ignoredKeywords: [String]

    public init(_ document: JSONValue) throws(SchemaError) {
        var compiler = SchemaCompiler(document: document)
        root = try compiler.compile(document, pointer: "")
        nodes = compiler.nodes
        ignoredKeywords = compiler.ignored
    }

    init(root: Int, nodes: [SchemaNode]) {
        self.root = root
        self.nodes = nodes
        ignoredKeywords = []
    }

    public init(parsing text: String) throws(SchemaError) {
        let document: JSONValue
        do { document = try JSONValue(parsing: text) } catch { throw .notJSON(String(describing: error)) }
        try self.init(document)
    }
}

/// The JSON types a schema can admit.
public struct JSONTypeSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let null = JSONTypeSet(rawValue: 1)
    public static let boolean = JSONTypeSet(rawValue: 2)
    public static let integer = JSONTypeSet(rawValue: 4)
    /// `number` admits integers too.
    public static let number = JSONTypeSet(rawValue: 8)
    public static let string = JSONTypeSet(rawValue: 16)
    public static let array = JSONTypeSet(rawValue: 32)
    public static let object = JSONTypeSet(rawValue: 64)
    public static let all: JSONTypeSet = [.null, .boolean, .integer, .number, .string, .array, .object]

    static func named(_ name: String) -> JSONTypeSet? {
        switch name {
        case "null": .null
        case "boolean": .boolean
        case "integer": .integer
        case "number": .number
        case "string": .string
        case "array": .array
        case "object": .object
        default: nil
        }
    }

    var names: [String] {
        var out: [String] = []
        if contains(.null) { out.append("null") }
        if contains(.boolean) { out.append("boolean") }
        if contains(.integer) && !contains(.number) { out.append("integer") }
        if contains(.number) { out.append("number") }
        if contains(.string) { out.append("string") }
        if contains(.array) { out.append("array") }
        if contains(.object) { out.append("object") }
        return out
    }
}

/// One compiled schema. Child schemas are indices into `JSONSchema.nodes`.
public struct SchemaNode: Sendable {
    /// The schema's location in the document, as a JSON pointer (used in error messages).
    public var pointer: String
    /// `false` schema: nothing is valid.
    public var rejectsEverything = false
    /// nil: any type.
    public var types: JSONTypeSet?
    /// `enum`, or `[const]`.
    public var allowedValues: [JSONValue]?
    public var properties: OrderedDictionary<String, Int> = [:]
    public var required: [String] = []
    /// nil: additional properties are allowed, whatever they are.
    public var additionalProperties: Int?
    public var prefixItems: [Int] = []
    /// Applies to the items after `prefixItems`; nil: any.
    public var items: Int?
    public var minItems = 0
    public var maxItems: Int?
    public var uniqueItems = false
    public var minLength = 0
    public var maxLength: Int?
    public var minimum: Double?
    public var maximum: Double?
    public var exclusiveMinimum: Double?
    public var exclusiveMaximum: Double?
    public var multipleOf: Double?
    public var minProperties = 0
    public var maxProperties: Int?
    public var anyOf: [Int]?
    public var oneOf: [Int]?
    /// `allOf`, plus the target of a `$ref` (which in 2020-12 applies alongside its sibling keywords).
    public var allOf: [Int] = []
    public var not: Int?

    init(pointer: String) { self.pointer = pointer }
}

public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notASchema(pointer: String)
    case badKeyword(pointer: String, keyword: String, expected: String)
    case unknownType(pointer: String, String)
    case unresolvableReference(pointer: String, String)
    /// Constrained decoding only: a construct the grammar builder cannot turn into a token mask.
    case unsupportedForDecoding(pointer: String, String)
    case tooComplex(String)

    public var description: String {
        switch self {
        case .notJSON(let message): "schema is not JSON: \(message)"
        case .notASchema(let pointer): "schema at '\(pointer)' must be an object or a boolean"
        case .badKeyword(let pointer, let keyword, let expected):
            "schema at '\(pointer)': '\(keyword)' must be \(expected)"
        case .unknownType(let pointer, let name): "schema at '\(pointer)': unknown type '\(name)'"
        case .unresolvableReference(let pointer, let ref): "schema at '\(pointer)': cannot resolve $ref '\(ref)'"
        case .unsupportedForDecoding(let pointer, let what):
            "schema at '\(pointer)': \(what) is not supported by constrained decoding"
        case .tooComplex(let what): "schema too complex for constrained decoding: \(what)"
        }
    }
}

private struct SchemaCompiler {
    let document: JSONValue
    var nodes: [SchemaNode] = []
    var byPointer: [String: Int] = [:]
    var ignored: [String] = []

    init(document: JSONValue) { self.document = document }

    static let annotations: Set<String> = [
        "description", "title", "default", "examples", "format", "$schema", "$id", "$comment", "$defs",
        "definitions", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "$anchor",
        "optional", "$ref",
    ]

    /// Nested compilations in progress: `$ref` chains can nest deeper than the document itself.
    var depth = 0

    mutating func compile(_ schema: JSONValue, pointer: String) throws(SchemaError) -> Int {
        if let existing = byPointer[pointer] { return existing }
        guard depth < 256 else { throw .tooComplex("schemas and $refs nested more than 256 deep at '\(pointer)'") }
        depth += 1
        defer { depth -= 1 }
        let id = nodes.count
        nodes.append(SchemaNode(pointer: pointer))
        byPointer[pointer] = id
        var node = SchemaNode(pointer: pointer)
        switch schema {
        case .bool(let accepts):
            node.rejectsEverything = !accepts
            nodes[id] = node
            return id
        case .object(let fields):
            try fill(&node, fields, pointer)
        default:
            throw .notASchema(pointer: pointer)
        }
        nodes[id] = node
        return id
    }

    private mutating func fill(_ node: inout SchemaNode, _ fields: OrderedDictionary<String, JSONValue>, _ pointer: String) throws(SchemaError) {
        func child(_ key: String) -> String { pointer + "/" + escapePointerToken(key) }
        for (key, value) in fields {
            let at = child(key)
            switch key {
            case "type":
                switch value {
                case .string(let name):
                    guard let type = JSONTypeSet.named(name) else { throw .unknownType(pointer: pointer, name) }
                    node.types = type
                case .array(let names):
                    var set: JSONTypeSet = []
                    for name in names {
                        guard case .string(let text) = name else { throw .badKeyword(pointer: pointer, keyword: key, expected: "a type name or a list of them") }
                        guard let type = JSONTypeSet.named(text) else { throw .unknownType(pointer: pointer, text) }
                        set.formUnion(type)
                    }
                    node.types = set
                default: throw .badKeyword(pointer: pointer, keyword: key, expected: "a type name or a list of them")
                }
            case "enum":
                guard case .array(let values) = value else { throw .badKeyword(pointer: pointer, keyword: key, expected: "an array") }
                node.allowedValues = intersect(node.allowedValues, values)
            case "const":
                node.allowedValues = intersect(node.allowedValues, [value])
            case "properties":
                guard case .object(let properties) = value else { throw .badKeyword(pointer: pointer, keyword: key, expected: "an object") }
                for (name, schema) in properties {
                    node.properties[name] = try compile(schema, pointer: at + "/" + escapePointerToken(name))
                }
            case "required":
                guard case .array(let names) = value else { throw .badKeyword(pointer: pointer, keyword: key, expected: "an array of strings") }
                for name in names {
                    guard case .string(let text) = name else { throw .badKeyword(pointer: pointer, keyword: key, expected: "an array of strings") }
                    if !node.required.contains(text) { node.required.append(text) }
                }
            case "additionalProperties":
                node.additionalProperties = try compile(value, pointer: at)
            case "items":
                if case .array(let list) = value {
                    // Draft 7 tuple form: the same as 2020-12 prefixItems.
                    node.prefixItems = try compileList(list, at)
                } else {
                    node.items = try compile(value, pointer: at)
                }
            case "prefixItems":
                guard case .array(let list) = value else { throw .badKeyword(pointer: pointer, keyword: key, expected: "an array of schemas") }
                node.prefixItems = try compileList(list, at)
            case "additionalItems":
                if node.items == nil { node.items = try compile(value, pointer: at) }
            case "minItems": node.minItems = try count(value, key, pointer)
            case "maxItems": node.maxItems = try count(value, key, pointer)
            case "minLength": node.minLength = try count(value, key, pointer)
            case "maxLength": node.maxLength = try count(value, key, pointer)
            case "minProperties": node.minProperties = try count(value, key, pointer)
            case "maxProperties": node.maxProperties = try count(value, key, pointer)
            case "uniqueItems":
                guard case .bool(let flag) = value else { throw .badKeyword(pointer: pointer, keyword: key, expected: "a boolean") }
                node.uniqueItems = flag
            case "minimum": node.minimum = try number(value, key, pointer)
            case "maximum": node.maximum = try number(value, key, pointer)
            case "exclusiveMinimum": node.exclusiveMinimum = try number(value, key, pointer)
            case "exclusiveMaximum": node.exclusiveMaximum = try number(value, key, pointer)
            case "multipleOf":
                let divisor = try number(value, key, pointer)
                guard divisor > 0 else { throw .badKeyword(pointer: pointer, keyword: key, expected: "a positive number") }
                node.multipleOf = divisor
            case "anyOf", "oneOf", "allOf":
                guard case .array(let list) = value, !list.isEmpty else { throw .badKeyword(pointer: pointer, keyword: key, expected: "a non-empty array of schemas") }
                let compiled = try compileList(list, at)
                if key == "anyOf" { node.anyOf = compiled } else if key == "oneOf" { node.oneOf = compiled } else { node.allOf += compiled }
            case "not":
                node.not = try compile(value, pointer: at)
            default:
                if !Self.annotations.contains(key) && !key.hasPrefix("x-") && isAssertion(key) {
                    ignored.append(at)
                }
            }
        }
        if case .string(let reference)? = fields["$ref"] {
            guard let target = resolve(reference) else { throw .unresolvableReference(pointer: pointer, reference) }
            node.allOf.insert(try compile(target.value, pointer: target.pointer), at: 0)
        } else if fields["$ref"] != nil {
            throw .badKeyword(pointer: pointer, keyword: "$ref", expected: "a string")
        }
    }

    private func isAssertion(_ key: String) -> Bool {
        ["pattern", "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas", "dependencies",
         "contains", "minContains", "maxContains", "if", "then", "else", "unevaluatedProperties",
         "unevaluatedItems", "$dynamicRef", "$recursiveRef"].contains(key)
    }

    private mutating func compileList(_ list: [JSONValue], _ at: String) throws(SchemaError) -> [Int] {
        var ids: [Int] = []
        for (index, schema) in list.enumerated() { ids.append(try compile(schema, pointer: at + "/\(index)")) }
        return ids
    }

    /// Resolves `#`, `#/json/pointer` (with ~0 ~1 and %-escapes) against this document.
    private func resolve(_ reference: String) -> (value: JSONValue, pointer: String)? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = String(reference.dropFirst()).removingPercentEncodingIfPossible
        guard pointer.isEmpty || pointer.hasPrefix("/") else { return nil }
        var current = document
        for raw in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token = String(raw.replacing("~1", with: "/").replacing("~0", with: "~"))
            switch current {
            case .object(let fields):
                guard let next = fields[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return (current, pointer)
    }

    private func count(_ value: JSONValue, _ key: String, _ pointer: String) throws(SchemaError) -> Int {
        switch value {
        case .integer(let n) where n >= 0: return n
        case .double(let d) where d >= 0 && d == d.rounded() && d < 1e15: return Int(d)
        default: throw .badKeyword(pointer: pointer, keyword: key, expected: "a non-negative integer")
        }
    }

    private func number(_ value: JSONValue, _ key: String, _ pointer: String) throws(SchemaError) -> Double {
        switch value {
        case .integer(let n): return Double(n)
        case .double(let d): return d
        default: throw .badKeyword(pointer: pointer, keyword: key, expected: "a number")
        }
    }

    private func intersect(_ existing: [JSONValue]?, _ new: [JSONValue]) -> [JSONValue] {
        guard let existing else { return new }
        return existing.filter { old in new.contains { jsonEqual($0, old) } }
    }
}

/// Escapes a key for use in a JSON pointer (RFC 6901).
func escapePointerToken(_ key: String) -> String {
    key.replacing("~", with: "~0").replacing("/", with: "~1")
}

/// JSON Schema equality: numbers compare by value (1 == 1.0), booleans are not numbers, objects ignore key order.
func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.integer(let x), .integer(let y)): return x == y
    case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return Double(x) == y && y.magnitude < 9.2e18 && Int(y) == x
    case (.double(let x), .double(let y)): return x == y
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { jsonEqual(value, $0) } ?? false }
    default: return false
    }
}

extension StringProtocol {
    /// Decodes %XX escapes in a URI fragment; leaves the text unchanged when an escape is malformed.
    var removingPercentEncodingIfPossible: String {
        guard contains("%") else { return String(self) }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(self)
    }
}
