import Foundation
import LAMModels

/// Runs the engine's generations: up to `maxConcurrency` at once, all advanced together one step at a time,
/// each step one batched evaluation of the model (one pass over the weights serves every sequence).
///
/// A step holds one token of each decoding sequence and, in the rows left (`rowsPerStep` in all), the next
/// chunk of the prompts still being evaluated, so a new request's prompt is interleaved with the decoding of
/// the others instead of stalling them. Requests beyond `maxConcurrency` wait in arrival order. Each sequence
/// runs in a cache from the `CachePool`, starting after the longest prefix of its prompt the cache holds.
///
/// The loop runs on its own dispatch queue while there is work, and stops when there is none.
final class BatchScheduler: @unchecked Sendable {
    /// One generation: what to run, and where its events go.
    struct Job {
        let generation: PreparedChat
        let emit: (ChatEvent) -> Void
        let finish: (Result<ChatCompletion, any Error>) -> Void
        let isCancelled: () -> Bool
    }

    let maxConcurrency: Int
    let rowsPerStep: Int
    private let model: LoadedModel
    private let reusesPrefix: Bool
    private let queue = DispatchQueue(label: "SwiftLAM.Engine", qos: .userInitiated)
    private let lock = NSLock()
    // Guarded by `lock`.
    private var waiting: [Job] = []
    private var looping = false
    private var usage = (used: 0, capacity: 0)
    // Touched only on `queue`.
    private let pool: CachePool
    private var active: [ActiveSequence] = []

    init(model: LoadedModel, contextSize: Int, reusesPrefix: Bool, maxConcurrency: Int, cacheLimit: Int,
         rowsPerStep: Int = 256) {
        precondition(maxConcurrency > 0 && cacheLimit >= maxConcurrency && rowsPerStep >= maxConcurrency)
        self.model = model
        self.reusesPrefix = reusesPrefix
        self.maxConcurrency = maxConcurrency
        self.rowsPerStep = rowsPerStep
        let network = model.languageModel
        pool = CachePool(limit: cacheLimit) { network.makeCache(capacity: contextSize, precision: .f16) }
        usage.capacity = cacheLimit * contextSize
    }

    func submit(_ job: Job) {
        lock.lock()
        waiting.append(job)
        let start = !looping
        looping = true
        lock.unlock()
        if start { queue.async { self.loop() } }
    }

    /// Runs `body` on the scheduler's queue once the work submitted so far is done.
    func afterPendingWork<Value: Sendable>(_ body: @escaping @Sendable (CachePool) -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            queue.async { [pool] in continuation.resume(returning: body(pool)) }
        }
    }

    /// KV positions held by all caches, and what they can hold.
    var kvUsage: (used: Int, capacity: Int) { lock.withLock { usage } }

    private func loop() {
        while admit() { step() }
    }

    /// Moves waiting jobs into free places; false (and the loop ends) when nothing is left to run.
    private func admit() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while active.count < maxConcurrency, !waiting.isEmpty {
            let job = waiting.removeFirst()
            if job.isCancelled() {
                job.finish(.failure(CancellationError()))
                continue
            }
            guard let (slot, reused) = pool.checkout(for: job.generation.prompt.tokens, reusingPrefix: reusesPrefix)
            else { preconditionFailure("the cache pool is smaller than the number of running sequences") }
            active.append(ActiveSequence(job: job, slot: slot, reused: reused, model: model))
        }
        usage.used = pool.idleTokens + active.reduce(0) { $0 + $1.slot.cache.count }
        if active.isEmpty { looping = false }
        return !active.isEmpty
    }

    /// One batched evaluation, then each sequence that got logits chooses its next token.
    private func step() {
        for sequence in active where sequence.job.isCancelled() { end(sequence, .failure(CancellationError())) }
        active.removeAll { $0.isDone }
        guard !active.isEmpty else { return }

        var rowsLeft = rowsPerStep - active.filter(\.isDecoding).count
        var batch: [(sequence: ActiveSequence, step: SequenceStep)] = []
        for sequence in active {
            if let token = sequence.nextToken {
                batch.append((sequence, SequenceStep(tokens: [token], cache: sequence.slot.cache)))
            } else if rowsLeft > 0 {
                let chunk = Array(sequence.promptLeft.prefix(rowsLeft))
                rowsLeft -= chunk.count
                batch.append((sequence, SequenceStep(tokens: chunk, cache: sequence.slot.cache,
                                                     needsLogits: chunk.count == sequence.promptLeft.count)))
            }
        }
        let start = ContinuousClock.now
        let logits: [[Float]]
        do {
            logits = try model.languageModel.evaluate(batch.map(\.step))
        } catch {
            // The caches may hold part of the batch: start them afresh.
            for (sequence, _) in batch {
                sequence.slot.truncate(to: 0)
                end(sequence, .failure(EngineError.inference("\(error)")))
            }
            active.removeAll { $0.isDone }
            return
        }
        let seconds = (ContinuousClock.now - start).seconds
        for ((sequence, step), logits) in zip(batch, logits) {
            sequence.slot.tokens += step.tokens
            do {
                if let completion = try sequence.advance(evaluated: step.tokens.count, logits: logits, seconds: seconds) {
                    end(sequence, .success(completion))
                }
            } catch {
                end(sequence, .failure(error))
            }
        }
        active.removeAll { $0.isDone }
    }

    private func end(_ sequence: ActiveSequence, _ result: Result<ChatCompletion, any Error>) {
        guard !sequence.isDone else { return }
        sequence.isDone = true
        pool.giveBack(sequence.slot)
        sequence.job.finish(result)
    }
}

/// A running generation: its cache, the prompt tokens not yet evaluated, then the token to evaluate next.
private final class ActiveSequence {
    let job: BatchScheduler.Job
    let slot: CacheSlot
    let reused: Int
    private(set) var promptLeft: ArraySlice<Int>
    private(set) var nextToken: Int?
    private var decoder: SequenceDecoder
    private let capacity: Int
    var isDone = false

    init(job: BatchScheduler.Job, slot: CacheSlot, reused: Int, model: LoadedModel) {
        self.job = job
        self.slot = slot
        self.reused = reused
        promptLeft = job.generation.prompt.tokens[reused...]
        decoder = SequenceDecoder(generation: job.generation, model: model)
        capacity = slot.cache.capacity
    }

    var isDecoding: Bool { nextToken != nil }

    /// Takes the logits after `evaluated` tokens of this sequence ran; returns the completion when it is over.
    func advance(evaluated: Int, logits: [Float], seconds: Double) throws -> ChatCompletion? {
        if nextToken == nil {
            promptLeft = promptLeft.dropFirst(evaluated)
            decoder.timings.promptSeconds += seconds
            guard promptLeft.isEmpty else { return nil }
        } else {
            decoder.timings.decodeSeconds += seconds
            decoder.timings.decodeSteps += 1
        }
        var logits = logits
        nextToken = try decoder.next(logits: &logits, contextHasRoom: slot.cache.count < capacity, emit: job.emit)
        guard nextToken == nil else { return nil }
        return decoder.complete(cachedPromptTokens: reused, emit: job.emit)
    }
}
