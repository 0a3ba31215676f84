import Foundation
import LAMKernels

/// The weights of a pre-norm decoder: per layer RMSNorm → grouped-query attention with RoPE → residual,
/// RMSNorm → SwiGLU feed-forward → residual; then a final RMSNorm and the output projection.
struct DecoderWeights: @unchecked Sendable {
    struct Layer {
        var attentionNorm: [Float]
        var query: WeightMatrix
        var key: WeightMatrix
        var value: WeightMatrix
        var queryBias: [Float]?
        var keyBias: [Float]?
        var valueBias: [Float]?
        var attentionOutput: WeightMatrix
        var feedForwardNorm: [Float]
        var gate: WeightMatrix
        var up: WeightMatrix
        var down: WeightMatrix
    }

    var tokenEmbedding: WeightMatrix
    var layers: [Layer]
    var outputNorm: [Float]
    /// The output projection; the token embedding itself when the model ties them.
    var output: WeightMatrix
}

/// The forward pass shared by the Qwen2 and Llama architectures (their files say how each fills it in).
///
/// Prompts run in passes of up to `maxBatch` tokens, so each weight matrix is read once per pass; several
/// sequences (say, the decode steps of concurrent requests) can share a pass, each attending to its own cache.
/// One evaluation runs at a time per model (a lock serialises callers); the work inside is multi-threaded.
public final class TransformerDecoder: LanguageModel, @unchecked Sendable {
    public let configuration: ModelConfiguration
    let weights: DecoderWeights
    let rope: RoPE
    /// Whatever owns the memory the weights point into (the mapped file).
    private let owner: AnyObject
    private let multiplier: MatrixMultiplier
    private let lock = NSLock()
    public let maxBatch: Int

    init(configuration: ModelConfiguration, weights: DecoderWeights, rope: RoPE, owner: AnyObject,
         pool: ThreadPool = .shared, maxBatch: Int = 256) {
        self.configuration = configuration
        self.weights = weights
        self.rope = rope
        self.owner = owner
        self.multiplier = MatrixMultiplier(pool: pool)
        self.maxBatch = maxBatch
    }

    public func makeCache(capacity: Int?, precision: KVPrecision) -> KVCache {
        let c = configuration
        return KVCache(layers: c.layerCount, rowLength: c.kvHeadCount * c.headDimension,
                       capacity: min(capacity ?? c.contextLength, c.contextLength), precision: precision)
    }

    public func evaluate(_ tokens: [Int], cache: KVCache, allLogits: Bool) throws(InferenceError) -> [Float] {
        try check(tokens, cache: cache)
        let vocabulary = configuration.vocabularySize
        lock.lock()
        defer { lock.unlock() }
        var logits = [Float](repeating: 0, count: (allLogits ? tokens.count : 1) * vocabulary)
        let scratch = Scratch(configuration, batch: min(maxBatch, tokens.count))
        logits.withUnsafeMutableBufferPointer { logits in
            var start = 0
            while start < tokens.count {
                let batch = tokens[start..<min(tokens.count, start + maxBatch)]
                let isLast = start + batch.count == tokens.count
                let hidden = forward([Segment(cache: cache, tokens: batch, firstRow: 0)], scratch: scratch)
                if allLogits {
                    project(hidden, rows: batch.count, into: logits.baseAddress! + start * vocabulary, scratch: scratch)
                } else if isLast {
                    project(hidden + (batch.count - 1) * configuration.hiddenSize, rows: 1,
                            into: logits.baseAddress!, scratch: scratch)
                }
                start += batch.count
            }
        }
        return logits
    }

    /// Runs several sequences together: their rows share each pass over the weights (up to `maxBatch` rows
    /// per pass; a longer step continues in the next pass), while each row attends only to its own cache.
    public func evaluate(_ steps: [SequenceStep]) throws(InferenceError) -> [[Float]] {
        guard !steps.isEmpty else { throw .emptyInput }
        for step in steps { try check(step.tokens, cache: step.cache) }
        precondition(Set(steps.map { ObjectIdentifier($0.cache) }).count == steps.count,
                     "a batch holds two steps of the same cache")
        lock.lock()
        defer { lock.unlock() }
        let hiddenSize = configuration.hiddenSize, vocabulary = configuration.vocabularySize
        let scratch = Scratch(configuration, batch: min(maxBatch, steps.map(\.tokens.count).reduce(0, +)))
        var logits = [[Float]](repeating: [], count: steps.count)
        for pass in Self.pack(steps, rowsPerPass: maxBatch) {
            let hidden = forward(pass.map(\.segment), scratch: scratch)
            // The sequences whose last token ran in this pass get their logits, projected together.
            let ending = pass.filter { $0.endsStep && steps[$0.step].needsLogits }
            guard !ending.isEmpty else { continue }
            var lastRows = [Float](repeating: 0, count: ending.count * hiddenSize)
            for (i, part) in ending.enumerated() {
                let row = hidden + (part.segment.firstRow + part.segment.tokens.count - 1) * hiddenSize
                for j in 0..<hiddenSize { lastRows[i * hiddenSize + j] = row[j] }
            }
            var projected = [Float](repeating: 0, count: ending.count * vocabulary)
            lastRows.withUnsafeMutableBufferPointer { rows in
                projected.withUnsafeMutableBufferPointer { out in
                    project(rows.baseAddress!, rows: ending.count, into: out.baseAddress!, scratch: scratch)
                }
            }
            for (i, part) in ending.enumerated() {
                logits[part.step] = Array(projected[(i * vocabulary)..<((i + 1) * vocabulary)])
            }
        }
        return logits
    }

    private func check(_ tokens: [Int], cache: KVCache) throws(InferenceError) {
        guard !tokens.isEmpty else { throw .emptyInput }
        let needed = cache.count + tokens.count
        guard needed <= cache.capacity else { throw .contextOverflow(needed: needed, capacity: cache.capacity) }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= weights.tokenEmbedding.rows }) {
            throw .tokenOutOfRange(token: bad, vocabularySize: weights.tokenEmbedding.rows)
        }
    }

    /// A run of one sequence's tokens inside a pass: rows `firstRow..<firstRow + tokens.count`.
    private struct Segment {
        let cache: KVCache
        let tokens: ArraySlice<Int>
        let firstRow: Int
    }

    /// Splits the steps into passes of at most `rowsPerPass` rows, in order; a step may span passes.
    private static func pack(_ steps: [SequenceStep], rowsPerPass: Int)
        -> [[(step: Int, segment: Segment, endsStep: Bool)]] {
        var passes: [[(step: Int, segment: Segment, endsStep: Bool)]] = [[]]
        var rows = 0
        for (index, step) in steps.enumerated() {
            var start = step.tokens.startIndex
            while start < step.tokens.endIndex {
                if rows == rowsPerPass {
                    passes.append([])
                    rows = 0
                }
                let end = min(step.tokens.endIndex, start + rowsPerPass - rows)
                passes[passes.count - 1].append(
                    (index, Segment(cache: step.cache, tokens: step.tokens[start..<end], firstRow: rows),
                     end == step.tokens.endIndex))
                rows += end - start
                start = end
            }
        }
        return passes
    }

    /// Runs one pass through every layer: each segment's tokens follow what its cache holds. Returns the final
    /// hidden states (`rows × hiddenSize`, not yet normalised) inside `scratch`.
    private func forward(_ segments: [Segment], scratch s: Scratch) -> UnsafeMutablePointer<Float> {
        let c = configuration
        let n = segments.map(\.tokens.count).reduce(0, +)
        let qWidth = c.headCount * c.headDimension, kvWidth = c.kvHeadCount * c.headDimension
        let halfRope = c.ropeDimensions / 2
        for segment in segments {
            for (i, token) in segment.tokens.enumerated() {
                let t = segment.firstRow + i
                try! weights.tokenEmbedding.copyRow(token, into: s.x + t * c.hiddenSize)
                rope.angles(position: segment.cache.count + i, cos: s.cos + t * halfRope, sin: s.sin + t * halfRope)
            }
        }
        for (l, layer) in weights.layers.enumerated() {
            normalize(s.x, rows: n, weight: layer.attentionNorm, into: s.normed)
            multiplier.multiply([(layer.query, s.q), (layer.key, s.k), (layer.value, s.v)], s.normed, batch: n)
            for t in 0..<n {
                addBias(layer.queryBias, to: s.q + t * qWidth)
                addBias(layer.keyBias, to: s.k + t * kvWidth)
                addBias(layer.valueBias, to: s.v + t * kvWidth)
                let cos = s.cos + t * halfRope, sin = s.sin + t * halfRope
                rope.apply(s.q + t * qWidth, heads: c.headCount, headDimension: c.headDimension, cos: cos, sin: sin)
                rope.apply(s.k + t * kvWidth, heads: c.kvHeadCount, headDimension: c.headDimension, cos: cos, sin: sin)
            }
            for segment in segments {
                let cache = segment.cache, rows = segment.tokens.count, first = segment.firstRow
                cache.keys[l].write(s.k + first * kvWidth, rows: rows, at: cache.count)
                cache.values[l].write(s.v + first * kvWidth, rows: rows, at: cache.count)
                Attention.causal(queries: s.q + first * qWidth, batch: rows, firstPosition: cache.count,
                                 keys: cache.keys[l], values: cache.values[l],
                                 heads: c.headCount, kvHeads: c.kvHeadCount, headDimension: c.headDimension,
                                 scale: 1 / Float(c.headDimension).squareRoot(),
                                 into: s.attention + first * qWidth, pool: multiplier.pool)
            }
            multiplier.multiply(layer.attentionOutput, s.attention, batch: n, into: s.projected)
            VectorOps.add(s.projected, into: s.x, count: n * c.hiddenSize)

            normalize(s.x, rows: n, weight: layer.feedForwardNorm, into: s.normed)
            multiplier.multiply([(layer.gate, s.gate), (layer.up, s.up)], s.normed, batch: n)
            VectorOps.siluMultiply(gate: s.gate, up: s.up, count: n * c.feedForwardSize)
            multiplier.multiply(layer.down, s.gate, batch: n, into: s.projected)
            VectorOps.add(s.projected, into: s.x, count: n * c.hiddenSize)
        }
        for segment in segments { segment.cache.count += segment.tokens.count }
        return s.x
    }

    /// Final norm and output projection of `rows` hidden states.
    private func project(_ hidden: UnsafeMutablePointer<Float>, rows: Int, into logits: UnsafeMutablePointer<Float>,
                         scratch s: Scratch) {
        normalize(hidden, rows: rows, weight: weights.outputNorm, into: s.normed)
        multiplier.multiply(weights.output, s.normed, batch: rows, into: logits)
    }

    private func normalize(_ x: UnsafePointer<Float>, rows: Int, weight: [Float], into out: UnsafeMutablePointer<Float>) {
        let d = configuration.hiddenSize
        weight.withUnsafeBufferPointer { w in
            for t in 0..<rows {
                VectorOps.rmsNorm(x + t * d, weight: w.baseAddress!, epsilon: configuration.rmsNormEpsilon,
                                  count: d, into: out + t * d)
            }
        }
    }

    private func addBias(_ bias: [Float]?, to x: UnsafeMutablePointer<Float>) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { VectorOps.add($0.baseAddress!, into: x, count: bias.count) }
    }
}

/// Activation buffers for one batch.
private final class Scratch {
    let x, normed, q, k, v, attention, projected, gate, up, cos, sin: UnsafeMutablePointer<Float>
    private let all: [UnsafeMutablePointer<Float>]

    init(_ c: ModelConfiguration, batch: Int) {
        func buffer(_ width: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: batch * width)
            p.initialize(repeating: 0, count: batch * width)
            return p
        }
        let qWidth = c.headCount * c.headDimension, kvWidth = c.kvHeadCount * c.headDimension
        x = buffer(c.hiddenSize); normed = buffer(max(c.hiddenSize, qWidth)); q = buffer(qWidth)
        k = buffer(kvWidth); v = buffer(kvWidth); attention = buffer(qWidth)
        projected = buffer(c.hiddenSize); gate = buffer(c.feedForwardSize); up = buffer(c.feedForwardSize)
        cos = buffer(c.ropeDimensions / 2); sin = buffer(c.ropeDimensions / 2)
        all = [x, normed, q, k, v, attention, projected, gate, up, cos, sin]
    }

    deinit { for p in all { p.deallocate() } }
}
