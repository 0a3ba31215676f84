import Foundation

/// Writing to a child that has exited raises SIGPIPE, whose default action ends this process: a tool or server
/// that dies must fail its call instead, so the signal is ignored (the write then fails with EPIPE).
func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}

extension Process {
    /// Waits for the process to end without holding a thread (`waitUntilExit` blocks one of the few threads of
    /// Swift's cooperative pool).
    func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Waits up to `timeout` for the process to end by itself; true if it did.
    func exited(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return !isRunning
    }

    /// Asks the process to end (SIGTERM) and kills it (SIGKILL) if it still runs after `grace`.
    ///
    /// Why the kill: a child started from a Dispatch or cooperative-pool thread inherits that thread's signal mask,
    /// in which SIGTERM and SIGINT are blocked (Foundation does not reset it on Linux), so SIGTERM alone may never
    /// arrive.
    func stop(grace: Duration = .seconds(1)) async {
        guard isRunning else { return }
        terminate()
        if await exited(within: grace) { return }
        kill(processIdentifier, SIGKILL)
        await exited()
    }
}
