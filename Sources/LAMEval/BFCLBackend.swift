import LAMJSON

/// What `lam eval bfcl` asks a model for, one entry at a time.
public struct BFCLGenerationRequest: Sendable {
    public enum Prompt: Sendable {
        /// A finished prompt, to be tokenized as is and completed (BFCL's handlers for xLAM and other local
        /// models send raw completions). Special tokens in the text (`<|im_start|>`) must be parsed as such.
        case raw(String)
        /// A conversation and OpenAI-style tools, for a model rendered through its own chat template (or an
        /// OpenAI chat endpoint): the backend renders with `addGenerationPrompt: true`.
        case chat(messages: [JSONValue], tools: [JSONValue])
    }

    public var entryID: String
    public var prompt: Prompt
    /// The functions offered, OpenAI-style, also with `.raw` prompts: constrained decoding needs them.
    public var tools: [JSONValue]
    /// BFCL asks for at most 4096 new tokens; the backend lowers it to `context - promptTokens - 2` when the
    /// context is smaller, as BFCL's handler does.
    public var maxNewTokens: Int
    /// BFCL runs local models at temperature 0: greedy decoding.
    public var temperature: Double
    /// `--constrained`: restrict the output to a JSON list of calls to `tools` (or plain text).
    public var constrained: Bool

    public init(entryID: String, prompt: Prompt, tools: [JSONValue], maxNewTokens: Int = 4096, temperature: Double = 0, constrained: Bool = false) {
        self.entryID = entryID
        self.prompt = prompt
        self.tools = tools
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.constrained = constrained
    }
}

/// The model's reply with what BFCL records next to it.
public struct BFCLGeneration: Sendable {
    /// The generated text only (no prompt, no end-of-turn token).
    public var text: String
    public var inputTokens: Int
    public var outputTokens: Int
    /// Wall time of the request, seconds (BFCL's "latency").
    public var latency: Double
    /// Time spent producing the output tokens after the first one appeared, seconds, when known; used for
    /// tokens/s (otherwise the whole latency is used).
    public var decodeTime: Double?

    public init(text: String, inputTokens: Int, outputTokens: Int, latency: Double, decodeTime: Double? = nil) {
        self.text = text
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.latency = latency
        self.decodeTime = decodeTime
    }
}

/// A model `lam eval bfcl` can run: the in-process engine, or an OpenAI-compatible endpoint.
public protocol BFCLBackend: Sendable {
    /// The name result folders are filed under (BFCL uses the model id with `/` replaced by `_`).
    var modelName: String { get }
    /// Whether the model wants BFCL's xLAM prompt (`.raw`) or its own chat template (`.chat`), unless
    /// `--prompt-style` says otherwise (e.g. `.xlam` when the model's chat template is xLAM-2's).
    var promptStyle: BFCLPromptStyle { get }
    func generate(_ request: BFCLGenerationRequest) async throws -> BFCLGeneration
}

public enum BFCLPromptStyle: String, Sendable, CaseIterable {
    /// BFCL's Salesforce handler prompt (xLAM-2 Qwen variants).
    case xlam
    /// The model's own chat template with tools.
    case chatTemplate = "chat-template"
}

extension BFCLGenerationRequest {
    /// The request for one entry in the given style.
    public static func forEntry(_ entry: BFCLEntry, style: BFCLPromptStyle, constrained: Bool = false) -> BFCLGenerationRequest {
        let functions = BFCLPrompt.functionsWithLanguageHints(entry.functions, category: entry.category)
        let tools = BFCLPrompt.openAITools(functions)
        let prompt: Prompt = switch style {
        case .xlam: .raw(BFCLPrompt.xlam(messages: entry.messages, functions: functions))
        case .chatTemplate: .chat(messages: entry.messages, tools: tools)
        }
        return BFCLGenerationRequest(entryID: entry.id, prompt: prompt, tools: tools, constrained: constrained)
    }
}
