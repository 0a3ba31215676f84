import LAMToolCalling

/// A model the agent loop can drive: the in-process engine, an OpenAI-compatible endpoint, or a scripted one.
///
/// Given the whole conversation so far and the tools on offer, it produces the next assistant reply: text, calls,
/// or both. Calls come back as the model wrote them (unvalidated): the loop validates them against the tools'
/// schemas and reports problems back to the model. Text may be streamed through `onText` as it is generated; the
/// returned reply's `content` is the whole text either way.
public protocol AgentModel: Sendable {
    func reply(
        to messages: [AgentMessage],
        tools: [ToolDefinition],
        onText: @escaping @Sendable (String) -> Void
    ) async throws -> ModelReply
}

/// One assistant reply.
public struct ModelReply: Sendable, Hashable {
    public var content: String
    /// The calls in the order the model wrote them. An empty `id` gets one assigned by the loop.
    public var calls: [ParsedToolCall]

    public init(content: String, calls: [ParsedToolCall] = []) {
        self.content = content
        self.calls = calls
    }
}
