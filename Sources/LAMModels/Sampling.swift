/// How the next token is chosen from the logits. The defaults give greedy decoding.
///
/// Steps run in llama.cpp's order: logits processors (e.g. a grammar mask), repetition penalties, top-k,
/// top-p, min-p (these three on the untempered distribution), temperature, then a seeded random draw.
public struct SamplingParameters: Sendable, Equatable {
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    public var temperature: Float = 0
    /// Keep only the k most likely tokens (0: all).
    public var topK: Int = 0
    /// Keep the smallest set of most likely tokens whose probability reaches p (1: all).
    public var topP: Float = 1
    /// Drop tokens less likely than minP × the top token's probability (0: none).
    public var minP: Float = 0
    /// Divides positive (multiplies negative) logits of tokens seen in the last `penaltyWindow` (1: off).
    public var repetitionPenalty: Float = 1
    /// Subtracted once from the logit of every token seen in the window.
    public var presencePenalty: Float = 0
    /// Subtracted from the logit of a token once per time it was seen in the window.
    public var frequencyPenalty: Float = 0
    /// How many of the latest tokens the penalties look at.
    public var penaltyWindow: Int = 64
    /// Makes random draws reproducible; nil draws from the system's generator.
    public var seed: UInt64?

    public init() {}

    public static let greedy = SamplingParameters()
}

/// A hook that sees the token history and may change the logits before sampling, e.g. to mask tokens a
/// grammar forbids (set them to `-Float.infinity`).
public protocol LogitsProcessor {
    mutating func process(history: [Int], logits: inout [Float])
}

/// Chooses tokens from logits according to `SamplingParameters`.
public struct Sampler {
    public var parameters: SamplingParameters
    public var processors: [any LogitsProcessor]
    private var random: SplitMix64

    public init(_ parameters: SamplingParameters = .greedy, processors: [any LogitsProcessor] = []) {
        self.parameters = parameters
        self.processors = processors
        var system = SystemRandomNumberGenerator()
        random = SplitMix64(seed: parameters.seed ?? system.next())
    }

    /// The next token given `logits` (modified in place by the processors and penalties) and the tokens so far.
    public mutating func sample(logits: inout [Float], history: [Int]) -> Int {
        for i in processors.indices { processors[i].process(history: history, logits: &logits) }
        applyPenalties(&logits, history: history)
        if parameters.temperature <= 0 { return argmax(logits) }

        var candidates = plausibleCandidates(logits)
        if parameters.topK > 0 && parameters.topK < candidates.count {
            candidates = Array(candidates.prefix(parameters.topK))
        }
        if parameters.topP < 1 || parameters.minP > 0 {
            let probabilities = softmax(candidates.map(\.logit))
            var keep = candidates.count
            if parameters.topP < 1 {
                var cumulative: Float = 0
                for (i, p) in probabilities.enumerated() {
                    cumulative += p
                    if cumulative >= parameters.topP { keep = min(keep, i + 1); break }
                }
            }
            if parameters.minP > 0, let top = probabilities.first {
                let floor = parameters.minP * top
                keep = min(keep, max(1, probabilities.prefix { $0 >= floor }.count))
            }
            candidates = Array(candidates.prefix(keep))
        }
        let probabilities = softmax(candidates.map { $0.logit / parameters.temperature })
        let draw = Float(Double(random.next() >> 11) / Double(1 << 53))
        var cumulative: Float = 0
        for (candidate, p) in zip(candidates, probabilities) {
            cumulative += p
            if draw < cumulative { return candidate.token }
        }
        return candidates.last!.token
    }

    private func applyPenalties(_ logits: inout [Float], history: [Int]) {
        let p = parameters
        guard p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0, p.penaltyWindow > 0 else {
            return
        }
        var counts: [Int: Int] = [:]
        for token in history.suffix(p.penaltyWindow) where logits.indices.contains(token) { counts[token, default: 0] += 1 }
        for (token, count) in counts {
            var l = logits[token]
            l = l > 0 ? l / p.repetitionPenalty : l * p.repetitionPenalty
            l -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[token] = l
        }
    }

    private func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
    }

    /// Tokens in descending order of logit, leaving out those whose probability is below e^-30 of the top
    /// token's (they cannot be drawn at any sane temperature, and sorting 150k entries per token is slow).
    private func plausibleCandidates(_ logits: [Float]) -> [(token: Int, logit: Float)] {
        let top = logits.max() ?? 0
        let floor = top - 30 * max(1, parameters.temperature)
        var candidates: [(token: Int, logit: Float)] = []
        for (token, logit) in logits.enumerated() where logit >= floor { candidates.append((token, logit)) }
        candidates.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.token < $1.token) }
        return candidates
    }

    private func softmax(_ x: [Float]) -> [Float] {
        guard let top = x.max() else { return [] }
        let e = x.map { expf($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so seeded runs repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
