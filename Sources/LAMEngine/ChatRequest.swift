import LAMJSON
import LAMModels
import LAMToolCalling

/// One chat completion request, in OpenAI's terms.
public struct ChatRequest: Sendable {
    /// OpenAI-style messages: `system`/`user`/`assistant` (with `tool_calls`)/`tool` (with `tool_call_id`).
    public var messages: [JSONValue]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice
    /// The call format to parse and constrain; nil: the one detected from the model's chat template.
    public var toolCallFormat: ToolCallFormat?
    /// Allow several calls in one reply.
    public var parallelToolCalls: Bool
    /// `response_format: json_schema`: the reply is one JSON value valid for this schema (when no tool call is
    /// required: a `required` or named `tool_choice` wins).
    public var responseSchema: JSONValue?
    public var sampling: SamplingParameters
    public var maxTokens: Int
    /// Texts that end the reply; it is cut before the first one.
    public var stop: [String]
    /// Extra chat template variables (`chat_template_kwargs`).
    public var templateVariables: OrderedDictionary<String, JSONValue>
    /// False: decode freely and only parse and validate afterwards (to measure what constraining buys).
    public var constrained = true

    public init(messages: [JSONValue], tools: [ToolDefinition] = [], toolChoice: ToolChoice = .auto,
                toolCallFormat: ToolCallFormat? = nil, parallelToolCalls: Bool = true, responseSchema: JSONValue? = nil,
                sampling: SamplingParameters = .greedy, maxTokens: Int = 512, stop: [String] = [],
                templateVariables: OrderedDictionary<String, JSONValue> = [:]) {
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.toolCallFormat = toolCallFormat
        self.parallelToolCalls = parallelToolCalls
        self.responseSchema = responseSchema
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stop = stop
        self.templateVariables = templateVariables
    }
}

/// What a streamed chat completion emits, in order: text and call deltas as they become certain, then one
/// `.finished` with the whole result.
public enum ChatEvent: Sendable {
    case content(String)
    case toolCall(ToolCallDelta)
    case finished(ChatCompletion)
}

public enum FinishReason: String, Sendable {
    /// An end-of-turn token or a stop string.
    case stop
    /// The reply holds at least one valid tool call.
    case toolCalls = "tool_calls"
    /// `maxTokens` reached, or the context is full.
    case length
}

public struct Usage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens whose keys and values were reused from the previous request (not evaluated again).
    public var cachedPromptTokens: Int
    public var totalTokens: Int { promptTokens + completionTokens }
}

/// Where the time went, for benchmarks.
public struct GenerationTimings: Sendable, Equatable {
    public var promptSeconds: Double = 0
    /// Model evaluation of generated tokens.
    public var decodeSeconds: Double = 0
    /// Generated tokens evaluated (one decode step each).
    public var decodeSteps = 0
    /// Computing token masks for constrained decoding.
    public var maskSeconds: Double = 0
    /// Tokens whose mask was computed.
    public var maskedTokens = 0
}

/// The finished reply.
public struct ChatCompletion: Sendable {
    /// The generated text, cut at a stop string.
    public var text: String
    /// The text meant for the user (the reply without its call blocks).
    public var content: String
    /// Every call the reply contains with its verdict: only `isValid` calls may be executed; the others carry the
    /// reason in `errors`.
    public var toolCalls: [ValidatedToolCall]
    /// Parts of the reply that looked like calls but could not be parsed.
    public var problems: [String]
    public var finishReason: FinishReason
    public var usage: Usage
    public var timings: GenerationTimings
    /// The prompt the model saw.
    public var prompt: Prompt

    public var validToolCalls: [ValidatedToolCall] { toolCalls.filter(\.isValid) }
}
