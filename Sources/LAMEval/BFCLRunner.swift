import Foundation
import LAMJSON

/// Where a run is, for progress display.
public struct BFCLProgress: Sendable {
    public var category: BFCLCategory
    public var done: Int
    public var total: Int
    public var overallDone: Int
    public var overallTotal: Int
    /// How many of the entries done so far were answered by an earlier run's result file.
    public var kept: Int
    public var lastLatency: Double
}

/// Runs a backend over BFCL entries, writes BFCL result files as it goes (one line per answered entry, so
/// an interrupted run keeps what it did), scores them and writes score files and the report. As BFCL's
/// generator does, entries already answered in the result files are not generated again unless `overwrite`.
public struct BFCLRunner: Sendable {
    public var backend: any BFCLBackend
    public var dataset: BFCLDataset
    public var categories: [BFCLCategory]
    /// At most this many entries per category (the first ones, in file order).
    public var limit: Int?
    public var layout: BFCLOutputLayout
    public var constrained: Bool
    /// How prompts are built; nil: as the backend prefers.
    public var promptStyle: BFCLPromptStyle?
    /// The most tokens a reply may have (BFCL asks for 4096; a lower cap bounds the time a looping model takes).
    public var maxNewTokens: Int
    /// Start each result file afresh instead of keeping the answers it holds (BFCL's `--allow-overwrite`).
    public var overwrite: Bool

    public init(
        backend: any BFCLBackend, dataset: BFCLDataset, categories: [BFCLCategory], limit: Int?, output: URL,
        constrained: Bool = false, promptStyle: BFCLPromptStyle? = nil, maxNewTokens: Int = 4096, overwrite: Bool = false
    ) {
        self.backend = backend
        self.dataset = dataset
        self.categories = categories
        self.limit = limit
        self.layout = BFCLOutputLayout(root: output, modelName: backend.modelName)
        self.constrained = constrained
        self.promptStyle = promptStyle
        self.maxNewTokens = maxNewTokens
        self.overwrite = overwrite
    }

    public func run(progress: @Sendable (BFCLProgress) -> Void = { _ in }) async throws -> BFCLReport {
        let work = try categories.map { category in
            let entries = try dataset.entries(category)
            return (category, limit.map { Array(entries.prefix($0)) } ?? entries)
        }
        let overallTotal = work.reduce(0) { $0 + $1.1.count }
        var overallDone = 0
        var kept = 0
        let evaluator = BFCLEvaluator(dataset: dataset)
        var scores: [BFCLCategoryScore] = []

        for (category, entries) in work {
            let file = try BFCLResultFileWriter(url: layout.resultFile(category), keepExisting: !overwrite)
            defer { file.close() }

            var lines: [BFCLResultLine] = []
            for (index, entry) in entries.enumerated() {
                let line: BFCLResultLine
                if let earlier = file.kept[entry.id] {
                    line = earlier
                    kept += 1
                } else {
                    var request = BFCLGenerationRequest.forEntry(entry, style: promptStyle ?? backend.promptStyle, constrained: constrained)
                    request.maxNewTokens = maxNewTokens
                    let generation = try await backend.generate(request)
                    line = BFCLResultLine(
                        id: entry.id, result: generation.text, inputTokenCount: generation.inputTokens,
                        outputTokenCount: generation.outputTokens, latency: generation.latency, decodeTime: generation.decodeTime)
                    try file.append(line)
                }
                lines.append(line)
                overallDone += 1
                progress(BFCLProgress(category: category, done: index + 1, total: entries.count, overallDone: overallDone,
                                      overallTotal: overallTotal, kept: kept, lastLatency: line.latency ?? 0))
            }
            let score = try evaluator.score(category, lines: lines)
            try BFCLOutputLayout.write(score.scoreFileLines, to: layout.scoreFile(category))
            scores.append(score)
        }
        let report = BFCLReport(model: backend.modelName, categories: scores)
        try Self.writeReport(report, to: layout)
        return report
    }

    /// `report.json` and `report.txt` at the top of the output folder.
    public static func writeReport(_ report: BFCLReport, to layout: BFCLOutputLayout) throws {
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        try Data((report.json.pythonJSON(indent: 2) + "\n").utf8).write(to: layout.reportJSON, options: .atomic)
        try Data(report.text.utf8).write(to: layout.reportText, options: .atomic)
    }
}

extension BFCLCategory {
    /// Parses `--categories` words: category names, or the groups `all`, `non_live`, `live`,
    /// `simple`, `ast`, `relevance`.
    public static func parseList(_ words: [String]) throws -> [BFCLCategory] {
        var chosen: [BFCLCategory] = []
        for word in words.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) where !word.isEmpty {
            let group: [BFCLCategory]
            switch word {
            case "all": group = allCases
            case "non_live": group = allCases.filter { !$0.isLive }
            case "live": group = allCases.filter(\.isLive)
            case "simple": group = [.simplePython, .simpleJava, .simpleJavaScript]
            case "ast": group = allCases.filter { $0.scoring == .ast }
            case "relevance": group = allCases.filter { $0.scoring != .ast }
            default:
                guard let category = BFCLCategory(rawValue: word) else {
                    throw BFCLCheckerError("unknown BFCL category '\(word)'; known: \(allCases.map(\.rawValue).joined(separator: ", ")), or all, non_live, live, simple, ast, relevance")
                }
                group = [category]
            }
            for category in group where !chosen.contains(category) { chosen.append(category) }
        }
        return chosen
    }
}
