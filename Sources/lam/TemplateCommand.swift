import ArgumentParser
import Foundation
import LAMJSON
import LAMModelFiles
import LAMTemplates

/// `lam template`: prints the prompt a chat template makes from messages and tools, byte for byte.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render a chat template: print the exact prompt text for OpenAI-style messages and tools."
    )

    @Option(name: .shortAndLong, help: "A model: a GGUF file, or a Hugging Face folder (tokenizer_config.json or chat_template.jinja).")
    var model: String?

    @Option(name: .long, help: "A template file: Jinja text, or a tokenizer_config.json / chat_template.json.")
    var file: String?

    @Option(name: .long, help: "JSON array of OpenAI-style messages ('-' reads stdin).")
    var messages: String

    @Option(name: .long, help: "JSON array of OpenAI-style tools ('-' reads stdin).")
    var tools: String?

    @Flag(name: .long, help: "Do not open an assistant turn at the end.")
    var noGenerationPrompt = false

    @Option(name: .long, help: "Extra template variable as NAME=JSON (e.g. enable_thinking=false); repeatable.")
    var set: [String] = []

    @Option(name: .long, help: "Also time N renders (after parsing once) and print the figures to stderr.")
    var benchmark: Int?

    @Option(name: .long, help: "The bos_token the template sees (default: from the model, if known).")
    var bosToken: String?

    @Option(name: .long, help: "The eos_token the template sees (default: from the model, if known).")
    var eosToken: String?

    func validate() throws {
        if (model == nil) == (file == nil) { throw ValidationError("give exactly one of -m MODEL or --file TEMPLATE") }
        if messages == "-" && tools == "-" { throw ValidationError("only one of --messages and --tools can read stdin") }
    }

    func run() throws {
        var template = try loadTemplate()
        if let bosToken { template.bosToken = bosToken }
        if let eosToken { template.eosToken = eosToken }
        let messageList = try readArray(messages, what: "messages")
        let toolList = try tools.map { try readArray($0, what: "tools") }
        var variables = OrderedDictionary<String, JSONValue>()
        for assignment in set {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--set expects NAME=JSON, got '\(assignment)'")
            }
            let text = String(assignment[assignment.index(after: equals)...])
            do {
                variables[String(assignment[..<equals])] = try JSONValue(parsing: text)
            } catch {
                throw ValidationError("--set \(assignment): \(error)")
            }
        }
        let prompt = try template.render(messages: messageList, tools: toolList, addGenerationPrompt: !noGenerationPrompt,
                                         variables: variables)
        FileHandle.standardOutput.write(Data(prompt.utf8))
        if let benchmark, benchmark > 0 {
            try time(template, renders: benchmark, messages: messageList, tools: toolList, variables: variables,
                     promptBytes: prompt.utf8.count)
        }
    }

    private func time(_ template: ChatTemplate, renders: Int, messages: [JSONValue], tools: [JSONValue]?,
                      variables: OrderedDictionary<String, JSONValue>, promptBytes: Int) throws {
        let clock = ContinuousClock()
        let parses = max(1, renders / 10)
        let parseStart = clock.now
        for _ in 0..<parses { _ = try ChatTemplate(source: template.source) }
        let parseTime = (clock.now - parseStart) / parses
        var samples: [Duration] = []
        samples.reserveCapacity(renders)
        let cpuStart = Self.threadCPUTime()
        for _ in 0..<renders {
            let start = clock.now
            _ = try template.render(messages: messages, tools: tools, addGenerationPrompt: !noGenerationPrompt,
                                    variables: variables)
            samples.append(clock.now - start)
        }
        // CPU time of this thread: on a shared, loaded machine it is the steadier figure.
        let cpuPerRender = (Self.threadCPUTime() - cpuStart) / Double(renders)
        samples.sort()
        func microseconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.1f", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
        }
        let report = "parse: \(microseconds(parseTime)) us; render (\(messages.count) messages, \(tools?.count ?? 0) tools, "
            + "\(promptBytes) bytes out), \(renders) runs: CPU \(String(format: "%.1f", cpuPerRender * 1e6)) us/render; "
            + "wall min \(microseconds(samples[0])) us, median \(microseconds(samples[renders / 2])) us, "
            + "p90 \(microseconds(samples[renders * 9 / 10])) us\n"
        FileHandle.standardError.write(Data(report.utf8))
    }

    private static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func loadTemplate() throws -> ChatTemplate {
        let preferToolUse = tools != nil
        if let file { return try ChatTemplate(contentsOf: URL(fileURLWithPath: file), preferToolUse: preferToolUse) }
        let path = model ?? ""
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such model: \(path)")
        }
        if isDirectory.boolValue {
            let folder = URL(fileURLWithPath: path)
            for name in ["chat_template.jinja", "chat_template.json", "tokenizer_config.json"] {
                let candidate = folder.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: candidate.path) {
                    return try ChatTemplate(contentsOf: candidate, preferToolUse: preferToolUse)
                }
            }
            throw ValidationError("\(path) has no chat_template.jinja, chat_template.json or tokenizer_config.json")
        }
        let gguf = try GGUFFile(path: path)
        guard let source = gguf.metadata.string("tokenizer.chat_template") else {
            throw ValidationError("\(path) has no tokenizer.chat_template")
        }
        let tokens = gguf.metadata.stringArray("tokenizer.ggml.tokens") ?? []
        func token(_ key: String) -> String? {
            gguf.metadata.integer(key).flatMap { tokens.indices.contains($0) ? tokens[$0] : nil }
        }
        return try ChatTemplate(source: source, bosToken: token("tokenizer.ggml.bos_token_id"),
                                eosToken: token("tokenizer.ggml.eos_token_id"))
    }

    private func readArray(_ path: String, what: String) throws -> [JSONValue] {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        let json: JSONValue
        do {
            json = try JSONValue(parsing: Array(data))
        } catch {
            throw ValidationError("\(what) (\(path)): \(error)")
        }
        guard case .array(let items) = json else { throw ValidationError("\(what) (\(path)) must be a JSON array") }
        return items
    }
}
