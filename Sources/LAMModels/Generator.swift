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
    /// Turns token ids into text, for stop strings.
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
        while result.tokens.count < stop.maxTokens {
            let token = sampler.sample(logits: &logits, history: history)
            if stop.tokens.contains(token) {
                result.finishReason = .stopToken
                break
            }
            result.tokens.append(token)
            history.append(token)
            if !stop.strings.isEmpty, let decode {
                let text = decode(result.tokens)
                if let cut = stop.strings.compactMap({ text.range(of: $0)?.lowerBound }).min() {
                    result.text = String(text[..<cut])
                    result.finishReason = .stopString
                    break
                }
            }
            if !onToken(token) { break }
            if result.tokens.count == stop.maxTokens { break }
            if cache.count >= cache.capacity {
                result.finishReason = .contextFull
                break
            }
            logits = try model.evaluate([token], cache: cache, allLogits: false)
        }
        if result.finishReason != .stopString, let decode { result.text = decode(result.tokens) }
        result.generationSeconds = (clock.now - generationStart).seconds
        return result
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
