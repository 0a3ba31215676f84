import ArgumentParser
import Foundation
import LAMEngine
import LAMJSON
import LAMToolCalling

/// `lam call`: one request, one reply, printed as tool calls (or the model's text when it answers without one).
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Ask a model to call tools; prints the validated calls as JSON (or its text answer).",
        discussion: """
            Example: lam call -m qwen2.5-coder-0.5b-instruct-q4_k_m.gguf --tools examples/tools/weather.json \\
                       --tool-choice required "What's the weather in Paris?"
            Valid calls go to standard output as a JSON array of {"name", "arguments"}; calls that fail validation
            are reported on standard error with the reason (exit status 2) and never printed as valid.
            """)

    @Option(name: .shortAndLong, help: "Path to a GGUF model file.") var model: String
    @Option(help: "JSON file with an array of tools (OpenAI form or bare {name, description, parameters}).")
    var tools: String
    @Option(name: .customLong("tool-choice"), help: "auto, required, none, or a tool's name.") var toolChoice = "auto"
    @Option(name: .customLong("tool-format"), help: "Call format: xlam, hermes or llama3 (default: from the template).")
    var toolFormat: ToolCallFormat?
    @Option(help: "A system message to put first.") var system: String?
    @Flag(name: .customLong("show-prompt"), help: "Print the rendered prompt to standard error.") var showPrompt = false
    @Flag(name: .customLong("no-parallel"), help: "At most one call.") var noParallel = false
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.") var maxTokens = 256
    @Option(name: .customLong("stop"), help: "A text that ends the reply (repeatable).") var stop: [String] = []
    @OptionGroup var sampling: SamplingOptions
    @Argument(help: "The user's request.") var request: String

    func run() async throws {
        let loaded = try LoadedModel.load(path: model)
        let toolsJSON: JSONValue
        do {
            toolsJSON = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: tools))))
        } catch {
            throw ValidationError("--tools \(tools): \(error)")
        }
        var messages: [JSONValue] = []
        if let system { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(request)])
        let chat = ChatRequest(
            messages: messages, tools: try ToolDefinition.list(from: toolsJSON), toolChoice: ToolChoice(toolChoice),
            toolCallFormat: toolFormat, parallelToolCalls: !noParallel, sampling: sampling.parameters,
            maxTokens: maxTokens, stop: stop)
        let engine = Engine(model: loaded, contextSize: 8192)
        if showPrompt { standardError(try engine.prompt(for: chat).text + "\n") }
        let reply = try await engine.complete(chat)
        for call in reply.toolCalls where !call.isValid {
            standardError("invalid call '\(call.call.name)': \(call.errors.map(\.description).joined(separator: "; "))\n")
        }
        for problem in reply.problems { standardError("unparsable call: \(problem)\n") }
        let valid = reply.validToolCalls
        if !valid.isEmpty {
            let calls = JSONValue.array(valid.map { ["name": .string($0.call.name), "arguments": $0.arguments ?? [:]] })
            print(calls.pythonJSON(indent: 2))
        } else if !reply.content.isEmpty {
            print(reply.content)
        }
        let t = reply.timings
        standardError(String(format: "finish: %@; prompt %d tokens (%.2f s), generated %d tokens (%.2f s decode, %.3f s masks)\n",
                             reply.finishReason.rawValue, reply.usage.promptTokens, t.promptSeconds,
                             reply.usage.completionTokens, t.decodeSeconds, t.maskSeconds))
        if valid.count < reply.toolCalls.count || !reply.problems.isEmpty { throw ExitCode(2) }
    }
}

extension ToolCallFormat: ExpressibleByArgument {}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
