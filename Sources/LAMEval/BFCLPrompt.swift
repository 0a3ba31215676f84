import LAMJSON

/// What BFCL feeds a model for one entry, built the way BFCL's inference does it.
public enum BFCLPrompt {
    /// BFCL adds a language note to every function description and, for Java and JavaScript, turns every
    /// parameter into a string described in words (`_func_doc_language_specific_pre_processing`): the model
    /// answers with source text, which the checker later converts.
    public static func functionsWithLanguageHints(_ functions: [JSONValue], category: BFCLCategory) -> [JSONValue] {
        let hint = switch category.language {
        case .java: " Note that the provided function is in Java 8 SDK syntax."
        case .javascript: " Note that the provided function is in JavaScript syntax."
        case .python: " Note that the provided function is in Python 3 syntax."
        }
        return functions.map { function in
            guard case .object(var members) = function else { return function }
            members["description"] = .string((members["description"]?.stringValue ?? "") + hint)
            if category.language != .python, case .object(var parameters)? = members["parameters"],
               case .object(let properties)? = parameters["properties"] {
                parameters["properties"] = .object(properties.mapValues { stringified($0, language: category.language) })
                members["parameters"] = .object(parameters)
            }
            return .object(members)
        }
    }

    private static func stringified(_ property: JSONValue, language: BFCLLanguage) -> JSONValue {
        guard case .object(var detail) = property else { return property }
        let type = detail["type"]?.stringValue ?? ""
        let name = language == .java ? "Java" : "JavaScript"
        var description = detail["description"]?.stringValue ?? ""
        if type == "any" {
            description += " This parameter can be of any type of \(name) object in string representation."
        } else {
            description += " This is \(name) \(type) type parameter in string representation."
        }
        let listTypes = language == .java ? ["ArrayList", "Array"] : ["array"]
        if listTypes.contains(type) {
            description += " The list elements are of type \(detail["items"]?["type"]?.stringValue ?? "None"); they are not in string representation."
            detail.removeValue(forKey: "items")
        }
        if language == .javascript, type == "dict", let schema = detail["properties"] {
            description += " The dictionary entries have the following schema; they are not in string representation. \(schema.pythonJSON(ensureASCII: true))"
            detail.removeValue(forKey: "properties")
        }
        detail["description"] = .string(description)
        detail["type"] = "string"
        return .object(detail)
    }

    /// The raw prompt of BFCL's Salesforce handler for xLAM-2 (Qwen variants): its own system prompt with
    /// the format instruction, each function as `json.dumps(indent=4)` (ASCII-escaped, as Python's default),
    /// and turns closed by `<|im_end|>` with no newline after it.
    public static func xlam(messages: [JSONValue], functions: [JSONValue]) -> String {
        var system = "You are a helpful assistant that can use tools. You are developed by Salesforce xLAM team."
        var remaining = messages[...]
        if let first = messages.first, first["role"]?.stringValue == "system" {
            system = (first["content"]?.stringValue ?? "").trimmingPythonWhitespace()
            remaining = messages.dropFirst()
        }
        var prompt = "<|im_start|>system\n" + system + "\n"
        prompt += "You have access to a set of tools. When using tools, make calls in a single JSON array: \n\n"
        prompt += #"[{"name": "tool_call_name", "arguments": {"arg1": "value1", "arg2": "value2"}}, ... (additional parallel tool calls as needed)]"# + "\n\n"
        prompt += "If no tool is suitable, state that explicitly. If the user's input lacks required parameters, ask for clarification. "
        prompt += "Do not interpret or respond until tool results are returned. Once they are available, process them or make additional calls if needed. "
        prompt += "For tasks that don't require tools, such as casual conversation or general advice, respond directly in plain text. The available tools are:\n\n"
        for function in functions {
            prompt += function.pythonJSON(indent: 4, ensureASCII: true) + "\n\n"
        }
        prompt += "<|im_end|>"
        for message in remaining {
            let role = message["role"]?.stringValue ?? ""
            let content = message["content"] ?? ""
            if role == "tool" {
                prompt += "<|im_start|>tool\n"
                switch content {
                case .object, .array: prompt += content.pythonJSON(ensureASCII: true)
                default: prompt += content.stringValue ?? ""
                }
                prompt += "<|im_end|>"
            } else {
                prompt += "<|im_start|>\(role)\n\((content.stringValue ?? "").trimmingPythonWhitespace())<|im_end|>"
            }
        }
        return prompt + "<|im_start|>assistant\n"
    }

    /// Tools in OpenAI's shape for a model's own chat template, with BFCL's type names mapped to JSON
    /// Schema's the way BFCL does for OpenAI-style models (`dict` → `object`, `float` → `number`, …).
    public static func openAITools(_ functions: [JSONValue]) -> [JSONValue] {
        functions.map { function in
            var members = function.objectValue ?? [:]
            if let parameters = members["parameters"] { members["parameters"] = openAPITypes(parameters) }
            return .object(["type": "function", "function": .object(members)])
        }
    }

    private static func openAPITypes(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(let members):
            var mapped = JSONObject()
            for (key, value) in members {
                if key == "type", let name = value.stringValue {
                    mapped[key] = .string(openAPITypeNames[name] ?? name)
                } else if key == "properties", case .object(let properties) = value {
                    mapped[key] = .object(properties.mapValues(openAPITypes))
                } else if key == "items" {
                    mapped[key] = openAPITypes(value)
                } else {
                    mapped[key] = value
                }
            }
            return .object(mapped)
        default:
            return schema
        }
    }

    /// BFCL's GORILLA_TO_OPENAPI table.
    static let openAPITypeNames: [String: String] = [
        "integer": "integer", "number": "number", "float": "number", "string": "string", "boolean": "boolean",
        "bool": "boolean", "array": "array", "list": "array", "dict": "object", "object": "object",
        "tuple": "array", "any": "string", "byte": "integer", "short": "integer", "long": "integer",
        "double": "number", "char": "string", "ArrayList": "array", "Array": "array", "HashMap": "object",
        "Hashtable": "object", "Queue": "array", "Stack": "array", "Any": "string", "String": "string",
        "Bigint": "integer",
    ]
}
