import LAMJSON

/// One callable tool: its name, what it does, and the JSON Schema its arguments must satisfy.
///
/// Accepts OpenAI tool objects (`{"type": "function", "function": {...}}`) and bare function objects
/// (`{"name": ..., "description": ..., "parameters": ...}`, as BFCL and many agents write them).
/// BFCL's non-standard type names are rewritten to JSON Schema (see `normalizeBFCLTypes`).
public struct ToolDefinition: Sendable, Hashable {
    public let name: String
    public let description: String?
    /// The normalized JSON Schema of the arguments object (an empty-object schema when the tool takes none).
    public let parameters: JSONValue

    public init(name: String, description: String? = nil, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = normalizeBFCLTypes(parameters)
    }

    public init(json: JSONValue) throws(ToolDefinitionError) {
        guard case .object(var fields) = json else { throw .notAnObject(path: "") }
        var path = ""
        if case .string("function")? = fields["type"], case .object(let function)? = fields["function"] {
            fields = function
            path = "/function"
        }
        guard case .string(let name)? = fields["name"] else { throw .missingName(path: path + "/name") }
        guard !name.isEmpty else { throw .missingName(path: path + "/name") }
        var description: String?
        if case .string(let text)? = fields["description"] { description = text }
        let parameters = fields["parameters"] ?? .object(["type": .string("object"), "properties": .object([:])])
        switch parameters {
        case .object, .bool: break
        default: throw .parametersNotASchema(path: path + "/parameters")
        }
        self.init(name: name, description: description, parameters: parameters)
    }

    /// Reads a JSON array of tool definitions, e.g. a request's `tools` field or a `--tools` file.
    public static func list(from json: JSONValue) throws(ToolDefinitionError) -> [ToolDefinition] {
        guard case .array(let items) = json else { throw .notAnArray }
        var tools: [ToolDefinition] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let tool: ToolDefinition
            do { tool = try ToolDefinition(json: item) } catch { throw .inList(index: index, error.description) }
            guard seen.insert(tool.name).inserted else { throw .duplicateName(tool.name) }
            tools.append(tool)
        }
        return tools
    }

    /// The OpenAI form `{"type": "function", "function": {"name", "description", "parameters"}}`, which chat
    /// templates receive.
    public var openAIJSON: JSONValue {
        var function: OrderedDictionary<String, JSONValue> = ["name": .string(name)]
        if let description { function["description"] = .string(description) }
        function["parameters"] = parameters
        return .object(["type": .string("function"), "function": .object(function)])
    }
}

public enum ToolDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject(path: String)
    case notAnArray
    case missingName(path: String)
    case parametersNotASchema(path: String)
    case duplicateName(String)
    case inList(index: Int, String)

    public var description: String {
        switch self {
        case .notAnObject(let path): "tool definition at '\(path)' is not a JSON object"
        case .notAnArray: "tools must be a JSON array of tool definitions"
        case .missingName(let path): "tool definition has no non-empty string '\(path)'"
        case .parametersNotASchema(let path): "'\(path)' must be a JSON Schema object"
        case .duplicateName(let name): "two tools are named '\(name)'"
        case .inList(let index, let message): "tools[\(index)]: \(message)"
        }
    }
}

/// BFCL writes Python-flavoured type names (`dict`, `float`, `tuple`, `any`, ...). Rewrites them, recursively,
/// to JSON Schema: dict→object, float→number, tuple/list→array, int→integer, str→string, bool→boolean, and
/// `any` drops the type constraint.
public func normalizeBFCLTypes(_ schema: JSONValue) -> JSONValue {
    guard case .object(var fields) = schema else { return schema }
    if let type = fields["type"] {
        switch type {
        case .string(let name):
            if let mapped = bfclTypeName(name) { fields["type"] = .string(mapped) } else { fields.removeValue(forKey: "type") }
        case .array(let names):
            let mapped = names.map { name -> JSONValue? in
                guard case .string(let text) = name else { return name }
                return bfclTypeName(text).map(JSONValue.string)
            }
            if mapped.contains(where: { $0 == nil }) { fields.removeValue(forKey: "type") }
            else { fields["type"] = .array(mapped.compactMap { $0 }) }
        default: break
        }
    }
    for key in ["properties", "$defs", "definitions", "patternProperties"] {
        if case .object(let children)? = fields[key] {
            fields[key] = .object(children.mapValues(normalizeBFCLTypes))
        }
    }
    for key in ["items", "additionalProperties", "not", "additionalItems"] {
        if let child = fields[key] {
            if case .array(let list) = child { fields[key] = .array(list.map(normalizeBFCLTypes)) }
            else { fields[key] = normalizeBFCLTypes(child) }
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if case .array(let list)? = fields[key] { fields[key] = .array(list.map(normalizeBFCLTypes)) }
    }
    return .object(fields)
}

/// The JSON Schema type for a BFCL type name; nil for `any` (no constraint). Unknown names pass through, so
/// that the schema compiler reports them.
private func bfclTypeName(_ name: String) -> String? {
    switch name {
    case "dict": "object"
    case "float": "number"
    case "tuple", "list": "array"
    case "int": "integer"
    case "str": "string"
    case "bool": "boolean"
    case "any": nil
    default: name
    }
}
