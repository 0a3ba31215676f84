import Foundation
import LAMAgent
import LAMJSON
import LAMToolCalling
import Synchronization

/// A model that replays scripted replies and records the conversations it was shown.
final class ScriptedModel: AgentModel {
    private let replies: Mutex<[ModelReply]>
    private let seen = Mutex<[[AgentMessage]]>([])

    init(_ replies: [ModelReply]) { self.replies = Mutex(replies) }

    var conversations: [[AgentMessage]] { seen.withLock { $0 } }

    func reply(
        to messages: [AgentMessage], tools: [ToolDefinition], onText: @escaping @Sendable (String) -> Void
    ) async throws -> ModelReply {
        seen.withLock { $0.append(messages) }
        guard let next = replies.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
            throw ScriptExhausted()
        }
        if !next.content.isEmpty { onText(next.content) }
        return next
    }
}

struct ScriptExhausted: Error {}

func call(_ name: String, _ arguments: String, id: String = "") -> ParsedToolCall {
    ParsedToolCall(index: 0, id: id, name: name, arguments: arguments)
}

/// Collects an agent's events (called from the agent's tasks).
final class EventLog: Sendable {
    private let storage = Mutex<[AgentEvent]>([])
    var events: [AgentEvent] { storage.withLock { $0 } }
    func record(_ event: AgentEvent) { storage.withLock { $0.append(event) } }
}

enum ReferencePython {
    /// The venv python that has the `mcp` package (SWIFTLAM_VENV, default ~/.cache/swiftlam/venv).
    static func path() throws -> String {
        let venv = ProcessInfo.processInfo.environment["SWIFTLAM_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/swiftlam/venv"
        let python = venv + "/bin/python"
        let libraries = (try? FileManager.default.contentsOfDirectory(atPath: venv + "/lib")) ?? []
        let hasMCP = libraries.contains { FileManager.default.fileExists(atPath: "\(venv)/lib/\($0)/site-packages/mcp") }
        guard FileManager.default.isExecutableFile(atPath: python), hasMCP else {
            throw MissingVenv(venv: venv)
        }
        return python
    }

    static func script(_ relativePath: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(relativePath).path
    }
}

struct MissingVenv: Error, CustomStringConvertible {
    let venv: String
    var description: String {
        "no python with the `mcp` package in \(venv): run scripts/setup-reference-venv (or set SWIFTLAM_VENV)"
    }
}

/// A helper server started by a test: prints its port on its first line. Use through `withServer`, which ends it.
struct ServerProcess: Sendable {
    let port: Int
    fileprivate let process: Process
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    let arguments: [String]
    let firstLine: String
    var description: String { "\(arguments.joined(separator: " ")) printed \(firstLine.debugDescription), not a port" }
}

/// Starts the venv python with `arguments`, runs `body` with the server's port, and ends the server (also when
/// `body` throws). Nothing here holds a thread of the cooperative pool while it waits.
func withServer<T>(_ arguments: [String], _ body: (ServerProcess) async throws -> T) async throws -> T {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try ReferencePython.path())
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let firstLine = await readFirstLine(output.fileHandleForReading)
    guard let port = Int(firstLine.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        await stop(process)
        throw ServerDidNotStart(arguments: arguments, firstLine: firstLine)
    }
    do {
        let result = try await body(ServerProcess(port: port, process: process))
        await stop(process)
        return result
    } catch {
        await stop(process)
        throw error
    }
}

/// The blocking read happens on a Dispatch thread.
private func readFirstLine(_ handle: FileHandle) async -> String {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                guard !chunk.isEmpty else { break }
                line.append(chunk)
            }
            continuation.resume(returning: String(decoding: line, as: UTF8.self))
        }
    }
}

/// The helper servers keep no state worth a graceful exit (and a child started from a pool thread may have
/// SIGTERM blocked): they are killed.
private func stop(_ process: Process) async {
    kill(process.processIdentifier, SIGKILL)
    while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
}

/// Retries `attempt` until it succeeds (servers print their port just before they start listening).
func retrying<T>(for seconds: Int = 15, _ attempt: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while true {
        do {
            return try await attempt()
        } catch {
            if ContinuousClock.now > deadline { throw error }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
