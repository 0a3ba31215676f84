import ArgumentParser
import Foundation
import LAMEngine
import LAMJSON
import LAMToolCalling

/// `lam measure-calls`: runs BFCL-style entries (JSON lines with `question` and `function`) through the engine and
/// counts the replies whose calls parse and validate; also times constrained decoding's token masks against the
/// model's decode steps. Used by scripts/measure-toolcalling.
struct MeasureCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure-calls",
        abstract: "Share of BFCL entries answered with calls that parse and validate; mask cost per token.")

    @Option(name: .shortAndLong, help: "Path to a GGUF model file.") var model: String
    @Option(help: "BFCL JSON-lines file (e.g. BFCL_v3_simple.json).") var entries: String
    @Option(help: "Entries to run, from the start of the file.") var limit = 30
    @Option(name: .customLong("tool-choice"), help: "auto, required or none.") var toolChoice = "auto"
    @Option(name: .customLong("max-tokens"), help: "Most tokens per reply.") var maxTokens = 192
    @Flag(help: "Decode without a grammar; only parse and validate.") var unconstrained = false
    @Flag(help: "Print each entry's reply.") var verbose = false

    func run() async throws {
        let loaded = try LoadedModel.load(path: model)
        let engine = Engine(model: loaded, contextSize: 4096)
        let lines = try String(contentsOfFile: entries, encoding: .utf8).split(separator: "\n").prefix(limit)
        var parsed = 0, valid = 0, ran = 0
        var maskSeconds = 0.0, maskedTokens = 0, decodeSeconds = 0.0, decodeSteps = 0, generated = 0
        for line in lines {
            let entry = try JSONValue(parsing: String(line))
            guard let turns = entry["question"]?.arrayValue, let messages = turns.first?.arrayValue,
                  let functions = entry["function"]?.arrayValue else {
                throw ValidationError("entry \(ran): no question/function")
            }
            var request = ChatRequest(messages: messages, tools: try functions.map(ToolDefinition.init(json:)),
                                      toolChoice: ToolChoice(toolChoice), maxTokens: maxTokens)
            request.constrained = !unconstrained
            let reply = try await engine.complete(request)
            ran += 1
            let didParse = !reply.toolCalls.isEmpty && reply.toolCalls.allSatisfy { $0.arguments != nil }
            let isValid = !reply.toolCalls.isEmpty && reply.toolCalls.allSatisfy(\.isValid)
            parsed += didParse ? 1 : 0
            valid += isValid ? 1 : 0
            let t = reply.timings
            maskSeconds += t.maskSeconds
            maskedTokens += t.maskedTokens
            decodeSeconds += t.decodeSeconds
            decodeSteps += t.decodeSteps
            generated += reply.usage.completionTokens
            if verbose {
                let reasons = reply.toolCalls.flatMap(\.errors).map(\.description) + reply.problems
                print("\(entry["id"]?.stringValue ?? "\(ran)"): parsed=\(didParse) valid=\(isValid) \(reasons) "
                      + reply.text.replacingOccurrences(of: "\n", with: " ").prefix(200))
            }
        }
        let maskPerToken = maskSeconds / Double(max(maskedTokens, 1))
        let decodePerStep = decodeSeconds / Double(max(decodeSteps, 1))
        let summary: JSONValue = [
            "model": .string(URL(fileURLWithPath: model).lastPathComponent),
            "entries": .string(URL(fileURLWithPath: entries).lastPathComponent), "ran": .integer(ran),
            "tool_choice": .string(toolChoice), "constrained": .bool(!unconstrained), "parsed": .integer(parsed), "valid": .integer(valid),
            "valid_share": .double(Double(valid) / Double(max(ran, 1))),
            "generated_tokens": .integer(generated),
            "mask_ms_per_token": .double((maskPerToken * 1e5).rounded() / 100),
            "decode_ms_per_step": .double((decodePerStep * 1e5).rounded() / 100),
            "mask_share_of_decode": .double(maskedTokens == 0 ? 0 : (maskPerToken / decodePerStep * 1e4).rounded() / 1e4),
        ]
        print(summary.pythonJSON())
    }
}
