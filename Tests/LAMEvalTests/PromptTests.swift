import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// The xLAM prompt must be byte for byte what BFCL's Salesforce handler sends (its `_format_prompt` over
/// the entry's functions with BFCL's language hints), as recorded in Tests/Golden/bfcl/prompts.json.
@Suite struct PromptTests {
    @Test func xlamPromptsMatchTheOfficialHandler() throws {
        let count = try Self.comparePrompts(Golden.url("bfcl/prompts.json"), dataset: BFCLDataset(directory: Golden.url("bfcl")))
        #expect(count >= 30)
    }

    /// Every entry of every category (scripts/check-bfcl-agreement writes the official prompts first).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLAM_BFCL_FULL"] == "1"))
    func fullPromptsMatch() throws {
        let file = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swiftlam/bfcl/agreement/prompts.json")
        let count = try Self.comparePrompts(file, dataset: BFCLDataset(directory: BFCLDataset.defaultDirectory))
        print("BFCL prompts compared: \(count)")
        #expect(count > 3000)
    }

    static func comparePrompts(_ file: URL, dataset: BFCLDataset) throws -> Int {
        let expected = try BFCLDataset.readJSONLines(file)
        var entriesByCategory: [BFCLCategory: [String: BFCLEntry]] = [:]
        for row in expected {
            let id = try #require(row["id"]?.stringValue)
            let category = try #require(BFCLCategory.of(entryID: id), "category of \(id)")
            if entriesByCategory[category] == nil {
                entriesByCategory[category] = Dictionary(uniqueKeysWithValues: try dataset.entries(category).map { ($0.id, $0) })
            }
            let entry = try #require(entriesByCategory[category]?[id])
            guard case .raw(let prompt) = BFCLGenerationRequest.forEntry(entry, style: .xlam).prompt else {
                Issue.record("xlam style must give a raw prompt")
                continue
            }
            #expect(prompt == row["prompt"]?.stringValue, "prompt of \(id) differs")
        }
        return expected.count
    }

    @Test func categoryOfEntryIDs() {
        #expect(BFCLCategory.of(entryID: "live_parallel_multiple_3-2-1") == .liveParallelMultiple)
        #expect(BFCLCategory.of(entryID: "simple_python_12") == .simplePython)
        #expect(BFCLCategory.of(entryID: "parallel_7") == .parallel)
        #expect(BFCLCategory.of(entryID: "nonsense") == nil)
    }
}
