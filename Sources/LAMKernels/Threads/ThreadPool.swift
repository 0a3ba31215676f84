import Foundation
import Synchronization

/// A persistent pool of worker threads for the fork/join loops of the kernels.
///
/// A decode step runs hundreds of parallel loops of a few microseconds each, so waking a parked thread per
/// loop (~50 µs) would cost more than the work. Workers therefore spin for a short while after each loop,
/// catching the next one in well under a microsecond, and park on a condition variable once the pool has been
/// idle for longer than `spinIterations` checks (spinning forever starves neighbours on a shared machine).
public final class ThreadPool: @unchecked Sendable {
    /// The pool the models use: one thread per active core, the calling thread included.
    public static let shared = ThreadPool(threadCount: ProcessInfo.processInfo.activeProcessorCount)

    /// Threads that run a loop's items, the calling thread included.
    public let threadCount: Int

    /// What the workers share with the caller. The worker threads hold it, not the pool, so that releasing
    /// the pool can stop them.
    private let state: SharedState
    /// Serialises callers: one parallel loop runs at a time.
    private let callerLock = NSLock()

    public init(threadCount: Int, spinIterations: Int = 200_000) {
        self.threadCount = max(1, threadCount)
        state = SharedState(spinIterations: spinIterations)
        for _ in 1..<self.threadCount {
            let thread = Thread { [state] in state.workerLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        state.stop()
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads, and returns when all
    /// have finished. Items are handed out one at a time, so uneven items (or a descheduled thread) balance.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if count == 1 || threadCount == 1 {
            for i in 0..<count { body(i) }
            return
        }
        callerLock.lock()
        defer { callerLock.unlock() }
        withoutActuallyEscaping(body) { body in
            state.run(body, count: count, workers: threadCount - 1)
        }
    }
}

private final class SharedState: @unchecked Sendable {
    private let spinIterations: Int
    private let generation = Atomic<Int>(0)
    private let nextItem = Atomic<Int>(0)
    private let busyWorkers = Atomic<Int>(0)
    private let parkedWorkers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let parking = NSCondition()
    // Written by the calling thread before `generation` is bumped (release) and read by workers after they
    // see the bump (acquire), so plain storage is safe.
    private var job: ((Int) -> Void)?
    private var itemCount = 0

    init(spinIterations: Int) {
        self.spinIterations = spinIterations
    }

    func run(_ body: @escaping (Int) -> Void, count: Int, workers: Int) {
        job = body
        itemCount = count
        nextItem.store(0, ordering: .relaxed)
        busyWorkers.store(workers, ordering: .relaxed)
        wakeWorkers()
        runItems(body, count: count)
        var spins = 0
        while busyWorkers.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > 1_000 { sched_yield() }
        }
        job = nil
    }

    /// Makes every worker leave its loop (once it has finished any loop it is in).
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wakeWorkers()
    }

    private func wakeWorkers() {
        generation.add(1, ordering: .sequentiallyConsistent)
        if parkedWorkers.load(ordering: .sequentiallyConsistent) > 0 {
            parking.lock()
            parking.broadcast()
            parking.unlock()
        }
    }

    private func runItems(_ body: (Int) -> Void, count: Int) {
        while true {
            let i = nextItem.add(1, ordering: .relaxed).oldValue
            if i >= count { return }
            body(i)
        }
    }

    func workerLoop() {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            var spins = 0
            while current == seen && spins < spinIterations {
                spins += 1
                current = generation.load(ordering: .acquiring)
            }
            if current == seen {
                parking.lock()
                parkedWorkers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { parking.wait() }
                parkedWorkers.subtract(1, ordering: .sequentiallyConsistent)
                parking.unlock()
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopping.load(ordering: .sequentiallyConsistent) { return }
            if let job { runItems(job, count: itemCount) }
            busyWorkers.subtract(1, ordering: .releasing)
        }
    }
}
