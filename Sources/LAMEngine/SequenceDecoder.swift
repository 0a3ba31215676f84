import LAMModels
import LAMTokenizer
import LAMToolCalling

/// The token-by-token half of one generation: given the logits of the latest position, masks them by the
/// grammar, samples the next token, and turns tokens into text and call events (stop strings cut, calls
/// parsed as they stream). At the end it validates the calls and assembles the `ChatCompletion`.
///
/// It does not run the model: the scheduler evaluates the chosen token (batched with other sequences) and
/// hands back the next logits.
struct SequenceDecoder {
    private let generation: PreparedChat
    private let stopTokens: Set<Int>
    private var matcher: TokenMaskMatcher?
    private var mask: TokenBitmask
    private var sampler: Sampler
    private var history: [Int]
    private var decoder: StreamingDecoder
    private var stops: StopStringFilter
    private var parser: StreamingToolCallParser?
    private var events: [ToolCallStreamEvent] = []
    private var text = ""
    private(set) var generated = 0
    private var finish = FinishReason.length
    /// Calls whose name has streamed so far.
    private var callsStarted = 0
    var timings = GenerationTimings()

    init(generation: PreparedChat, model: LoadedModel) {
        self.generation = generation
        stopTokens = model.stopTokens
        matcher = generation.grammar.map { TokenMaskMatcher(grammar: $0, vocabulary: model.vocabulary) }
        mask = TokenBitmask(count: matcher?.vocabulary.count ?? 0)
        sampler = Sampler(generation.request.sampling)
        history = generation.prompt.tokens
        decoder = StreamingDecoder(tokenizer: model.tokenizer, skipSpecialTokens: true)
        stops = StopStringFilter(generation.request.stop)
        parser = generation.format.map { StreamingToolCallParser(format: $0) }
    }

    /// Chooses the token after `logits` and emits what it makes certain. Returns the token to evaluate next,
    /// or nil when the generation is over (an end token, a stop string, the length limit, a full context:
    /// `contextHasRoom` false).
    mutating func next(logits: inout [Float], contextHasRoom: Bool,
                       emit: (ChatEvent) -> Void) throws(EngineError) -> Int? {
        if matcher != nil {
            let start = ContinuousClock.now
            matcher!.allowedTokens(into: &mask)
            timings.maskSeconds += (ContinuousClock.now - start).seconds
            timings.maskedTokens += 1
            guard mask.allowedCount > 0 else {
                finish = .stop
                return nil
            }
            Self.apply(mask, to: &logits)
        }
        let token = sampler.sample(logits: &logits, history: history)
        if stopTokens.contains(token) {
            finish = .stop
            return nil
        }
        if matcher != nil, !matcher!.advance(token: token) {
            throw .inference("constrained decoding chose token \(token), which the grammar does not allow")
        }
        generated += 1
        history.append(token)
        deliver(stops.append(decoder.append(Int32(token))), emit: emit)
        if stops.stopped {
            finish = .stop
            return nil
        }
        guard generated < generation.request.maxTokens, contextHasRoom else { return nil }
        if matcher != nil { closeCallListsNearTheLimit() }
        return token
    }

    /// Keeps a constrained call list from being cut by the token limit: once the tokens left could not hold
    /// another call half again as long as the average so far, lists take no further call. (A single call longer
    /// than the budget is still cut and reported invalid: closing it early would invent argument values.)
    private mutating func closeCallListsNearTheLimit() {
        let left = generation.request.maxTokens - generated
        if callsStarted > 0 && 2 * left < 3 * generated / callsStarted { matcher!.closeCallLists() }
    }

    /// Flushes the held-back text, validates the calls, and sums up.
    mutating func complete(cachedPromptTokens: Int, emit: (ChatEvent) -> Void) -> ChatCompletion {
        if !stops.stopped { deliver(stops.append(decoder.finish()) + stops.finish(), emit: emit) }
        if parser != nil { publish(parser!.finish(), emit: emit) }
        let reply = ParsedReply(events: events, problems: parser?.problems ?? [],
                                incompleteCalls: parser?.incompleteCalls ?? [])
        let calls = generation.validator.map { $0.validate(reply) } ?? []
        if finish == .stop, calls.contains(where: \.isValid) { finish = .toolCalls }
        let prompt = generation.prompt
        return ChatCompletion(
            text: text, content: reply.content, toolCalls: calls, problems: reply.problems, finishReason: finish,
            usage: Usage(promptTokens: prompt.tokens.count, completionTokens: generated,
                         cachedPromptTokens: cachedPromptTokens),
            timings: timings, prompt: prompt)
    }

    private mutating func deliver(_ piece: String, emit: (ChatEvent) -> Void) {
        guard !piece.isEmpty else { return }
        text += piece
        publish(parser != nil ? parser!.feed(piece) : [.content(piece)], emit: emit)
    }

    private mutating func publish(_ pieceEvents: [ToolCallStreamEvent], emit: (ChatEvent) -> Void) {
        events += pieceEvents
        for event in pieceEvents {
            switch event {
            case .content(let text): emit(.content(text))
            case .toolCall(let delta):
                if delta.name != nil { callsStarted += 1 }
                emit(.toolCall(delta))
            }
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
