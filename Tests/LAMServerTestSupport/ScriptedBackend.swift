import LAMJSON
import LAMOpenAIAPI
import LAMServer

/// A deterministic stand-in for the engine, for testing the server without a model. It answers from rules a
/// test can predict:
///
/// - a conversation whose last message is a tool result: text `Tool results: <results joined by "; ">`;
/// - with tools and a `tool_choice` other than `none`: calls to every tool whose name the last user message
///   mentions (in the order mentioned; the first tool when none is), one only when `parallel_tool_calls` is
///   false, the named one for a named choice. Arguments are sample values built from each tool's schema,
///   in the schema's key order;
/// - `response_format` `json_schema`: a sample of the schema; `json_object`: `{"echo": <last user text>}`;
/// - otherwise: `Echo: <last user text>`; a text completion answers `<prompt> and so on and so on …`.
///
/// A "token" is a whitespace-separated word: prompts count one per word plus one per message, replies are
/// streamed a word at a time (tool arguments in pieces of 8 characters), and `max_tokens` cuts the reply
/// (finish reason `length`). `stop` cuts the text before the first stop sequence.
public struct ScriptedBackend: ChatCompletionBackend {
    public struct Prompt: PreparedPrompt {
        public let tokenCount: Int
        public let reply: Reply
    }

    public enum Reply: Sendable {
        case text(String)
        case toolCalls([ToolCall])
    }

    public let models: [ModelDescription]
    public let contextLength: Int
    /// Pause before each generated token, to make generations take time (cancellation and queue tests).
    public let tokenDelay: Duration
    /// Generations stopped by their consumer before they finished.
    public let cancellations = CancellationCounter()

    public init(modelName: String = "scripted-model", contextLength: Int = 2048, tokenDelay: Duration = .zero) {
        models = [ModelDescription(id: modelName, created: 1_700_000_000, ownedBy: "swiftlam")]
        self.contextLength = contextLength
        self.tokenDelay = tokenDelay
    }

    public func prepare(_ request: ChatCompletionRequest) async throws -> Prompt {
        let tokenCount = request.messages.reduce(0) { $0 + 1 + Self.words(in: $1.content?.text ?? "").count }
        let lastUserText = request.messages.last(where: { $0.role == .user })?.content?.text ?? ""
        let stops = request.sampling.stop?.sequences ?? []
        if request.messages.last?.role == .tool {
            let results = request.messages.reversed().prefix(while: { $0.role == .tool }).reversed()
            return Prompt(tokenCount: tokenCount, reply: .text(Self.cut(
                "Tool results: " + results.map { $0.content?.text ?? "" }.joined(separator: "; "), at: stops)))
        }
        if let calls = Self.toolCalls(for: request, lastUserText: lastUserText) {
            return Prompt(tokenCount: tokenCount, reply: .toolCalls(calls))
        }
        let text = switch request.responseFormat {
        case .jsonSchema(let format): Self.sample(of: format.schema ?? [:]).compactJSON
        case .jsonObject: JSONValue.object(["echo": .string(lastUserText)]).compactJSON
        case .text, nil: Self.cut("Echo: " + lastUserText, at: stops)
        }
        return Prompt(tokenCount: tokenCount, reply: .text(text))
    }

    public func prepare(_ request: CompletionRequest) async throws -> Prompt {
        let continuation = Array(repeating: " and so on", count: 64).joined()
        return Prompt(
            tokenCount: Self.words(in: request.prompt).count,
            reply: .text(Self.cut(request.prompt + continuation, at: request.sampling.stop?.sequences ?? [])))
    }

    public func generate(_ prompt: Prompt, maxTokens: Int) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (events, finish) = Self.script(prompt.reply, maxTokens: maxTokens)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        let producer = Task { [tokenDelay] in
            for event in events {
                if tokenDelay > .zero { try? await Task.sleep(for: tokenDelay) }
                if Task.isCancelled { return }
                continuation.yield(event)
            }
            continuation.yield(finish)
            continuation.finish()
        }
        continuation.onTermination = { [cancellations] termination in
            if case .cancelled = termination {
                producer.cancel()
                Task { await cancellations.increment() }
            }
        }
        return stream
    }

    public func statistics() async -> BackendStatistics {
        BackendStatistics(kvCacheUsedTokens: 0, kvCacheCapacityTokens: contextLength)
    }

    // MARK: The script

    /// The events for a reply, cut at `maxTokens`, and the `.finished` event that ends them.
    static func script(_ reply: Reply, maxTokens: Int) -> ([GenerationEvent], GenerationEvent) {
        var events: [GenerationEvent] = []
        var tokens = 0
        switch reply {
        case .text(let text):
            for piece in pieces(of: text) {
                guard tokens < maxTokens else { return (events, .finished(.length, completionTokens: tokens, cachedPromptTokens: nil)) }
                events.append(.text(piece))
                tokens += 1
            }
            return (events, .finished(.stop, completionTokens: tokens, cachedPromptTokens: nil))
        case .toolCalls(let calls):
            for (index, call) in calls.enumerated() {
                events.append(.toolCallStarted(index: index, name: call.name))
                tokens += 1
                for fragment in fragments(of: call.arguments, length: 8) {
                    guard tokens < maxTokens else { return (events, .finished(.length, completionTokens: tokens, cachedPromptTokens: nil)) }
                    events.append(.toolCallArguments(index: index, fragment: fragment))
                    tokens += 1
                }
            }
            return (events, .finished(.toolCalls, completionTokens: tokens, cachedPromptTokens: nil))
        }
    }

    static func toolCalls(for request: ChatCompletionRequest, lastUserText: String) -> [ToolCall]? {
        let tools: [ToolDefinition]
        switch request.effectiveToolChoice {
        case .none:
            return nil
        case .function(let name):
            tools = request.tools.filter { $0.name == name }
        case .auto, .required:
            let mentioned = request.tools
                .compactMap { tool in lastUserText.range(of: tool.name).map { (tool, $0.lowerBound) } }
                .sorted { $0.1 < $1.1 }
                .map(\.0)
            let chosen = mentioned.isEmpty ? Array(request.tools.prefix(1)) : mentioned
            tools = request.parallelToolCalls == false ? Array(chosen.prefix(1)) : chosen
        }
        return tools.enumerated().map { index, tool in
            ToolCall(id: "scripted_\(index)", name: tool.name, arguments: sample(of: tool.parameters ?? [:]).compactJSON)
        }
    }

    /// A value that matches a JSON schema: the first enum value, or a fixed sample per type; objects list
    /// their properties in the schema's order.
    static func sample(of schema: JSONValue) -> JSONValue {
        if let first = schema["enum"]?[0] { return first }
        switch schema["type"]?.stringValue {
        case "string": return "sample"
        case "integer": return 7
        case "number": return 2.5
        case "boolean": return true
        case "array": return [sample(of: schema["items"] ?? [:])]
        case "null": return nil
        default:
            let properties = schema["properties"]?.objectValue ?? [:]
            return .object(properties.mapValues(sample(of:)))
        }
    }

    static func words(in text: String) -> [Substring] {
        text.split(whereSeparator: \.isWhitespace)
    }

    /// Words with the whitespace before them attached ("Echo:", " hello", " world"), so that the pieces
    /// concatenate back to the text.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, current.contains(where: { !$0.isWhitespace }) {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    static func fragments(of text: String, length: Int) -> [String] {
        var fragments: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            fragments.append(String(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return fragments
    }

    static func cut(_ text: String, at stops: [String]) -> String {
        let cutPoints = stops.compactMap { text.range(of: $0)?.lowerBound }
        guard let first = cutPoints.min() else { return text }
        return String(text[..<first])
    }
}

/// Counts generations whose consumer stopped early.
public actor CancellationCounter {
    public private(set) var count = 0

    public init() {}

    func increment() { count += 1 }
}
