import Foundation
import LAMJSON
import LAMToolCalling

/// A tool run as a program: the arguments go to its standard input as one JSON object, its standard output is the
/// result, and a non-zero exit is a failed call (its standard error is the reason). Lets `lam agent --tools FILE`
/// offer tools written in any language.
public struct CommandTool: AgentTool {
    public let definition: ToolDefinition
    public let hasSideEffects: Bool
    public let command: [String]

    public init(definition: ToolDefinition, command: [String], hasSideEffects: Bool) {
        self.definition = definition
        self.command = command
        self.hasSideEffects = hasSideEffects
    }

    /// Reads a JSON array of OpenAI tool objects, each with an added `"command": ["program", "arg", …]` and an
    /// optional `"side_effects": true`. Relative programs are looked up on PATH.
    public static func load(from url: URL) throws -> [CommandTool] {
        let json = try JSONValue(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        guard let entries = json.arrayValue else {
            throw AgentError.malformedMessage("\(url.path): expected a JSON array of tools")
        }
        return try entries.enumerated().map { index, entry in
            guard let command = entry["command"]?.arrayValue?.compactMap(\.stringValue), !command.isEmpty else {
                throw AgentError.malformedMessage("\(url.path): tool \(index) needs \"command\": [\"program\", …]")
            }
            return CommandTool(
                definition: try ToolDefinition(json: entry), command: command,
                hasSideEffects: entry["side_effects"]?.boolValue ?? false)
        }
    }

    public func call(arguments: JSONValue) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        ignoreBrokenPipes()
        try process.run()
        // A program that exits without reading its input gets EOF on its pipe; the write error is not its failure.
        try? input.fileHandleForWriting.write(contentsOf: Data(arguments.compactJSON.utf8))
        try? input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty program cannot fill a pipe and block. A cancelled call (the
        // agent's tool timeout) stops the program, which ends the reads.
        let (out, err) = await withTaskCancellationHandler {
            async let stdout = Self.readAll(output.fileHandleForReading)
            async let stderr = Self.readAll(errors.fileHandleForReading)
            let result = await (stdout, stderr)
            await process.exited()
            return result
        } onCancel: {
            Task { await process.stop() }
        }
        let text = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let reason = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ToolFailure("exit \(process.terminationStatus)\(reason.isEmpty ? "" : ": \(reason)")")
        }
        return text
    }

    /// Blocking reads happen on a Dispatch thread, not on one of the few threads of Swift's cooperative pool.
    private static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: (try? handle.readToEnd()) ?? Data()) }
        }
    }
}
