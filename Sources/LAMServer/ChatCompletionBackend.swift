import LAMOpenAIAPI

/// What the server needs from an inference engine. The server owns HTTP, validation, the OpenAI wire format,
/// auth, limits, queueing and metrics; the backend turns a validated request into tokens.
///
/// The server calls, per request:
/// 1. `prepare(_:)` — render the chat template and tokenize (and build whatever the request needs: sampler,
///    tool-call parser, grammar for `tool_choice`/`response_format`). Throw `FieldError` for a request the
///    model cannot take (the client gets a 400 naming the field); anything else is a 500.
/// 2. the server checks `tokenCount` against `contextLength` (400 with both counts) and waits for a free
///    generation slot (at most `ServerConfiguration.maxConcurrentGenerations` run at once);
/// 3. `generate(_:maxTokens:)` — stream the completion. The stream must end with exactly one `.finished`.
///    When the client disconnects, the server stops iterating: the stream's `onTermination` handler runs
///    with `.cancelled`, and the backend must then stop the sequence and free its KV cache.
public protocol ChatCompletionBackend: Sendable {
    /// A prepared request: the prompt tokens and anything else generation needs.
    associatedtype Prompt: PreparedPrompt

    /// The models this backend serves; a request naming any other gets a 404.
    var models: [ModelDescription] { get }

    /// Tokens (prompt plus completion) one sequence can hold.
    var contextLength: Int { get }

    func prepare(_ request: ChatCompletionRequest) async throws -> Prompt

    func prepare(_ request: CompletionRequest) async throws -> Prompt

    /// Generates at most `maxTokens` tokens. Tool calls are reported as they are parsed: `.toolCallStarted`
    /// with the function name, then `.toolCallArguments` fragments of its JSON arguments. Indices count from
    /// 0 in the order calls start.
    func generate(_ prompt: Prompt, maxTokens: Int) -> AsyncThrowingStream<GenerationEvent, any Error>

    /// Current resource use, for `/metrics`.
    func statistics() async -> BackendStatistics
}

/// A request ready to generate from; the server only needs its length.
public protocol PreparedPrompt: Sendable {
    var tokenCount: Int { get }
}

/// One step of a generation, in the order the client should see it.
public enum GenerationEvent: Sendable, Hashable {
    /// Assistant text (chat) or completion text.
    case text(String)
    /// A tool call begins. The server assigns its `call_…` id.
    case toolCallStarted(index: Int, name: String)
    /// The next piece of the JSON arguments of call `index`.
    case toolCallArguments(index: Int, fragment: String)
    /// Generation is over: why, how many tokens were generated, and how many prompt tokens were reused from a
    /// cached prefix (nil when the backend does not reuse prefixes).
    case finished(FinishReason, completionTokens: Int, cachedPromptTokens: Int?)
}

/// Resource use reported on `/metrics`.
public struct BackendStatistics: Sendable, Hashable {
    public var kvCacheUsedTokens: Int
    public var kvCacheCapacityTokens: Int

    public init(kvCacheUsedTokens: Int, kvCacheCapacityTokens: Int) {
        self.kvCacheUsedTokens = kvCacheUsedTokens
        self.kvCacheCapacityTokens = kvCacheCapacityTokens
    }
}
