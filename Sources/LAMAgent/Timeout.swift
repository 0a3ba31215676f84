import Synchronization

enum TimedOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case failed(any Error)
    case timedOut
}

/// Runs `work` but returns after `timeout` even if `work` ignores cancellation (it is cancelled and left to end).
func runWithTimeout<Value: Sendable>(
    _ timeout: Duration, _ work: @escaping @Sendable () async throws -> Value
) async -> TimedOutcome<Value> {
    await withCheckedContinuation { (continuation: CheckedContinuation<TimedOutcome<Value>, Never>) in
        let race = FirstOutcome(continuation)
        let worker = Task {
            do {
                race.finish(.finished(try await work()))
            } catch {
                race.finish(.failed(error))
            }
        }
        race.setTimer(
            Task {
                do { try await Task.sleep(for: timeout) } catch { return }
                worker.cancel()
                race.finish(.timedOut)
            })
    }
}

/// Resumes the continuation with whichever outcome comes first, and stops the timer once there is one.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<TimedOutcome<Value>, Never>?
        var timer: Task<Void, Never>?
    }
    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<TimedOutcome<Value>, Never>) {
        state = Mutex(State(continuation: continuation))
    }

    func finish(_ outcome: TimedOutcome<Value>) {
        let (continuation, timer) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.timer)
        }
        guard let continuation else { return }
        continuation.resume(returning: outcome)
        timer?.cancel()
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.timer = timer
            return state.continuation == nil
        }
        if finished { timer.cancel() }
    }
}
