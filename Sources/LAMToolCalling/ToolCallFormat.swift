/// How a model writes tool calls in its reply. Detected from the model's chat template
/// (`ToolCallFormat.detect(chatTemplate:)`), or chosen by the user.
public enum ToolCallFormat: String, Sendable, CaseIterable, Hashable {
    /// Salesforce xLAM-2: a bare JSON array of `{"name", "arguments"}` objects at the start of the reply. The parser
    /// also accepts what vLLM's `xlam` parser accepts: a ```` ```json ```` fence, `[TOOL_CALLS]`,
    /// `<tool_call>…</tool_call>`, and a call after `</think>`.
    case xlam
    /// Hermes / Qwen2.5: `<tool_call>{"name": …, "arguments": …}</tool_call>`, one block per call.
    case hermes
    /// Llama 3.x JSON tool calling: `{"name": …, "parameters": …}`, optionally after `<|python_tag|>`.
    case llama3

    /// The format a chat template teaches its model, or nil when the template shows no known format.
    public static func detect(chatTemplate: String) -> ToolCallFormat? {
        let lowered = chatTemplate.lowercased()
        if lowered.contains("xlam") || chatTemplate.contains("make calls in a single JSON array") { return .xlam }
        if chatTemplate.contains("<tool_call>") { return .hermes }
        if chatTemplate.contains("<|python_tag|>")
            || (chatTemplate.contains("<|start_header_id|>") && chatTemplate.contains("\"parameters\"")) {
            return .llama3
        }
        return nil
    }

    /// The key that holds a call's arguments in what the model writes (the parser accepts both names).
    public var argumentsKey: String { self == .llama3 ? "parameters" : "arguments" }

    /// The texts a reply starts with when it is a call: the format's own opening, and a bare JSON object or
    /// array, bare or in a ```` ```json ```` fence, which small models often write instead and which the parser
    /// accepts in every format. In `tool_choice: auto`, constrained decoding begins once the reply starts with
    /// one of them (a fence for another language stays free text).
    public var triggers: [String] {
        switch self {
        case .xlam, .llama3: ["[", "{", "```json"]
        case .hermes: ["<tool_call>", "[", "{", "```json"]
        }
    }
}

/// Which tool calls a reply may or must contain (OpenAI's `tool_choice`).
public enum ToolChoice: Sendable, Hashable {
    /// Free text, or calls once the reply starts like one (`ToolCallFormat.triggers`).
    case auto
    /// At least one call, nothing else.
    case required
    /// No constraint from tools (the reply is free text).
    case none
    /// Calls of exactly this tool.
    case function(String)

    /// Parses OpenAI's forms: "auto", "required", "none", or a tool name.
    public init(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "required": self = .required
        case "none": self = .none
        default: self = .function(text)
        }
    }
}
