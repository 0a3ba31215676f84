import ArgumentParser
import Foundation
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

            With --results DIR, no model runs: the BFCL result files under DIR (any folder depth, named \
            BFCL_v4_<category>_result.json, from this tool or from BFCL's own generator) are scored instead.
            """
    )

    @Option(name: [.short, .customLong("model")], help: "A GGUF file or Hugging Face folder; with --endpoint, the served model's name.")
    var model: String?

    @Option(help: "An OpenAI-compatible endpoint (e.g. http://localhost:8080/v1) instead of a local model.")
    var endpoint: String?

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

    @Option(help: "Score existing BFCL result files under this folder instead of running a model.")
    var results: String?

    @Option(help: "The BFCL data folder (default: $SWIFTLAM_BFCL_DATA or ~/.cache/swiftlam/bfcl/wheel/bfcl_eval/data).")
    var data: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
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
                                    promptStyle: promptStyle.flatMap(BFCLPromptStyle.init(rawValue:)))
            let bar = ProgressBar()
            report = try await runner.run { bar.show($0) }
            bar.finish()
        }
        print(json ? report.json.pythonJSON(indent: 2) : report.text, terminator: json ? "\n" : "")
    }

    /// The model to run. The in-process engine and the OpenAI-endpoint client plug in here.
    func makeBackend() throws -> any BFCLBackend {
        throw BackendUnavailable()
    }

    struct BackendUnavailable: Error, CustomStringConvertible {
        var description: String {
            "running a model is not available yet in this build (the engine and endpoint backends for "
                + "`lam eval bfcl` land with the runtime). Score existing BFCL result files with --results DIR."
        }
    }

    private func scoreExisting(_ folder: URL, dataset: BFCLDataset, categories: [BFCLCategory]) throws -> BFCLReport {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        let evaluator = BFCLEvaluator(dataset: dataset)
        var scores: [BFCLCategoryScore] = []
        for category in categories {
            guard let file = files.first(where: { $0.lastPathComponent == category.resultFileName }) else { continue }
            let lines = try BFCLDataset.readJSONLines(file).map(BFCLResultLine.init(json:))
            let entries = limit.map { Array(lines.prefix($0)) } ?? lines
            scores.append(try evaluator.score(category, lines: entries))
        }
        guard !scores.isEmpty else {
            throw ValidationError("no BFCL result files (BFCL_v4_<category>_result.json) for the chosen categories under \(folder.path)")
        }
        let report = BFCLReport(model: folder.lastPathComponent, categories: scores)
        let layout = BFCLOutputLayout(root: URL(fileURLWithPath: out), modelName: report.model)
        for score in scores { try BFCLOutputLayout.write(score.scoreFileLines, to: layout.scoreFile(score.category)) }
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
        let remaining = progress.overallDone == 0 ? 0 : elapsed / Double(progress.overallDone) * Double(progress.overallTotal - progress.overallDone)
        let line = "\r[\(bar)] \(progress.overallDone)/\(progress.overallTotal)  \(progress.category.rawValue) \(progress.done)/\(progress.total)  "
            + String(format: "%.2f s/entry, ~%.0f s left ", progress.lastLatency, remaining)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
