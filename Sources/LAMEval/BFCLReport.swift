import Foundation
import LAMJSON

/// One scored answer.
public struct BFCLScoredEntry: Sendable {
    public var line: BFCLResultLine
    public var verdict: BFCLVerdict
}

/// A category's score and speed figures.
public struct BFCLCategoryScore: Sendable {
    public var category: BFCLCategory
    public var entries: [BFCLScoredEntry]

    public init(category: BFCLCategory, entries: [BFCLScoredEntry]) {
        self.category = category
        self.entries = entries
    }

    public var total: Int { entries.count }
    public var correct: Int { entries.count { $0.verdict.valid } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Mean latency per entry, seconds (nil when the results carry none).
    public var meanLatency: Double? {
        let values = entries.compactMap(\.line.latency)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Output tokens per second of wall time, over the entries that report both.
    public var tokensPerSecond: Double? {
        let timed = entries.filter { $0.line.latency != nil && $0.line.outputTokenCount != nil }
        let seconds = timed.reduce(0) { $0 + ($1.line.latency ?? 0) }
        let tokens = timed.reduce(0) { $0 + ($1.line.outputTokenCount ?? 0) }
        return seconds > 0 ? Double(tokens) / seconds : nil
    }

    /// Output tokens per second of decoding (the tokens after each reply's first, over the time they took),
    /// when the backend timed its decode steps.
    public var decodeTokensPerSecond: Double? {
        let timed = entries.filter { $0.line.decodeTime != nil && ($0.line.outputTokenCount ?? 0) > 1 }
        let seconds = timed.reduce(0) { $0 + ($1.line.decodeTime ?? 0) }
        let tokens = timed.reduce(0) { $0 + ($1.line.outputTokenCount ?? 1) - 1 }
        return seconds > 0 ? Double(tokens) / seconds : nil
    }

    /// How many answers failed with each BFCL error type.
    public var errorCounts: [(String, Int)] {
        var counts: [String: Int] = [:]
        for entry in entries where !entry.verdict.valid { counts[entry.verdict.errorType ?? "unknown", default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }

    /// BFCL's score file: a header line with the accuracy, then one line per failed entry.
    public var scoreFileLines: [JSONValue] {
        var lines: [JSONValue] = [["accuracy": .double(accuracy), "correct_count": .integer(correct), "total_count": .integer(total)]]
        for entry in entries where !entry.verdict.valid {
            lines.append([
                "id": .string(entry.line.id), "test_category": .string(category.rawValue), "valid": false,
                "error": .array([.string(entry.verdict.message ?? "")]), "error_type": .string(entry.verdict.errorType ?? ""),
                "model_result_raw": .string(entry.line.result),
            ])
        }
        return lines
    }
}

/// Per-category accuracy and BFCL's summary rows, computed as BFCL's leaderboard does: non-live simple is the
/// unweighted mean of its three languages, non-live overall the unweighted mean of simple, multiple,
/// parallel and parallel-multiple; live overall weights its four AST categories by entry count; irrelevance
/// is the unweighted mean of its non-live and live categories. A summary is given only when all its parts ran.
public struct BFCLReport: Sendable {
    public var model: String
    public var categories: [BFCLCategoryScore]

    public init(model: String, categories: [BFCLCategoryScore]) {
        self.model = model
        self.categories = categories
    }

    public struct Summary: Sendable {
        public var name: String
        public var accuracy: Double
        public var total: Int
    }

    private func score(_ category: BFCLCategory) -> BFCLCategoryScore? {
        categories.first { $0.category == category && $0.total > 0 }
    }

    private func unweighted(_ name: String, _ parts: [(accuracy: Double, total: Int)?]) -> Summary? {
        let present = parts.compactMap { $0 }
        guard present.count == parts.count, !present.isEmpty else { return nil }
        return Summary(name: name, accuracy: present.map(\.accuracy).reduce(0, +) / Double(present.count), total: present.map(\.total).reduce(0, +))
    }

    private func weighted(_ name: String, _ parts: [BFCLCategoryScore?]) -> Summary? {
        let present = parts.compactMap { $0 }
        guard present.count == parts.count else { return nil }
        let total = present.map(\.total).reduce(0, +)
        return Summary(name: name, accuracy: Double(present.map(\.correct).reduce(0, +)) / Double(total), total: total)
    }

    private func part(_ category: BFCLCategory) -> (accuracy: Double, total: Int)? {
        score(category).map { ($0.accuracy, $0.total) }
    }

    public var summaries: [Summary] {
        let simple = unweighted("non-live simple", [part(.simplePython), part(.simpleJava), part(.simpleJavaScript)])
        let nonLive = unweighted("non-live overall", [simple.map { ($0.accuracy, $0.total) }, part(.multiple), part(.parallel), part(.parallelMultiple)])
        let live = weighted("live overall", [score(.liveSimple), score(.liveMultiple), score(.liveParallel), score(.liveParallelMultiple)])
        let irrelevance = unweighted("irrelevance (non-live + live)", [part(.irrelevance), part(.liveIrrelevance)])
        let relevance = score(.liveRelevance).map { Summary(name: "relevance (live)", accuracy: $0.accuracy, total: $0.total) }
        return [simple, nonLive, live, irrelevance, relevance].compactMap { $0 }
    }

    public var json: JSONValue {
        var perCategory = JSONObject()
        for score in categories {
            var row: JSONObject = ["accuracy": .double(score.accuracy), "correct": .integer(score.correct), "total": .integer(score.total)]
            if let latency = score.meanLatency { row["mean_latency_s"] = .double(latency) }
            if let rate = score.tokensPerSecond { row["output_tokens_per_s"] = .double(rate) }
            if let rate = score.decodeTokensPerSecond { row["decode_tokens_per_s"] = .double(rate) }
            row["errors"] = .object(JSONObject(uniqueKeysWithValues: score.errorCounts.map { ($0.0, JSONValue.integer($0.1)) }))
            perCategory[score.category.rawValue] = .object(row)
        }
        var summary = JSONObject()
        for row in summaries { summary[row.name] = ["accuracy": .double(row.accuracy), "total": .integer(row.total)] }
        return ["model": .string(model), "categories": .object(perCategory), "summary": .object(summary)]
    }

    public var text: String {
        var rows: [[String]] = [["category", "accuracy", "correct/total", "latency/entry", "tokens/s", "decode tok/s"]]
        for score in categories {
            rows.append([
                score.category.rawValue, Self.percent(score.accuracy), "\(score.correct)/\(score.total)",
                score.meanLatency.map { Self.fixed($0, 2) + " s" } ?? "-", score.tokensPerSecond.map { Self.fixed($0, 1) } ?? "-",
                score.decodeTokensPerSecond.map { Self.fixed($0, 1) } ?? "-",
            ])
        }
        for summary in summaries {
            rows.append([summary.name, Self.percent(summary.accuracy), "\(summary.total)", "", "", ""])
        }
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["BFCL (single-turn) — \(model)"]
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            lines.append(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if index == 0 || index == categories.count {
                lines.append(String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func percent(_ value: Double) -> String { fixed(value * 100, 2) + "%" }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

/// Scores result files: the same verdicts as BFCL's checker, over whatever entries the files hold.
public struct BFCLEvaluator: Sendable {
    public var dataset: BFCLDataset
    public var scorer: BFCLScorer

    public init(dataset: BFCLDataset, scorer: BFCLScorer = BFCLScorer()) {
        self.dataset = dataset
        self.scorer = scorer
    }

    public func score(_ category: BFCLCategory, lines: [BFCLResultLine]) throws -> BFCLCategoryScore {
        let entries = Dictionary(uniqueKeysWithValues: try dataset.entries(category).map { ($0.id, $0) })
        let answers = try dataset.possibleAnswers(category)
        let scored = try lines.map { line in
            guard let entry = entries[line.id] else {
                throw BFCLDataError.badLine(file: category.resultFileName, line: 0, reason: "unknown entry id \(line.id)")
            }
            let verdict: BFCLVerdict
            do {
                verdict = try scorer.score(line.result, entry: entry, possibleAnswer: answers[line.id])
            } catch {
                verdict = .wrong("checker_error", "\(error)")
            }
            return BFCLScoredEntry(line: line, verdict: verdict)
        }
        return BFCLCategoryScore(category: category, entries: scored)
    }
}
