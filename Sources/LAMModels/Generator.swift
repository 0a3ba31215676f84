import Foundation
import LAMKernels

/// When generation stops.
public struct StopConditions: Sendable {
    public var maxTokens: Int
    /// Token ids that end generation (e.g. the model's end-of-turn ids); they are not part of the output.
    public var tokens: Set<Int>
    /// Texts that end generation; the output text is cut before the first one. Needs a `decode` function.
    public var strings: [String]

    public init(maxTokens: Int = 256, tokens: Set<Int> = [], strings: [String] = []) {
        self.maxTokens = maxTokens
        self.tokens = tokens
        self.strings = strings
    }
}

public struct GenerationResult: Sendable {
    public enum FinishReason: String, Sendable { case stopToken, stopString, maxTokens, contextFull }

    /// The generated tokens (without a stop token).
    public var tokens: [Int]
    /// The generated text up to any stop string (empty when no `decode` function was given).
    public var text: String
    public var finishReason: FinishReason
    public var promptTokens: Int
    public var promptSeconds: Double
    public var generationSeconds: Double

    public var promptTokensPerSecond: Double { Double(promptTokens) / max(promptSeconds, 1e-9) }
    /// Generated tokens per second, counting the tokens after the first (the first comes with the prompt).
    public var generationTokensPerSecond: Double { Double(max(tokens.count - 1, 0)) / max(generationSeconds, 1e-9) }
}

/// Runs a prompt and samples a continuation token by token.
public struct Generator {
    public let model: any LanguageModel
    public var sampler: Sampler
    public var stop: StopConditions
    /// Turns token ids into text, for stop strings. It is called on the newest few tokens only, so decoding a
    /// sequence piece by piece must give the concatenation of the pieces (as byte-level tokenizers do).
    public var decode: (([Int]) -> String)?

    public init(model: any LanguageModel, sampler: Sampler = Sampler(), stop: StopConditions = StopConditions(),
                decode: (([Int]) -> String)? = nil) {
        self.model = model
        self.sampler = sampler
        self.stop = stop
        self.decode = decode
    }

    /// Evaluates `prompt` after what `cache` already holds, then generates. `onToken` sees each new token as
    /// it is chosen and returns false to stop early.
    public mutating func generate(prompt: [Int], cache: KVCache? = nil,
                                  onToken: (Int) -> Bool = { _ in true }) throws(InferenceError) -> GenerationResult {
        let cache = cache ?? model.makeCache()
        let clock = ContinuousClock()
        var history = prompt
        let promptStart = clock.now
        var logits = try model.evaluate(prompt, cache: cache, allLogits: false)
        let promptSeconds = (clock.now - promptStart).seconds
        var result = GenerationResult(tokens: [], text: "", finishReason: .maxTokens, promptTokens: prompt.count,
                                      promptSeconds: promptSeconds, generationSeconds: 0)
        let generationStart = clock.now
        var text = IncrementalText(decode: decode)
        let longestStop = stop.strings.map(\.utf8.count).max() ?? 0
        while result.tokens.count < stop.maxTokens {
            let token = sampler.sample(logits: &logits, history: history)
            if stop.tokens.contains(token) {
                result.finishReason = .stopToken
                break
            }
            result.tokens.append(token)
            history.append(token)
            let searchFrom = text.utf8Count
            text.append(token)
            if longestStop > 0,
               let kept = text.prefix(beforeFirstOf: stop.strings, fromUTF8Offset: searchFrom - longestStop) {
                result.text = kept
                result.finishReason = .stopString
                break
            }
            if !onToken(token) { break }
            if result.tokens.count == stop.maxTokens { break }
            if cache.count >= cache.capacity {
                result.finishReason = .contextFull
                break
            }
            logits = try model.evaluate([token], cache: cache, allLogits: false)
        }
        if result.finishReason != .stopString, decode != nil { result.text = text.text }
        result.generationSeconds = (clock.now - generationStart).seconds
        return result
    }
}

/// The text of the generated tokens, grown one token at a time without decoding everything again: tokens are
/// decoded from the last point where the text ended on a whole character (a multi-byte character may span
/// tokens), so each step decodes only a few tokens. Empty when there is no `decode` function.
struct IncrementalText {
    let decode: (([Int]) -> String)?
    /// The text up to the end of the last whole character.
    private var settled = ""
    /// The decoding of the tokens after it (ends in a partial character).
    private var tail = ""
    private var unsettledTokens: [Int] = []

    init(decode: (([Int]) -> String)?) { self.decode = decode }

    var text: String { settled + tail }
    var utf8Count: Int { settled.utf8.count + tail.utf8.count }

    mutating func append(_ token: Int) {
        guard let decode else { return }
        unsettledTokens.append(token)
        tail = decode(unsettledTokens)
        if !tail.hasSuffix("\u{FFFD}") {
            settled += tail
            tail = ""
            unsettledTokens = []
        }
    }

    /// The text before the first of `strings` that starts at or after UTF-8 offset `offset`, if one does.
    func prefix(beforeFirstOf strings: [String], fromUTF8Offset offset: Int) -> String? {
        let utf8 = settled.utf8
        var start = utf8.index(utf8.startIndex, offsetBy: max(0, min(offset, utf8.count)))
        while start.samePosition(in: settled.unicodeScalars) == nil { start = utf8.index(before: start) }
        let window = String(settled[start...]) + tail
        guard let cut = strings.compactMap({ window.range(of: $0)?.lowerBound }).min() else { return nil }
        return String(settled[..<start]) + String(window[..<cut])
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
