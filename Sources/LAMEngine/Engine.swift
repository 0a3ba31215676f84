import Foundation
import LAMJSON
import LAMModels
import LAMTokenizer
import LAMToolCalling

/// Serves chat requests on one loaded model: builds the prompt, generates (constrained when the request asks
/// for calls or a JSON schema), streams text and call deltas, and validates the calls at the end.
///
/// Up to `maxConcurrency` requests generate at once: their decode steps run as one batch (one pass over the
/// weights serves them all; see `BatchScheduler`), later ones wait in arrival order. The engine keeps a pool of
/// KV caches with the tokens each holds, and a request continues the cached sequence sharing the longest
/// prefix with its prompt, so a conversation's next turn only evaluates what is new.
public final class Engine: Sendable {
    public let model: LoadedModel
    /// Positions each KV cache holds (prompt plus reply).
    public let contextSize: Int
    /// Reuse cached prefixes (on by default; off for measuring).
    public let reusesPrefix: Bool
    /// Generations that run together.
    public let maxConcurrency: Int
    private let scheduler: BatchScheduler

    /// `cachedSequences`: KV caches kept (default: twice `maxConcurrency`), so that idle conversations keep
    /// their prefix while others run.
    public init(model: LoadedModel, contextSize: Int? = nil, reusesPrefix: Bool = true, maxConcurrency: Int = 1,
                cachedSequences: Int? = nil) {
        self.model = model
        let limit = model.languageModel.configuration.contextLength
        self.contextSize = min(contextSize ?? limit, limit)
        self.reusesPrefix = reusesPrefix
        self.maxConcurrency = max(1, maxConcurrency)
        scheduler = BatchScheduler(
            model: model, contextSize: self.contextSize, reusesPrefix: reusesPrefix, maxConcurrency: self.maxConcurrency,
            cacheLimit: max(cachedSequences ?? 2 * self.maxConcurrency, self.maxConcurrency))
    }

    /// The prompt a request renders to (what `lam call --show-prompt` prints).
    public func prompt(for request: ChatRequest) throws(EngineError) -> Prompt {
        guard let template = model.chatTemplate else { throw .invalidRequest("the model has no chat template") }
        let tools = request.tools.isEmpty ? nil : request.tools.map(\.openAIJSON)
        return try PromptBuilder(template: template, tokenizer: model.tokenizer)
            .build(messages: request.messages, tools: tools, variables: request.templateVariables)
    }

    /// A plain-text prompt (no chat template), as text completions take it: the model's BOS token, then the text
    /// with special tokens recognized.
    public func rawPrompt(_ text: String) -> Prompt {
        let tokenizer = model.tokenizer
        let bos = tokenizer.addBOS ? tokenizer.bosToken.map { [Int($0)] } ?? [] : []
        return Prompt(text: text, tokens: bos + tokenizer.encode(text, specialTokens: .recognize).map(Int.init),
                      contentIsolated: false)
    }

    /// Renders the prompt (unless given) and builds what generation needs; a request that cannot be served
    /// (a schema that cannot be decoded, messages the template refuses) fails here.
    public func prepare(_ request: ChatRequest, prompt: Prompt? = nil) throws(EngineError) -> PreparedChat {
        let prompt = if let prompt { prompt } else { try self.prompt(for: request) }
        return try PreparedChat(request: request, prompt: prompt, detectedFormat: model.detectedToolCallFormat)
    }

    /// Streams the reply. Cancelling the consuming task (or dropping the stream) stops generation at the next token.
    /// `prompt`: the request's prompt when the caller already built it with `prompt(for:)` (a server checks its
    /// length first); nil renders it here.
    public func stream(_ request: ChatRequest, prompt: Prompt? = nil) -> AsyncThrowingStream<ChatEvent, any Error> {
        do {
            return stream(try prepare(request, prompt: prompt))
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// Streams the reply of a prepared request; cancelling or dropping the stream stops it and frees its cache.
    public func stream(_ generation: PreparedChat) -> AsyncThrowingStream<ChatEvent, any Error> {
        AsyncThrowingStream { continuation in
            do {
                try generation.checkLength(contextSize: contextSize)
            } catch {
                continuation.finish(throwing: error)
                return
            }
            let cancelled = Mutex(false)
            continuation.onTermination = { _ in cancelled.withLock { $0 = true } }
            scheduler.submit(BatchScheduler.Job(
                generation: generation,
                emit: { continuation.yield($0) },
                finish: { result in
                    switch result {
                    case .success(let completion):
                        continuation.yield(.finished(completion))
                        continuation.finish()
                    case .failure(let error):
                        continuation.finish(throwing: error)
                    }
                },
                isCancelled: { cancelled.withLock { $0 } }))
        }
    }

    /// The tokens whose keys and values the most recently used cache holds, after the requests queued so far
    /// have run.
    public func cachedTokens() async -> [Int] {
        await scheduler.afterPendingWork { $0.lastReturned?.tokens ?? [] }
    }

    /// KV cache positions in use (all caches, running and idle) and the most they can hold.
    public var kvCacheUsage: (used: Int, capacity: Int) { scheduler.kvUsage }

    /// The whole reply at once.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        for try await event in stream(request) {
            if case .finished(let completion) = event { return completion }
        }
        throw CancellationError()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
