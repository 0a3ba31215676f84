import ArgumentParser
import Foundation
import LAMEngine
import LAMJSON
import LAMToolCalling

/// `lam measure-calls`: runs BFCL-style entries (JSON lines with `question` and `function`) through the engine in
/// several decoding modes and counts, per mode, the replies whose calls parse and validate; also times
/// constrained decoding's token masks against the model's decode steps. Each entry's modes run back to back, so
/// the prompt is evaluated once and reused from the KV cache. Used by scripts/measure-toolcalling.
struct MeasureCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure-calls",
        abstract: "Share of BFCL entries answered with calls that parse and validate; mask cost per token.")

    enum Mode: String, CaseIterable, ExpressibleByArgument {
        /// tool_choice auto, no grammar: parse and validate only.
        case unconstrained
        /// tool_choice auto with the grammar once the reply starts a call.
        case auto
        /// tool_choice required.
        case required
    }

    @Option(name: .shortAndLong, help: "Path to a GGUF model file.") var model: String
    @Option(help: "BFCL JSON-lines file (e.g. BFCL_v4_simple_python.json).") var entries: String
    @Option(help: "Entries to run, from the start of the file.") var limit = 30
    @Option(help: "Modes, comma-separated: unconstrained, auto, required.") var modes = "unconstrained,auto,required"
    @Option(name: .customLong("max-tokens"), help: "Most tokens per reply.") var maxTokens = 192
    @Flag(help: "Print each entry's reply.") var verbose = false
    @Flag(name: .customLong("second-turn"), help: "Instead: time the second turn with and without KV prefix reuse.")
    var secondTurn = false

    struct Tally {
        var ran = 0, parsed = 0, valid = 0, generated = 0
        var maskSeconds = 0.0, maskedTokens = 0, decodeSeconds = 0.0, decodeSteps = 0
    }

    func run() async throws {
        let chosen = try modes.split(separator: ",").map { name in
            guard let mode = Mode(rawValue: String(name)) else { throw ValidationError("unknown mode '\(name)'") }
            return mode
        }
        let loaded = try LoadedModel.load(path: model)
        let lines = try String(contentsOfFile: entries, encoding: .utf8).split(separator: "\n").prefix(limit)
        if secondTurn { return try await measureSecondTurns(loaded, lines) }
        let engine = Engine(model: loaded, contextSize: 4096)
        var tallies = Array(repeating: Tally(), count: chosen.count)
        for (number, line) in lines.enumerated() {
            let entry = try JSONValue(parsing: String(line))
            guard let turns = entry["question"]?.arrayValue, let messages = turns.first?.arrayValue,
                  let functions = entry["function"]?.arrayValue else {
                throw ValidationError("entry \(number): no question/function")
            }
            let tools = try functions.map(ToolDefinition.init(json:))
            for (index, mode) in chosen.enumerated() {
                var request = ChatRequest(messages: messages, tools: tools,
                                          toolChoice: mode == .required ? .required : .auto, maxTokens: maxTokens)
                request.constrained = mode != .unconstrained
                let reply = try await engine.complete(request)
                let didParse = !reply.toolCalls.isEmpty && reply.toolCalls.allSatisfy { $0.arguments != nil }
                let isValid = !reply.toolCalls.isEmpty && reply.toolCalls.allSatisfy(\.isValid)
                let t = reply.timings
                tallies[index].ran += 1
                tallies[index].parsed += didParse ? 1 : 0
                tallies[index].valid += isValid ? 1 : 0
                tallies[index].generated += reply.usage.completionTokens
                tallies[index].maskSeconds += t.maskSeconds
                tallies[index].maskedTokens += t.maskedTokens
                tallies[index].decodeSeconds += t.decodeSeconds
                tallies[index].decodeSteps += t.decodeSteps
                if verbose {
                    let reasons = reply.toolCalls.flatMap(\.errors).map(\.description) + reply.problems
                    let line = "\(entry["id"]?.stringValue ?? "\(number)") \(mode.rawValue): parsed=\(didParse) "
                        + "valid=\(isValid) \(reasons) " + reply.text.replacingOccurrences(of: "\n", with: " ").prefix(160)
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
        }
        for (mode, tally) in zip(chosen, tallies) {
            let maskPerToken = tally.maskSeconds / Double(max(tally.maskedTokens, 1))
            let decodePerStep = tally.decodeSeconds / Double(max(tally.decodeSteps, 1))
            let summary: JSONValue = [
                "model": .string(URL(fileURLWithPath: model).lastPathComponent),
                "entries": .string(URL(fileURLWithPath: entries).lastPathComponent), "ran": .integer(tally.ran),
                "mode": .string(mode.rawValue), "parsed": .integer(tally.parsed), "valid": .integer(tally.valid),
                "valid_share": .double((Double(tally.valid) / Double(max(tally.ran, 1)) * 1e4).rounded() / 1e4),
                "generated_tokens": .integer(tally.generated), "masked_tokens": .integer(tally.maskedTokens),
                "mask_ms_per_token": .double((maskPerToken * 1e5).rounded() / 100),
                "decode_ms_per_step": .double((decodePerStep * 1e5).rounded() / 100),
                "mask_share_of_decode": .double((maskPerToken / max(decodePerStep, 1e-9) * 1e4).rounded() / 1e4),
            ]
            print(summary.pythonJSON())
        }
    }

    /// Second-turn latency: turn 1 asks for a call (required); turn 2 adds the call and a tool result and
    /// measures the time to the first reply token, with the previous sequence's KV prefix reused and without.
    func measureSecondTurns(_ loaded: LoadedModel, _ lines: ArraySlice<Substring>) async throws {
        let reusing = Engine(model: loaded, contextSize: 4096)
        let fresh = Engine(model: loaded, contextSize: 4096, reusesPrefix: false)
        var reusedSeconds = 0.0, freshSeconds = 0.0, reusedTokens = 0, promptTokens = 0, turns = 0
        for line in lines {
            let entry = try JSONValue(parsing: String(line))
            guard let messages = entry["question"]?[0]?.arrayValue, let functions = entry["function"]?.arrayValue else {
                throw ValidationError("an entry without question/function")
            }
            let tools = try functions.map(ToolDefinition.init(json:))
            let first = try await reusing.complete(ChatRequest(messages: messages, tools: tools, toolChoice: .required,
                                                               maxTokens: maxTokens))
            let calls = first.validToolCalls.enumerated().map { index, call -> JSONValue in
                ["id": .string("call_\(index)"), "type": "function", "function": [
                    "name": .string(call.call.name), "arguments": .string((call.arguments ?? [:]).compactJSON)]]
            }
            guard !calls.isEmpty else { continue }
            var conversation = messages
            conversation.append(["role": "assistant", "content": "", "tool_calls": .array(calls)])
            for index in calls.indices {
                let result: JSONValue = ["role": "tool", "tool_call_id": .string("call_\(index)"),
                                         "content": "{\"result\": \"done\"}"]
                conversation.append(result)
            }
            var second = ChatRequest(messages: conversation, tools: tools, maxTokens: 1)
            second.constrained = false
            let reused = try await reusing.complete(second)
            let baseline = try await fresh.complete(second)
            turns += 1
            reusedSeconds += reused.timings.promptSeconds
            freshSeconds += baseline.timings.promptSeconds
            reusedTokens += reused.usage.cachedPromptTokens
            promptTokens += reused.usage.promptTokens
        }
        let n = Double(max(turns, 1))
        let summary: JSONValue = [
            "model": .string(URL(fileURLWithPath: model).lastPathComponent), "second_turns": .integer(turns),
            "mean_prompt_tokens": .double((Double(promptTokens) / n * 10).rounded() / 10),
            "mean_reused_tokens": .double((Double(reusedTokens) / n * 10).rounded() / 10),
            "mean_first_token_s_with_reuse": .double((reusedSeconds / n * 1000).rounded() / 1000),
            "mean_first_token_s_without_reuse": .double((freshSeconds / n * 1000).rounded() / 1000),
        ]
        print(summary.pythonJSON())
    }
}
