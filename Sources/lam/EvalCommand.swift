import ArgumentParser
import Foundation
import LAMEngine
import LAMEval

/// `lam eval …`: accuracy benchmarks.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model's function-calling accuracy.",
        subcommands: [BFCLCommand.self]
    )
}

/// `lam eval bfcl`: BFCL's single-turn categories, scored exactly as BFCL's own checker scores them.
struct BFCLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bfcl",
        abstract: "Run the Berkeley Function-Calling Leaderboard's single-turn categories and score them.",
        discussion: """
            Reads the data of the bfcl-eval package (scripts/fetch-bfcl puts it in ~/.cache/swiftlam/bfcl), prompts \
            the model as BFCL's handler for it does (xLAM-2: the Salesforce handler's prompt; others: their chat \
            template with tools), writes BFCL result files under OUT/result/MODEL/ (the official bfcl-eval checker \
            can score them), scores them with a Swift port of BFCL's AST checker, and prints a per-category table \
            (also OUT/report.json and OUT/report.txt).

            A local model runs in this process, greedily; --constrained restricts each reply to plain text or a \
            list of calls to the entry's functions with schema-valid arguments. With --endpoint URL --model NAME the \
            entries go to an OpenAI-compatible server instead (lam serve, vLLM, llama.cpp): raw xLAM prompts to \
            /v1/completions, chat-template requests to /v1/chat/completions with the tools.

            Entries already answered in OUT's result files (an interrupted run, or one with a smaller --limit) \
            are kept and not generated again, as BFCL's own generator does; --allow-overwrite starts afresh.

            With --results DIR, no model runs: the BFCL result files under DIR (any folder depth, named \
            BFCL_v4_<category>_result.json, from this tool or from BFCL's own generator) are scored instead.
            """
    )

    @Option(name: [.short, .customLong("model")], help: "A GGUF file or Hugging Face folder; with --endpoint, the served model's name.")
    var model: String?

    @Option(help: "An OpenAI-compatible endpoint (e.g. http://localhost:8080/v1) instead of a local model.")
    var endpoint: String?

    @Option(help: "With --endpoint: the API key, sent as a bearer token (default: $OPENAI_API_KEY when set).")
    var apiKey: String?

    @Option(help: "The most tokens per reply (BFCL asks for 4096; a lower cap bounds the time a looping model takes).")
    var maxTokens = 4096

    @Option(help: "With a local model: the context size in tokens (default: the model's).")
    var context: Int?

    @Option(parsing: .upToNextOption, help: "Categories or groups (all, non_live, live, simple, ast, relevance); default all.")
    var categories: [String] = ["all"]

    @Option(help: "At most N entries per category (the first ones).")
    var limit: Int?

    @Option(help: "Output folder.")
    var out: String = "bfcl-results"

    @Option(help: "Prompt style: xlam (BFCL's Salesforce handler) or chat-template (the model's own template with tools); default: xlam for xLAM-2 models, else chat-template.")
    var promptStyle: String?

    @Flag(help: "Constrain decoding to a JSON list of calls to the offered tools.")
    var constrained = false

    @Flag(name: [.customShort("o"), .long], help: "Generate every entry again instead of keeping the answers already in OUT's result files.")
    var allowOverwrite = false

    @Option(help: "Score existing BFCL result files under this folder instead of running a model.")
    var results: String?

    @Option(help: "The BFCL data folder (default: $SWIFTLAM_BFCL_DATA or ~/.cache/swiftlam/bfcl/wheel/bfcl_eval/data).")
    var data: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        if maxTokens <= 0 { throw ValidationError("--max-tokens must be positive") }
        if let context, context <= 0 { throw ValidationError("--context must be positive") }
        if endpoint != nil && constrained {
            throw ValidationError("--constrained applies to a local model; a server decodes as it is configured to")
        }
        if let endpoint, URL(string: endpoint)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--endpoint must be an http(s) URL, e.g. http://localhost:8080/v1")
        }
        if results == nil && model == nil { throw ValidationError("give -m MODEL (with --endpoint URL for a served model), or --results DIR") }
        if endpoint != nil && model == nil { throw ValidationError("--endpoint needs --model NAME, the served model's name") }
        if let promptStyle, BFCLPromptStyle(rawValue: promptStyle) == nil {
            throw ValidationError("--prompt-style must be one of \(BFCLPromptStyle.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try BFCLCategory.parseList(categories)
    }

    func run() async throws {
        let dataset = BFCLDataset(directory: data.map { URL(fileURLWithPath: $0) } ?? BFCLDataset.defaultDirectory)
        let chosen = try BFCLCategory.parseList(categories)
        let report: BFCLReport
        if let results {
            report = try scoreExisting(URL(fileURLWithPath: results), dataset: dataset, categories: chosen)
        } else {
            let backend = try makeBackend()
            let runner = BFCLRunner(backend: backend, dataset: dataset, categories: chosen, limit: limit,
                                    output: URL(fileURLWithPath: out), constrained: constrained,
                                    promptStyle: promptStyle.flatMap(BFCLPromptStyle.init(rawValue:)),
                                    maxNewTokens: maxTokens, overwrite: allowOverwrite)
            let bar = ProgressBar()
            report = try await runner.run { bar.show($0) }
            bar.finish()
        }
        print(json ? report.json.pythonJSON(indent: 2) : report.text, terminator: json ? "\n" : "")
    }

    /// The model to run: the served one with --endpoint, else the file loaded here.
    func makeBackend() throws -> any BFCLBackend {
        guard let model else { throw ValidationError("give -m MODEL") }
        let style = promptStyle.flatMap(BFCLPromptStyle.init(rawValue:))
        if let endpoint, let url = URL(string: endpoint) {
            return BFCLEndpointBackend(
                baseURL: url, model: model, apiKey: apiKey ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"],
                promptStyle: style ?? .chatTemplate)
        }
        let engine = Engine(model: try LoadedModel.load(path: model), contextSize: context)
        return BFCLEngineBackend(engine: engine, promptStyle: style)
    }

    private func scoreExisting(_ folder: URL, dataset: BFCLDataset, categories: [BFCLCategory]) throws -> BFCLReport {
        let report = try BFCLResultFolder(root: folder).score(categories, evaluator: BFCLEvaluator(dataset: dataset), limit: limit)
        guard !report.categories.isEmpty else {
            throw ValidationError("no BFCL result files (BFCL_v4_<category>_result.json) for the chosen categories under \(folder.path)")
        }
        let layout = BFCLOutputLayout(root: URL(fileURLWithPath: out), modelName: report.model)
        for score in report.categories { try BFCLOutputLayout.write(score.scoreFileLines, to: layout.scoreFile(score.category)) }
        try BFCLRunner.writeReport(report, to: layout)
        return report
    }
}

/// A one-line progress bar on standard error, redrawn in place.
final class ProgressBar: Sendable {
    private let start = Date()

    func show(_ progress: BFCLProgress) {
        let width = 30
        let filled = progress.overallTotal == 0 ? width : width * progress.overallDone / progress.overallTotal
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        // Kept answers cost nothing: the time left follows the entries generated in this run.
        let generated = progress.overallDone - progress.kept
        let remaining = generated == 0 ? 0 : elapsed / Double(generated) * Double(progress.overallTotal - progress.overallDone)
        let keptNote = progress.kept == 0 ? "" : "(\(progress.kept) kept) "
        let line = "\r[\(bar)] \(progress.overallDone)/\(progress.overallTotal) \(keptNote) \(progress.category.rawValue) \(progress.done)/\(progress.total)  "
            + String(format: "%.2f s/entry, ~%.0f s left ", progress.lastLatency, remaining)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
