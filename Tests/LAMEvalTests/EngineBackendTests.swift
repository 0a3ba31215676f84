import Foundation
import LAMEngine
import LAMEval
import LAMJSON
import LAMTestSupport
import Testing

/// The in-process backend on the 0.5B test model, over a few BFCL entries (kept short: each entry is a
/// real prompt evaluation and a greedy reply of up to 96 tokens).
@Suite(.serialized) struct EngineBackendTests {
    static let loaded = Result { try LoadedModel.load(path: TestModel.qwen05b.path()) }
    static let dataset = BFCLDataset(directory: Golden.url("bfcl"))

    static func backend() throws -> BFCLEngineBackend {
        BFCLEngineBackend(engine: Engine(model: try loaded.get(), contextSize: 4096))
    }

    /// BFCL's xLAM prompt is text with the chat markers in it: they must become the special tokens, exactly
    /// as many as the text spells, and the tokens must decode back to the text.
    @Test func rawPromptsEncodeTheirSpecialTokens() throws {
        let model = try Self.loaded.get()
        let entry = try #require(try Self.dataset.entries(.simplePython).first)
        guard case .raw(let text) = BFCLGenerationRequest.forEntry(entry, style: .xlam).prompt else {
            Issue.record("expected a raw prompt")
            return
        }
        let prompt = Prompt(rawText: text, tokenizer: model.tokenizer)
        let marker = model.tokenizer.encode("<|im_start|>", specialTokens: .recognize).map(Int.init)
        #expect(marker.count == 1)
        #expect(prompt.tokens.count { $0 == marker.first } == text.components(separatedBy: "<|im_start|>").count - 1)
        #expect(model.tokenizer.decode(prompt.tokens.map(Int32.init)) == text)
    }

    /// `lam eval bfcl`'s path end to end: the runner writes BFCL result lines (id, answer text, token counts,
    /// latency) for the first entries in file order, and scores them into BFCL score files and the report.
    @Test func runnerWritesScoredResultFiles() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bfcl-engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let backend = try Self.backend()
        #expect(backend.promptStyle == .chatTemplate)  // Qwen2.5-Coder's template teaches Hermes calls, not xLAM
        #expect(backend.modelName == "qwen2.5-coder-0.5b-instruct-q4_k_m")
        let runner = BFCLRunner(backend: backend, dataset: Self.dataset, categories: [.simplePython], limit: 2,
                                output: output, promptStyle: .xlam, maxNewTokens: 96)
        let report = try await runner.run()

        let entries = Array(try Self.dataset.entries(.simplePython).prefix(2))
        let lines = try BFCLDataset.readJSONLines(runner.layout.resultFile(.simplePython))
        #expect(lines.map { $0["id"]?.stringValue } == entries.map(\.id))
        for (line, entry) in zip(lines, entries) {
            #expect(line["result"]?.stringValue?.isEmpty == false)
            guard case .raw(let text) = BFCLGenerationRequest.forEntry(entry, style: .xlam).prompt else { continue }
            let promptTokens = Prompt(rawText: text, tokenizer: try Self.loaded.get().tokenizer).tokens.count
            #expect(line["input_token_count"]?.integerValue == promptTokens)
            #expect((1...96).contains(line["output_token_count"]?.integerValue ?? 0))
            #expect((line["latency"]?.doubleValue ?? 0) > 0)
        }
        let score = try #require(report.categories.first)
        #expect(score.total == 2)
        #expect((score.decodeTokensPerSecond ?? 0) > 0)
        let header = try #require(try BFCLDataset.readJSONLines(runner.layout.scoreFile(.simplePython)).first)
        #expect(header["total_count"]?.integerValue == 2)
        #expect(header["correct_count"]?.integerValue == score.correct)
    }

    /// Constrained replies, in both prompt styles, are either plain text or a list of calls to offered tools
    /// with JSON object arguments (on these entries the model does answer with calls).
    @Test(arguments: [BFCLPromptStyle.xlam, .chatTemplate])
    func constrainedRepliesAreCallListsOrText(style: BFCLPromptStyle) async throws {
        let backend = try Self.backend()
        var callLists = 0
        for entry in try Self.dataset.entries(.multiple).prefix(2) {
            var request = BFCLGenerationRequest.forEntry(entry, style: style, constrained: true)
            request.maxNewTokens = 96
            let generation = try await backend.generate(request)
            let offered = Set(entry.functions.compactMap { $0["name"]?.stringValue })
            guard generation.text.hasPrefix("[") else { continue }
            callLists += 1
            let calls = try XLAMOutputDecoder.decode(generation.text)
            #expect(!calls.isEmpty && XLAMOutputDecoder.isWellFormed(calls), "\(entry.id): \(generation.text)")
            #expect(calls.allSatisfy { offered.contains($0.name.stringValue ?? "") }, "\(entry.id): \(generation.text)")
        }
        #expect(callLists > 0)
    }
}
