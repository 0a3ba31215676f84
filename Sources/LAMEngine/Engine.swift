import Foundation
import LAMJSON
import LAMModels
import LAMTokenizer
import LAMToolCalling

/// Serves chat requests on one loaded model: builds the prompt, generates (constrained when the request asks
/// for calls or a JSON schema), streams text and call deltas, and validates the calls at the end.
///
/// Requests share the model and run one at a time, in arrival order, on the engine's own thread (they are
/// CPU-bound; the model parallelises each step across cores). The engine keeps the tokens and KV cache of the
/// last sequence and reuses the longest common prefix for the next request, so a conversation's next turn only
/// evaluates what is new. Batched decoding across sequences would replace the single session with several.
public final class Engine: Sendable {
    public let model: LoadedModel
    /// Positions the KV cache holds (prompt plus reply).
    public let contextSize: Int
    /// Reuse the previous sequence's cached prefix (on by default; off for measuring).
    public let reusesPrefix: Bool
    private let queue = DispatchQueue(label: "SwiftLAM.Engine", qos: .userInitiated)
    private let session: Session

    public init(model: LoadedModel, contextSize: Int? = nil, reusesPrefix: Bool = true) {
        self.model = model
        let limit = model.languageModel.configuration.contextLength
        self.contextSize = min(contextSize ?? limit, limit)
        self.reusesPrefix = reusesPrefix
        session = Session()
    }

    /// The prompt a request renders to (what `lam call --show-prompt` prints).
    public func prompt(for request: ChatRequest) throws(EngineError) -> Prompt {
        guard let template = model.chatTemplate else { throw .invalidRequest("the model has no chat template") }
        let tools = request.tools.isEmpty ? nil : request.tools.map(\.openAIJSON)
        return try PromptBuilder(template: template, tokenizer: model.tokenizer)
            .build(messages: request.messages, tools: tools, variables: request.templateVariables)
    }

    /// Streams the reply. Cancelling the consuming task (or dropping the stream) stops generation at the next token.
    /// `prompt`: the request's prompt when the caller already built it with `prompt(for:)` (a server checks its
    /// length first); nil renders it here.
    public func stream(_ request: ChatRequest, prompt: Prompt? = nil) -> AsyncThrowingStream<ChatEvent, any Error> {
        AsyncThrowingStream { continuation in
            let cancelled = Mutex(false)
            continuation.onTermination = { _ in cancelled.withLock { $0 = true } }
            queue.async { [self] in
                do {
                    let run = try GenerationRun(request: request, engine: self, prompt: prompt)
                    let completion = try run.generate(session: session, isCancelled: { cancelled.withLock { $0 } }) {
                        continuation.yield($0)
                    }
                    continuation.yield(.finished(completion))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// The tokens whose keys and values the cache holds now, after the requests queued so far have run.
    public func cachedTokens() async -> [Int] {
        await withCheckedContinuation { continuation in
            queue.async { [session] in continuation.resume(returning: session.tokens) }
        }
    }

    /// The whole reply at once.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        for try await event in stream(request) {
            if case .finished(let completion) = event { return completion }
        }
        throw CancellationError()
    }
}

/// The sequence whose keys and values the cache holds. Touched only on the engine's queue.
final class Session: @unchecked Sendable {
    var cache: KVCache?
    /// The tokens at cache positions `0..<cache.count`.
    var tokens: [Int] = []
}

/// One request from prompt to validated calls.
struct GenerationRun {
    let request: ChatRequest
    let engine: Engine
    let prompt: Prompt
    let grammar: Grammar?
    let format: ToolCallFormat?
    let validator: ToolCallValidator?

    init(request: ChatRequest, engine: Engine, prompt: Prompt?) throws(EngineError) {
        self.request = request
        self.engine = engine
        if let prompt { self.prompt = prompt } else { self.prompt = try engine.prompt(for: request) }
        let callsWanted = !request.tools.isEmpty && request.toolChoice != .none
        let format = callsWanted ? request.toolCallFormat ?? engine.model.detectedToolCallFormat ?? .xlam : nil
        self.format = format
        do {
            validator = request.tools.isEmpty ? nil : try ToolCallValidator(tools: request.tools)
            if !request.constrained {
                grammar = nil
            } else if let format, request.toolChoice != .auto || request.responseSchema == nil {
                // Strict (no undeclared properties) keeps models from inventing arguments; a schema that requires
                // keys it does not declare (BFCL has some) is only satisfiable without it.
                let build = { (strict: Bool) throws(SchemaError) in
                    try Grammar.toolCalls(request.tools, choice: request.toolChoice, format: format,
                                          parallelCalls: request.parallelToolCalls, strict: strict)
                }
                do {
                    grammar = try build(true)
                } catch .tooComplex {
                    grammar = try build(false)
                }
            } else if let schema = request.responseSchema {
                grammar = try Grammar(schema: JSONSchema(schema))
            } else {
                grammar = nil
            }
        } catch {
            throw .invalidRequest("\(error)")
        }
        guard self.prompt.tokens.count < engine.contextSize else {
            throw .invalidRequest("the prompt has \(self.prompt.tokens.count) tokens; the context holds \(engine.contextSize)")
        }
        guard request.maxTokens > 0 else { throw .invalidRequest("max_tokens must be positive") }
    }

    func generate(session: Session, isCancelled: () -> Bool,
                           emit: (ChatEvent) -> Void) throws -> ChatCompletion {
        let model = engine.model
        let network = model.languageModel
        let clock = ContinuousClock()
        var timings = GenerationTimings()
        let cache = session.cache ?? network.makeCache(capacity: engine.contextSize, precision: .f16)
        session.cache = cache

        // Reuse the cached prefix; at least one prompt token is evaluated to get the next logits.
        var reused = 0
        if engine.reusesPrefix {
            reused = zip(session.tokens, prompt.tokens).prefix { $0 == $1 }.count
            reused = min(reused, prompt.tokens.count - 1)
        }
        cache.truncate(to: reused)
        session.tokens = Array(prompt.tokens[..<reused])
        var start = clock.now
        var logits = try evaluate(Array(prompt.tokens[reused...]), session: session)
        timings.promptSeconds = (clock.now - start).seconds

        var matcher = grammar.map { TokenMaskMatcher(grammar: $0, vocabulary: model.vocabulary) }
        var mask = TokenBitmask(count: matcher?.vocabulary.count ?? 0)
        var sampler = Sampler(request.sampling)
        var history = prompt.tokens
        var decoder = StreamingDecoder(tokenizer: model.tokenizer, skipSpecialTokens: true)
        var stops = StopStringFilter(request.stop)
        var parser = format.map { StreamingToolCallParser(format: $0) }
        var events: [ToolCallStreamEvent] = []
        var text = ""
        var generated = 0
        var finish = FinishReason.length

        func deliver(_ piece: String) {
            guard !piece.isEmpty else { return }
            text += piece
            publish(parser != nil ? parser!.feed(piece) : [.content(piece)])
        }
        func publish(_ pieceEvents: [ToolCallStreamEvent]) {
            events += pieceEvents
            for event in pieceEvents {
                switch event {
                case .content(let text): emit(.content(text))
                case .toolCall(let delta): emit(.toolCall(delta))
                }
            }
        }

        while generated < request.maxTokens {
            if isCancelled() { throw CancellationError() }
            if matcher != nil {
                start = clock.now
                matcher!.allowedTokens(into: &mask)
                timings.maskSeconds += (clock.now - start).seconds
                timings.maskedTokens += 1
                guard mask.allowedCount > 0 else { finish = .stop; break }
                Self.apply(mask, to: &logits)
            }
            let token = sampler.sample(logits: &logits, history: history)
            if model.stopTokens.contains(token) { finish = .stop; break }
            if matcher != nil, !matcher!.advance(token: token) {
                throw EngineError.inference("constrained decoding chose token \(token), which the grammar does not allow")
            }
            generated += 1
            history.append(token)
            deliver(stops.append(decoder.append(Int32(token))))
            if stops.stopped { finish = .stop; break }
            if generated == request.maxTokens { break }
            if cache.count >= cache.capacity { break }
            start = clock.now
            logits = try evaluate([token], session: session)
            timings.decodeSeconds += (clock.now - start).seconds
            timings.decodeSteps += 1
        }
        if !stops.stopped { deliver(stops.append(decoder.finish()) + stops.finish()) }
        if parser != nil { publish(parser!.finish()) }
        let reply = ParsedReply(events: events, problems: parser?.problems ?? [], incompleteCalls: parser?.incompleteCalls ?? [])
        let calls = validator.map { $0.validate(reply) } ?? []
        if finish == .stop, calls.contains(where: \.isValid) { finish = .toolCalls }
        return ChatCompletion(
            text: text, content: reply.content, toolCalls: calls, problems: reply.problems, finishReason: finish,
            usage: Usage(promptTokens: prompt.tokens.count, completionTokens: generated, cachedPromptTokens: reused),
            timings: timings, prompt: prompt)
    }

    /// Runs `tokens` after the session's sequence; on failure the session is reset, since the cache may hold
    /// part of them.
    private func evaluate(_ tokens: [Int], session: Session) throws(EngineError) -> [Float] {
        guard let cache = session.cache else { throw .inference("no cache") }
        do {
            let logits = try engine.model.languageModel.evaluate(tokens, cache: cache, allLogits: false)
            session.tokens += tokens
            return logits
        } catch {
            cache.truncate(to: 0)
            session.tokens = []
            throw .inference("\(error)")
        }
    }

    /// Sets the logits of tokens the mask forbids to -infinity.
    static func apply(_ mask: TokenBitmask, to logits: inout [Float]) {
        let count = min(mask.count, logits.count)
        logits.withUnsafeMutableBufferPointer { logits in
            for (wordIndex, word) in mask.words.enumerated() where word != ~0 {
                let base = wordIndex * 64
                var forbidden = ~word
                while forbidden != 0 {
                    let index = base + forbidden.trailingZeroBitCount
                    if index < count { logits[index] = -.infinity }
                    forbidden &= forbidden - 1
                }
            }
        }
        if logits.count > count { for i in count..<logits.count { logits[i] = -.infinity } }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
