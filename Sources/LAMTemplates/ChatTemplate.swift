import Foundation
import LAMJSON

/// A model's chat template: turns OpenAI-style messages and tools into the exact prompt text the model was
/// trained on, rendering as transformers does (jinja2 with `trim_blocks`, `lstrip_blocks`, loop controls,
/// `tojson` = Python's `json.dumps`, `raise_exception`, `strftime_now`).
public struct ChatTemplate: Sendable {
    public let template: Template
    /// Special tokens the template may print (`{{ bos_token }}`), when known.
    public var bosToken: String?
    public var eosToken: String?

    public init(source: String, bosToken: String? = nil, eosToken: String? = nil) throws(TemplateError) {
        template = try Template(source)
        self.bosToken = bosToken
        self.eosToken = eosToken
    }

    public var source: String { template.source }

    /// Renders a conversation.
    /// - Parameters:
    ///   - messages: OpenAI-style messages (`role`, `content`, `tool_calls`, `tool_call_id`, …).
    ///   - tools: OpenAI-style tool definitions, or nil for none (the template sees `tools` as `None`).
    ///   - addGenerationPrompt: open an assistant turn at the end.
    ///   - variables: extra template variables (`chat_template_kwargs`, e.g. `enable_thinking`).
    public func render(messages: [JSONValue], tools: [JSONValue]? = nil, addGenerationPrompt: Bool = true,
                       variables: OrderedDictionary<String, JSONValue> = [:],
                       environment: TemplateEnvironment = .init()) throws(TemplateError) -> String
    {
        var context = OrderedDictionary<String, JSONValue>()
        context["messages"] = .array(try messages.map(Self.preprocess))
        context["tools"] = tools.map(JSONValue.array) ?? .null
        context["documents"] = .null
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        if let bosToken { context["bos_token"] = .string(bosToken) }
        if let eosToken { context["eos_token"] = .string(eosToken) }
        for (name, value) in variables { context[name] = value }
        return try template.render(context, environment: environment)
    }

    /// vLLM's message preparation: an assistant tool call's `function.arguments` arrives as a JSON string
    /// from OpenAI clients; templates expect the object (`tool_call.arguments | tojson`). Missing or empty
    /// arguments become `{}`.
    static func preprocess(_ message: JSONValue) throws(TemplateError) -> JSONValue {
        guard case .object(var fields) = message else {
            throw TemplateError(.input, "a chat message must be a JSON object")
        }
        guard fields["role"]?.stringValue == "assistant", case .array(var calls)? = fields["tool_calls"] else {
            return message
        }
        for index in calls.indices {
            guard case .object(var call) = calls[index], case .object(var function)? = call["function"] else { continue }
            switch function["arguments"] {
            case .string(let text)? where !text.isEmpty:
                do {
                    function["arguments"] = try JSONValue(parsing: text)
                } catch {
                    throw TemplateError(.input, "tool call \(index) has arguments that are not JSON: \(error)")
                }
            case nil, .null?, .string?:
                function["arguments"] = .object([:])
            default:
                break
            }
            call["function"] = .object(function)
            calls[index] = .object(call)
        }
        fields["tool_calls"] = .array(calls)
        return .object(fields)
    }
}

// MARK: - Where templates come from

extension ChatTemplate {
    /// The template inside a Hugging Face `tokenizer_config.json` (or `chat_template.json`), with its
    /// special tokens. A list of named templates picks `tool_use` when `preferToolUse` and it exists,
    /// else `default`.
    public init(tokenizerConfig json: JSONValue, preferToolUse: Bool = false) throws(TemplateError) {
        guard case .object(let config) = json else { throw TemplateError(.input, "tokenizer config is not a JSON object") }
        let source: String
        switch config["chat_template"] {
        case .string(let text)?:
            source = text
        case .array(let named)?:
            var templates: [String: String] = [:]
            for entry in named {
                if let name = entry["name"]?.stringValue, let text = entry["template"]?.stringValue { templates[name] = text }
            }
            guard let chosen = (preferToolUse ? templates["tool_use"] : nil) ?? templates["default"] else {
                throw TemplateError(.input, "tokenizer config has no default chat template")
            }
            source = chosen
        default:
            throw TemplateError(.input, "tokenizer config has no chat_template")
        }
        func token(_ key: String) -> String? {
            switch config[key] {
            case .string(let text)?: text
            case .object(let added)?: added["content"]?.stringValue
            default: nil
            }
        }
        try self.init(source: source, bosToken: token("bos_token"), eosToken: token("eos_token"))
    }

    /// Reads a template file: a `.json` tokenizer config / `chat_template.json`, or raw Jinja text
    /// (`chat_template.jinja` or any file the user names).
    public init(contentsOf url: URL, preferToolUse: Bool = false) throws(TemplateError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TemplateError(.input, "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateError(.input, "\(url.path) is not UTF-8 text")
        }
        if url.pathExtension.lowercased() == "json" {
            let json: JSONValue
            do {
                json = try JSONValue(parsing: text)
            } catch {
                throw TemplateError(.input, "\(url.path): \(error)")
            }
            try self.init(tokenizerConfig: json, preferToolUse: preferToolUse)
        } else {
            try self.init(source: text)
        }
    }
}
