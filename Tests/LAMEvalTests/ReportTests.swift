import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// Per-category accuracy and the summary rows must be what BFCL's own aggregation functions give for the
/// same verdicts (Tests/Golden/bfcl/aggregation.json, from eval_runner_helper, over the first answer of
/// each CI entry).
@Suite struct ReportTests {
    @Test func summariesMatchBFCLAggregation() throws {
        let golden = try JSONValue(parsing: String(decoding: try Golden.data("bfcl/aggregation.json"), as: UTF8.self))
        let evaluator = BFCLEvaluator(dataset: BFCLDataset(directory: Golden.url("bfcl")))
        var scores: [BFCLCategoryScore] = []
        for category in BFCLCategory.allCases {
            var seen = Set<String>()
            let lines = try BFCLDataset.readJSONLines(Golden.url("bfcl/results/\(category.resultFileName)"))
                .map(BFCLResultLine.init(json:)).filter { seen.insert($0.id).inserted }
            scores.append(try evaluator.score(category, lines: lines))
        }
        let report = BFCLReport(model: "ci", categories: scores)

        for score in scores {
            let expected = try #require(golden["categories"]?[score.category.rawValue])
            #expect(score.accuracy == expected["accuracy"]?.doubleValue, "\(score.category)")
            #expect(score.total == expected["total_count"]?.integerValue)
        }
        let summaries = report.summaries
        #expect(summaries.count == golden["summary"]?.objectValue?.count)
        for summary in summaries {
            let expected = try #require(golden["summary"]?[summary.name], "no official \(summary.name)")
            let accuracy = try #require(expected["accuracy"]?.doubleValue)
            #expect(abs(summary.accuracy - accuracy) < 1e-12, "\(summary.name)")
            #expect(summary.total == expected["total"]?.integerValue, "\(summary.name)")
        }
        #expect(report.text.contains("non-live overall"))
        #expect(report.json["summary"]?["live overall"]?["total"]?.integerValue == 88)
    }

    @Test func summariesNeedAllTheirParts() throws {
        let evaluator = BFCLEvaluator(dataset: BFCLDataset(directory: Golden.url("bfcl")))
        let lines = try BFCLDataset.readJSONLines(Golden.url("bfcl/results/BFCL_v4_simple_python_result.json")).map(BFCLResultLine.init(json:))
        let report = BFCLReport(model: "partial", categories: [try evaluator.score(.simplePython, lines: lines)])
        #expect(report.summaries.isEmpty)
    }
}
