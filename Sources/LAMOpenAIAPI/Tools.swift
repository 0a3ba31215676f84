import LAMJSON

/// A function the model may call: `{"type": "function", "function": {"name", "description", "parameters",
/// "strict"}}`. `parameters` is the JSON schema exactly as sent, key order included (it goes into the prompt).
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }

    public init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        let type = try reader.requiredString("type")
        guard type == "function" else { throw reader.error("type", "'\(type)' is not supported; only 'function' is") }
        var function = try FieldReader(try reader.required("function"), at: reader.fieldPath("function"))
        name = try function.requiredString("name")
        if name.isEmpty { throw function.error("name", "must not be empty") }
        description = try function.string("description")
        parameters = function.value("parameters")
        if let parameters, parameters.objectValue == nil {
            throw function.error("parameters", "expected a JSON schema object, got \(parameters.kindName)")
        }
        strict = try function.bool("strict")
        try function.rejectUnknownKeys()
        try reader.rejectUnknownKeys()
    }

    /// The `function` object alone, the form chat templates render.
    public var functionJSON: JSONValue {
        var builder = ObjectBuilder()
        builder.set("name", name)
        builder.set("description", description)
        builder.set("parameters", parameters)
        builder.set("strict", strict)
        return builder.json
    }

    public var json: JSONValue { ["type": "function", "function": functionJSON] }
}

/// `tool_choice`: whether and which tool the model must call.
public enum ToolChoice: Sendable, Hashable {
    case none
    case auto
    case required
    case function(name: String)

    public init(json: JSONValue, at path: String) throws(FieldError) {
        switch json {
        case .string("none"): self = .none
        case .string("auto"): self = .auto
        case .string("required"): self = .required
        case .string(let other):
            throw FieldError(field: path, problem: "'\(other)' is not one of none, auto, required")
        default:
            var reader = try FieldReader(json, at: path)
            let type = try reader.requiredString("type")
            guard type == "function" else {
                throw reader.error("type", "'\(type)' is not supported; only 'function' is")
            }
            var function = try FieldReader(try reader.required("function"), at: reader.fieldPath("function"))
            self = .function(name: try function.requiredString("name"))
            try function.rejectUnknownKeys()
            try reader.rejectUnknownKeys()
        }
    }

    public var json: JSONValue {
        switch self {
        case .none: "none"
        case .auto: "auto"
        case .required: "required"
        case .function(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}

/// `response_format`: free text, any JSON object, or JSON that matches a schema.
public enum ResponseFormat: Sendable, Hashable {
    case text
    case jsonObject
    case jsonSchema(JSONSchemaFormat)

    public init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        let type = try reader.requiredString("type")
        switch type {
        case "text": self = .text
        case "json_object": self = .jsonObject
        case "json_schema":
            self = .jsonSchema(try JSONSchemaFormat(json: try reader.required("json_schema"), at: reader.fieldPath("json_schema")))
        default:
            throw reader.error("type", "'\(type)' is not one of text, json_object, json_schema")
        }
        try reader.rejectUnknownKeys()
    }

    public var json: JSONValue {
        switch self {
        case .text: ["type": "text"]
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema(let format): ["type": "json_schema", "json_schema": format.json]
        }
    }
}

/// The `json_schema` member of a `json_schema` response format.
public struct JSONSchemaFormat: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var schema: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String? = nil, schema: JSONValue? = nil, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.schema = schema
        self.strict = strict
    }

    init(json: JSONValue, at path: String) throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        name = try reader.requiredString("name")
        description = try reader.string("description")
        schema = reader.value("schema")
        if let schema, schema.objectValue == nil {
            throw reader.error("schema", "expected a JSON schema object, got \(schema.kindName)")
        }
        strict = try reader.bool("strict")
        try reader.rejectUnknownKeys()
    }

    var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("name", name)
        builder.set("description", description)
        builder.set("schema", schema)
        builder.set("strict", strict)
        return builder.json
    }
}
