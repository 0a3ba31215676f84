import Foundation

extension Process {
    /// Waits for the process to end without holding a thread (`waitUntilExit` blocks one of the few threads of
    /// Swift's cooperative pool).
    func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Asks the process to end (SIGTERM) and waits for it; one that is still running after `grace` is killed.
    func stop(grace: Duration = .seconds(3)) async {
        guard isRunning else { return }
        terminate()
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        if isRunning {
            kill(processIdentifier, SIGKILL)
            await exited()
        }
    }
}
