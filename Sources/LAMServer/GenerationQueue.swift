/// Admission control for generations: at most `maxActive` run at once, at most `maxWaiting` more wait in line
/// (first come, first served), and anyone beyond that is turned away at once (HTTP 429) instead of piling up.
///
/// A request is admitted before its response starts, so that "full" can still be a status code, and waits
/// for its turn inside `run`, where a client that goes away (task cancellation) leaves the line.
actor GenerationQueue {
    struct Full: Error {}

    /// A place in the queue, from `admit()` until `run` returns. A ticket dropped without running (say, the
    /// connection died before the response started) gives its place back when it is released.
    final class Ticket: Sendable {
        fileprivate let number: UInt64
        private let queue: GenerationQueue

        fileprivate init(number: UInt64, queue: GenerationQueue) {
            self.number = number
            self.queue = queue
        }

        deinit {
            Task { [queue, number] in await queue.abandon(number) }
        }
    }

    private struct Waiter {
        let number: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    let maxActive: Int
    let maxWaiting: Int
    /// Tickets admitted that have neither started running nor been abandoned.
    private var pending: Set<UInt64> = []
    private(set) var active = 0
    private var waiters: [Waiter] = []
    private var lastNumber: UInt64 = 0

    init(maxActive: Int, maxWaiting: Int) {
        precondition(maxActive > 0 && maxWaiting >= 0)
        self.maxActive = maxActive
        self.maxWaiting = maxWaiting
    }

    /// Requests admitted but not yet running.
    var waiting: Int { pending.count }

    func admit() throws(Full) -> Ticket {
        guard active + pending.count < maxActive + maxWaiting else { throw Full() }
        lastNumber += 1
        pending.insert(lastNumber)
        return Ticket(number: lastNumber, queue: self)
    }

    /// Waits for a free slot, runs `operation`, frees the slot.
    nonisolated func run<Value: Sendable>(
        _ ticket: Ticket, _ operation: () async throws -> Value
    ) async throws -> Value {
        do {
            try await start(ticket)
        } catch {
            await abandon(ticket.number)
            throw error
        }
        do {
            let value = try await operation()
            await finish()
            return value
        } catch {
            await finish()
            throw error
        }
    }

    private func start(_ ticket: Ticket) async throws {
        precondition(pending.contains(ticket.number), "a generation ticket is used twice")
        if active < maxActive && waiters.isEmpty {
            pending.remove(ticket.number)
            active += 1
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(number: ticket.number, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.leaveLine(ticket.number) }
        }
    }

    private func leaveLine(_ number: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.number == number }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func abandon(_ number: UInt64) {
        pending.remove(number)
    }

    /// Hands the finished generation's slot to the next in line, or frees it.
    private func finish() {
        if waiters.isEmpty {
            active -= 1
        } else {
            let next = waiters.removeFirst()
            pending.remove(next.number)
            next.continuation.resume()
        }
    }
}
