import LAMModels
import LAMTestSupport
import Testing

/// Several sequences evaluated together (one pass over the weights) give the logits each gives alone: the
/// rows share the matrix products, and each attends only to its own cache.
struct BatchedEvaluationTests {
    /// Three prompts of different lengths (one longer than a pass, so it continues in the next), prefilled in
    /// one batch, then decoded together for a few steps, against each sequence evaluated by itself.
    @Test func batchedSequencesMatchEachAlone() throws {
        let model = try ModelLoader.load(path: try TestModel.qwen05b.path())
        let vocabulary = model.configuration.vocabularySize
        let prompts = [
            (0..<7).map { 1000 + 37 * $0 % 5000 },
            (0..<300).map { 200 + 13 * $0 % 9000 },
            (0..<40).map { 3000 + 101 * $0 % 7000 },
        ]
        let steps = 4
        // Alone: the prompt, then the greedy continuation one token at a time.
        var alone: [[[Float]]] = []
        for prompt in prompts {
            let cache = model.makeCache(capacity: 512, precision: .f16)
            var logits = [try model.evaluate(prompt, cache: cache, allLogits: false)]
            for _ in 0..<steps { logits.append(try model.evaluate([argmax(logits.last!)], cache: cache, allLogits: false)) }
            alone.append(logits)
        }
        // Together: the same tokens, all sequences in each evaluation.
        let caches = prompts.map { _ in model.makeCache(capacity: 512, precision: .f16) }
        var together = try model.evaluate(zip(prompts, caches).map { SequenceStep(tokens: $0, cache: $1) }).map { [$0] }
        for step in 1...steps {
            let next = try model.evaluate(caches.indices.map {
                SequenceStep(tokens: [argmax(alone[$0][step - 1])], cache: caches[$0])
            })
            for i in together.indices { together[i].append(next[i]) }
        }
        for (i, prompt) in prompts.enumerated() {
            #expect(caches[i].count == prompt.count + steps)
            for step in 0...steps {
                let a = alone[i][step], b = together[i][step]
                #expect(b.count == vocabulary)
                let largest = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
                #expect(largest < 1e-3, "sequence \(i), step \(step): logits differ by up to \(largest)")
                #expect(argmax(a) == argmax(b))
            }
        }
    }

    /// A prompt chunk that more chunks follow asks for no logits and gets none; its keys and values are kept.
    @Test func stepsWithoutLogitsStillFillTheCache() throws {
        let model = try ModelLoader.load(path: try TestModel.smollm2.path())
        let prompt = (0..<20).map { 100 + $0 * 7 }
        let split = model.makeCache(capacity: 64, precision: .f16)
        let first = try model.evaluate([SequenceStep(tokens: Array(prompt[..<12]), cache: split, needsLogits: false)])
        #expect(first == [[]])
        let rest = try model.evaluate([SequenceStep(tokens: Array(prompt[12...]), cache: split)])
        let whole = try model.evaluate(prompt, cache: model.makeCache(capacity: 64, precision: .f16), allLogits: false)
        let largest = zip(rest[0], whole).map { abs($0 - $1) }.max() ?? .infinity
        #expect(split.count == prompt.count)
        #expect(largest < 1e-3)
    }

    @Test func badStepsAreRefused() throws {
        let model = try ModelLoader.load(path: try TestModel.smollm2.path())
        let cache = model.makeCache(capacity: 4, precision: .f16)
        #expect(throws: InferenceError.emptyInput) { try model.evaluate([]) }
        #expect(throws: InferenceError.contextOverflow(needed: 5, capacity: 4)) {
            try model.evaluate([SequenceStep(tokens: [1, 2, 3, 4, 5], cache: cache)])
        }
        #expect(cache.count == 0)
    }
}

private func argmax(_ logits: [Float]) -> Int {
    logits.indices.max { logits[$0] < logits[$1] }!
}
