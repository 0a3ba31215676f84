import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// The Swift checker must give the official bfcl-eval checker's verdict on every answer: same validity and
/// same BFCL error type. The answers are seeded mutations of the possible answers
/// (scripts/golden/bfcl_agreement.py), scored by the official checker when they were written.
@Suite struct CheckerAgreementTests {
    struct Disagreement: CustomStringConvertible {
        var id, variant, result: String
        var official, ours: String
        var description: String { "\(id) [\(variant)] official \(official), ours \(ours): \(result.prefix(300))" }
    }

    /// Scores every answer of `results/` against the data in `dataDirectory`; returns the disagreements
    /// and the number of answers compared.
    static func compare(category: BFCLCategory, dataDirectory: URL, resultsDirectory: URL) throws -> (disagreements: [Disagreement], count: Int) {
        let dataset = BFCLDataset(directory: dataDirectory)
        let entries = Dictionary(uniqueKeysWithValues: try dataset.entries(category).map { ($0.id, $0) })
        let answers = try dataset.possibleAnswers(category)
        let lines = try BFCLDataset.readJSONLines(resultsDirectory.appendingPathComponent(category.resultFileName))
        let scorer = BFCLScorer()
        var disagreements: [Disagreement] = []
        for line in lines {
            let id = try #require(line["id"]?.stringValue)
            let text = try #require(line["result"]?.stringValue)
            let entry = try #require(entries[id], "no data entry \(id)")
            let official = try #require(line["official"])
            let officialVerdict = "\(official["valid"]?.boolValue == true ? "valid" : "invalid") \(official["error_type"]?.stringValue ?? "-")"
            let ours: String
            do {
                let verdict = try scorer.score(text, entry: entry, possibleAnswer: answers[id])
                ours = "\(verdict.valid ? "valid" : "invalid") \(verdict.errorType ?? "-")"
            } catch {
                ours = "error \(error)"
            }
            if ours != officialVerdict {
                disagreements.append(Disagreement(id: id, variant: line["variant"]?.stringValue ?? "?", result: text, official: officialVerdict, ours: ours))
            }
        }
        return (disagreements, lines.count)
    }

    @Test(arguments: BFCLCategory.allCases)
    func ciSubsetAgrees(category: BFCLCategory) throws {
        let (disagreements, count) = try Self.compare(
            category: category, dataDirectory: Golden.url("bfcl"), resultsDirectory: Golden.url("bfcl/results"))
        #expect(count >= 64, "too few answers for \(category)")
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(count) disagree:\n\(disagreements.prefix(20).map(\.description).joined(separator: "\n"))")
    }

    /// Every entry of every category: `scripts/check-bfcl-agreement` (sets SWIFTLAM_BFCL_FULL=1 after writing
    /// ~/.cache/swiftlam/bfcl/agreement with the official checker).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLAM_BFCL_FULL"] == "1"), arguments: BFCLCategory.allCases)
    func fullSetAgrees(category: BFCLCategory) throws {
        let home = FileManager.default.homeDirectoryForCurrentUser
        let (disagreements, count) = try Self.compare(
            category: category, dataDirectory: BFCLDataset.defaultDirectory,
            resultsDirectory: home.appendingPathComponent(".cache/swiftlam/bfcl/agreement/results"))
        print("BFCL agreement \(category.rawValue): \(count - disagreements.count)/\(count)")
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(count) disagree:\n\(disagreements.prefix(20).map(\.description).joined(separator: "\n"))")
    }
}
