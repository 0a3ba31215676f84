import LAMModels
import Testing

struct SamplingTests {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 2.9, 0.0]

    @Test func greedyTakesTheArgmax() {
        var sampler = Sampler(.greedy)
        var l = logits
        #expect(sampler.sample(logits: &l, history: []) == 1)
    }

    @Test func sameSeedSameTokens() {
        var p = SamplingParameters()
        p.temperature = 1.5
        p.seed = 42
        func run() -> [Int] {
            var sampler = Sampler(p)
            return (0..<50).map { _ in var l = logits; return sampler.sample(logits: &l, history: []) }
        }
        let first = run()
        #expect(first == run())
        #expect(Set(first).count > 2, "temperature 1.5 should visit several tokens")
    }

    @Test func topKOneIsGreedy() {
        var p = SamplingParameters()
        p.temperature = 5
        p.topK = 1
        p.seed = 1
        var sampler = Sampler(p)
        for _ in 0..<20 { var l = logits; #expect(sampler.sample(logits: &l, history: []) == 1) }
    }

    @Test func topPAndMinPKeepOnlyLikelyTokens() {
        for configure in [{ (p: inout SamplingParameters) in p.topP = 0.6 }, { p in p.minP = 0.5 }] {
            var p = SamplingParameters()
            p.temperature = 1
            p.seed = 3
            configure(&p)
            var sampler = Sampler(p)
            let seen = Set((0..<200).map { _ in var l = logits; return sampler.sample(logits: &l, history: []) })
            #expect(seen.isSubset(of: [1, 2, 4]), "\(seen)")
        }
    }

    @Test func penaltiesLowerRepeatedTokens() {
        var p = SamplingParameters()
        p.repetitionPenalty = 2
        p.frequencyPenalty = 0.5
        p.presencePenalty = 0.25
        var sampler = Sampler(p)
        var l = logits
        _ = sampler.sample(logits: &l, history: [1, 1, 3])
        #expect(l[1] == 3.0 / 2 - 2 * 0.5 - 0.25)
        #expect(l[3] == -1.0 * 2 - 0.5 - 0.25)
        #expect(l[4] == 2.9)
    }

    struct BanToken: LogitsProcessor {
        let token: Int
        var calls = 0
        mutating func process(history: [Int], logits: inout [Float]) {
            logits[token] = -.infinity
        }
    }

    @Test func processorsMaskTokens() {
        var sampler = Sampler(.greedy, processors: [BanToken(token: 1)])
        var l = logits
        #expect(sampler.sample(logits: &l, history: []) == 4)
    }
}
