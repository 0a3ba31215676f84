import LAMJSON

/// Why an instance does not satisfy a schema: where (a JSON pointer into the instance), which schema rule, and
/// what was expected there.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer into the validated instance ("" is the instance itself).
    public let path: String
    /// JSON pointer of the schema that was violated.
    public let schemaPath: String
    public let expected: String

    public var description: String { "at '\(path)': expected \(expected)" }
}

extension JSONSchema {
    /// Every violation of this schema by `instance` (empty when valid); semantics of the `jsonschema` package's
    /// Draft 2020-12 validator. `limit` bounds the work spent on badly wrong instances.
    public func violations(of instance: JSONValue, limit: Int = 32) -> [SchemaViolation] {
        var validator = Validator(nodes: nodes, limit: limit)
        validator.check(instance, root, path: "")
        return validator.found
    }

    public func isValid(_ instance: JSONValue) -> Bool { isValid(instance, at: root) }

    func isValid(_ instance: JSONValue, at node: Int) -> Bool {
        var validator = Validator(nodes: nodes, limit: 1)
        validator.check(instance, node, path: "")
        return validator.found.isEmpty
    }
}

private struct Validator {
    let nodes: [SchemaNode]
    let limit: Int
    var found: [SchemaViolation] = []
    /// Guards against schemas that recurse without consuming the instance (`{"$ref": "#"}`).
    var depth = 0

    init(nodes: [SchemaNode], limit: Int) {
        self.nodes = nodes
        self.limit = limit
    }

    mutating func report(_ path: String, _ node: SchemaNode, _ keyword: String, _ expected: String) {
        if found.count < limit {
            found.append(SchemaViolation(path: path, schemaPath: node.pointer + "/" + keyword, expected: expected))
        }
    }

    func matches(_ instance: JSONValue, _ id: Int) -> Bool {
        var probe = Validator(nodes: nodes, limit: 1)
        probe.depth = depth
        probe.check(instance, id, path: "")
        return probe.found.isEmpty
    }

    mutating func check(_ instance: JSONValue, _ id: Int, path: String) {
        guard found.count < limit else { return }
        let node = nodes[id]
        depth += 1
        defer { depth -= 1 }
        guard depth < 512 else { return report(path, node, "$ref", "a schema that does not recurse without end") }
        if node.rejectsEverything { return report(path, node, "", "nothing (the schema is false)") }
        if let types = node.types, !Self.typeMatches(instance, types) {
            return report(path, node, "type", types.names.joined(separator: " or "))
        }
        if let allowed = node.allowedValues, !allowed.contains(where: { jsonEqual($0, instance) }) {
            let listed = allowed.prefix(8).map { $0.compactJSON }.joined(separator: ", ")
            report(path, node, "enum", allowed.count == 1 ? "the value \(listed)" : "one of \(listed)\(allowed.count > 8 ? ", ..." : "")")
        }
        switch instance {
        case .string(let text): checkString(text, node, path)
        case .integer(let value): checkNumber(Double(value), isInteger: true, node, path)
        case .double(let value): checkNumber(value, isInteger: false, node, path)
        case .array(let items): checkArray(items, node, path)
        case .object(let fields): checkObject(fields, node, path)
        case .null, .bool: break
        }
        for part in node.allOf { check(instance, part, path: path) }
        if let branches = node.anyOf, !branches.contains(where: { matches(instance, $0) }) {
            report(path, node, "anyOf", "a value matching at least one of \(branches.count) schemas (anyOf)")
        }
        if let branches = node.oneOf {
            let matching = branches.filter { matches(instance, $0) }.count
            if matching != 1 {
                report(path, node, "oneOf", "a value matching exactly one of \(branches.count) schemas (oneOf), not \(matching)")
            }
        }
        if let negated = node.not, matches(instance, negated) {
            report(path, node, "not", "a value that does not match the schema at '\(nodes[negated].pointer)' (not)")
        }
    }

    static func typeMatches(_ instance: JSONValue, _ types: JSONTypeSet) -> Bool {
        switch instance {
        case .null: types.contains(.null)
        case .bool: types.contains(.boolean)
        case .integer: types.contains(.integer) || types.contains(.number)
        case .double(let value): types.contains(.number) || (types.contains(.integer) && value.isFinite && value == value.rounded())
        case .string: types.contains(.string)
        case .array: types.contains(.array)
        case .object: types.contains(.object)
        }
    }

    mutating func checkString(_ text: String, _ node: SchemaNode, _ path: String) {
        guard node.minLength > 0 || node.maxLength != nil else { return }
        let length = text.unicodeScalars.count
        if length < node.minLength { report(path, node, "minLength", "a string of at least \(node.minLength) characters, not \(length)") }
        if let maximum = node.maxLength, length > maximum { report(path, node, "maxLength", "a string of at most \(maximum) characters, not \(length)") }
    }

    mutating func checkNumber(_ value: Double, isInteger: Bool, _ node: SchemaNode, _ path: String) {
        if let bound = node.minimum, value < bound { report(path, node, "minimum", "a number >= \(bound)") }
        if let bound = node.maximum, value > bound { report(path, node, "maximum", "a number <= \(bound)") }
        if let bound = node.exclusiveMinimum, value <= bound { report(path, node, "exclusiveMinimum", "a number > \(bound)") }
        if let bound = node.exclusiveMaximum, value >= bound { report(path, node, "exclusiveMaximum", "a number < \(bound)") }
        if let divisor = node.multipleOf {
            let quotient = value / divisor
            let isMultiple = quotient.isFinite ? quotient == quotient.rounded(.towardZero) : false
            if !isMultiple { report(path, node, "multipleOf", "a multiple of \(divisor)") }
        }
    }

    mutating func checkArray(_ items: [JSONValue], _ node: SchemaNode, _ path: String) {
        if items.count < node.minItems { report(path, node, "minItems", "an array of at least \(node.minItems) items, not \(items.count)") }
        if let maximum = node.maxItems, items.count > maximum { report(path, node, "maxItems", "an array of at most \(maximum) items, not \(items.count)") }
        if node.uniqueItems {
            outer: for i in items.indices {
                for j in items.indices where j > i && jsonEqual(items[i], items[j]) {
                    report(path, node, "uniqueItems", "unique items (items \(i) and \(j) are equal)")
                    break outer
                }
            }
        }
        for (index, item) in items.enumerated() {
            if index < node.prefixItems.count {
                check(item, node.prefixItems[index], path: path + "/\(index)")
            } else if let schema = node.items {
                check(item, schema, path: path + "/\(index)")
            }
        }
    }

    mutating func checkObject(_ fields: OrderedDictionary<String, JSONValue>, _ node: SchemaNode, _ path: String) {
        for name in node.required where fields[name] == nil {
            report(path, node, "required", "required property '\(name)'")
        }
        if fields.count < node.minProperties { report(path, node, "minProperties", "at least \(node.minProperties) properties") }
        if let maximum = node.maxProperties, fields.count > maximum { report(path, node, "maxProperties", "at most \(maximum) properties") }
        for (key, value) in fields {
            let childPath = path + "/" + escapePointerToken(key)
            if let schema = node.properties[key] {
                check(value, schema, path: childPath)
            } else if let schema = node.additionalProperties {
                if nodes[schema].rejectsEverything {
                    report(childPath, node, "additionalProperties", "no property '\(key)' (allowed: \(node.properties.keys.joined(separator: ", ")))")
                } else {
                    check(value, schema, path: childPath)
                }
            }
        }
    }
}
