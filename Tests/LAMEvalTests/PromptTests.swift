import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// The xLAM prompt must be byte for byte what BFCL's Salesforce handler sends (its `_format_prompt` over
/// the entry's functions with BFCL's language hints), as recorded in Tests/Golden/bfcl/prompts.json.
@Suite struct PromptTests {
    @Test func xlamPromptsMatchTheOfficialHandler() throws {
        let expected = try BFCLDataset.readJSONLines(Golden.url("bfcl/prompts.json"))
        #expect(expected.count >= 20)
        let dataset = BFCLDataset(directory: Golden.url("bfcl"))
        for row in expected {
            let id = try #require(row["id"]?.stringValue)
            let category = try #require(BFCLCategory.of(entryID: id), "category of \(id)")
            let entry = try #require(try dataset.entries(category).first { $0.id == id })
            let functions = BFCLPrompt.functionsWithLanguageHints(entry.functions, category: category)
            let prompt = BFCLPrompt.xlam(messages: entry.messages, functions: functions)
            #expect(prompt == row["prompt"]?.stringValue, "prompt of \(id) differs")
        }
    }

    @Test func categoryOfEntryIDs() {
        #expect(BFCLCategory.of(entryID: "live_parallel_multiple_3-2-1") == .liveParallelMultiple)
        #expect(BFCLCategory.of(entryID: "simple_python_12") == .simplePython)
        #expect(BFCLCategory.of(entryID: "parallel_7") == .parallel)
        #expect(BFCLCategory.of(entryID: "nonsense") == nil)
    }
}
