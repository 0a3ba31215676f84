import LAMEngine
import LAMJSON
import LAMModels
import LAMToolCalling

/// The in-process engine (a GGUF model loaded by LAMEngine) as the agent's model. Each reply renders the whole
/// conversation with the model's chat template; the engine reuses the cached prefix, so a step only evaluates
/// the messages added since the last one. Calls are generated under the tools' grammar when the reply opens a
/// call block, and come back unvalidated to the loop (which reports problems to the model).
public struct EngineModel: AgentModel {
    public let engine: Engine
    public var sampling: SamplingParameters
    /// Most tokens one reply may generate.
    public var maxTokens: Int
    /// The call format; nil: the one detected from the chat template.
    public var toolCallFormat: ToolCallFormat?
    /// False: at most one call per reply (small models tend to repeat calls when allowed several).
    public var parallelToolCalls: Bool

    public init(
        engine: Engine, sampling: SamplingParameters = .greedy, maxTokens: Int = 1024,
        toolCallFormat: ToolCallFormat? = nil, parallelToolCalls: Bool = true
    ) {
        self.engine = engine
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.toolCallFormat = toolCallFormat
        self.parallelToolCalls = parallelToolCalls
    }

    public func reply(
        to messages: [AgentMessage], tools: [ToolDefinition], onText: @escaping @Sendable (String) -> Void
    ) async throws -> ModelReply {
        let request = ChatRequest(
            messages: messages.map(Self.renderable), tools: tools, toolCallFormat: toolCallFormat,
            parallelToolCalls: parallelToolCalls, sampling: sampling, maxTokens: maxTokens)
        for try await event in engine.stream(request) {
            switch event {
            case .content(let text): onText(text)
            case .toolCall: break  // the loop announces calls once they are whole
            case .finished(let completion):
                return ModelReply(content: completion.content, calls: completion.toolCalls.map(\.call))
            }
        }
        throw CancellationError()
    }

    /// The message as the chat template gets it. Templates write a call's arguments as a JSON object, so a call
    /// whose arguments are not JSON (cut off by the token limit) is shown with empty arguments; its tool message
    /// tells the model what was wrong.
    static func renderable(_ message: AgentMessage) -> JSONValue {
        var message = message
        for index in message.toolCalls.indices where message.toolCalls[index].argumentsAreNotJSON {
            message.toolCalls[index].arguments = "{}"
        }
        return message.openAIJSON
    }
}

extension AgentToolCall {
    fileprivate var argumentsAreNotJSON: Bool { (try? JSONValue(parsing: arguments)) == nil }
}
