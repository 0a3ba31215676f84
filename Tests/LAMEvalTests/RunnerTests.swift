import Foundation
import LAMEval
import LAMJSON
import LAMTestSupport
import Synchronization
import Testing

/// A backend that answers from the CI result files: the first recorded answer of each entry.
private struct ReplayBackend: BFCLBackend {
    let answers: [String: (text: String, official: Bool)]
    let asked = AskedEntries()
    var modelName: String { "Salesforce/replay" }
    var promptStyle: BFCLPromptStyle { .xlam }

    func generate(_ request: BFCLGenerationRequest) async throws -> BFCLGeneration {
        guard case .raw(let prompt) = request.prompt, prompt.hasPrefix("<|im_start|>system\n") else {
            throw BFCLCheckerError("expected the xLAM raw prompt")
        }
        asked.record(request.entryID)
        let text = answers[request.entryID]?.text ?? ""
        return BFCLGeneration(text: text, inputTokens: prompt.utf8.count / 4, outputTokens: text.utf8.count / 4, latency: 0.5)
    }
}

/// The entries a backend was asked for, in order.
private final class AskedEntries: Sendable {
    private let ids = Mutex<[String]>([])
    func record(_ id: String) { ids.withLock { $0.append(id) } }
    var all: [String] { ids.withLock { $0 } }
}

@Suite struct RunnerTests {
    static func firstAnswers(_ category: BFCLCategory) throws -> [String: (text: String, official: Bool)] {
        var answers: [String: (text: String, official: Bool)] = [:]
        for line in try BFCLDataset.readJSONLines(Golden.url("bfcl/results/\(category.resultFileName)")) {
            guard let id = line["id"]?.stringValue, answers[id] == nil else { continue }
            answers[id] = (line["result"]?.stringValue ?? "", line["official"]?["valid"]?.boolValue ?? false)
        }
        return answers
    }

    /// The runner writes BFCL result files that read back to the same answers, and its scores are the
    /// official checker's verdicts on those answers.
    @Test func runnerWritesBFCLResultFilesAndScoresThem() async throws {
        let categories: [BFCLCategory] = [.simplePython, .simpleJava, .liveParallel, .irrelevance]
        var answers: [String: (text: String, official: Bool)] = [:]
        for category in categories { answers.merge(try Self.firstAnswers(category)) { a, _ in a } }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bfcl-runner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }

        let runner = BFCLRunner(backend: ReplayBackend(answers: answers), dataset: BFCLDataset(directory: Golden.url("bfcl")),
                                categories: categories, limit: 10, output: output)
        let report = try await runner.run()

        #expect(report.categories.map(\.category) == categories)
        for score in report.categories {
            #expect(score.total == 10)
            let expectedCorrect = score.entries.count { answers[$0.line.id]?.official == true }
            #expect(score.correct == expectedCorrect, "\(score.category)")
            #expect(score.meanLatency == 0.5)

            let file = runner.layout.resultFile(score.category)
            #expect(file.path.hasSuffix("result/Salesforce_replay/\(score.category.resultGroup)/\(score.category.resultFileName)"))
            let lines = try BFCLDataset.readJSONLines(file).map(BFCLResultLine.init(json:))
            #expect(lines.map(\.id) == score.entries.map(\.line.id))
            #expect(lines.map(\.result) == lines.map { answers[$0.id]?.text ?? "?" })
            let scoreLines = try BFCLDataset.readJSONLines(runner.layout.scoreFile(score.category))
            #expect(scoreLines.first?["correct_count"]?.integerValue == score.correct)
            #expect(scoreLines.count == 1 + score.total - score.correct)
        }
        let reportJSON = try JSONValue(parsing: String(decoding: try Data(contentsOf: runner.layout.reportJSON), as: UTF8.self))
        #expect(reportJSON["categories"]?["simple_python"]?["total"]?.integerValue == 10)
        #expect(try String(contentsOf: runner.layout.reportText, encoding: .utf8).contains("simple_java"))

        // `--results`: the same files read back from the run's folder or its model's folder score the same, under
        // the model's folder name; a folder holding two models' files is refused rather than half read.
        let evaluator = BFCLEvaluator(dataset: BFCLDataset(directory: Golden.url("bfcl")))
        let resultRoot = output.appendingPathComponent("result")
        for root in [resultRoot, resultRoot.appendingPathComponent("Salesforce_replay")] {
            let rescored = try BFCLResultFolder(root: root).score(categories + [.multiple], evaluator: evaluator)
            #expect(rescored.model == "Salesforce_replay")
            #expect(rescored.categories.map(\.category) == categories)
            #expect(rescored.categories.map(\.correct) == report.categories.map(\.correct))
        }
        let twin = resultRoot.appendingPathComponent("other_model")
        try FileManager.default.copyItem(at: resultRoot.appendingPathComponent("Salesforce_replay"), to: twin)
        #expect(throws: BFCLCheckerError.self) { try BFCLResultFolder(root: resultRoot) }
        #expect(try BFCLResultFolder(root: twin).modelName == "other_model")
    }

    /// A second run into the same folder generates only what the first left unanswered, as BFCL's generator
    /// does: the kept lines stay byte for byte, a last line cut off mid-write is generated again, a broken line
    /// elsewhere stops the run, and `overwrite` starts afresh.
    @Test func runnerKeepsEarlierAnswers() async throws {
        let category = BFCLCategory.simplePython
        let answers = try Self.firstAnswers(category)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bfcl-resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let ids = try BFCLDataset(directory: Golden.url("bfcl")).entries(category).prefix(8).map(\.id)
        func run(limit: Int, overwrite: Bool = false) async throws -> (asked: [String], report: BFCLReport, file: URL) {
            let backend = ReplayBackend(answers: answers)
            let runner = BFCLRunner(backend: backend, dataset: BFCLDataset(directory: Golden.url("bfcl")), categories: [category],
                                    limit: limit, output: output, overwrite: overwrite)
            let report = try await runner.run()
            return (backend.asked.all, report, runner.layout.resultFile(category))
        }

        let first = try await run(limit: 5)
        #expect(first.asked == Array(ids.prefix(5)))
        let written = try Data(contentsOf: first.file)
        // Cut the last line short, as a run killed mid-write leaves it.
        try written.prefix(written.count - 10).write(to: first.file)

        let second = try await run(limit: 8)
        #expect(second.asked == Array(ids[4..<8]))
        let lines = try Data(contentsOf: second.file).split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 8)
        #expect(Array(lines.prefix(4)) == Array(written.split(separator: UInt8(ascii: "\n")).prefix(4)))
        #expect(second.report.categories.first?.entries.map(\.line.id) == ids)
        #expect(second.report.categories.first?.correct == ids.count { answers[$0]?.official == true })

        var broken = try Data(contentsOf: second.file)
        broken.insert(contentsOf: Data("{\"id\": \n".utf8), at: 0)
        try broken.write(to: second.file)
        await #expect(throws: BFCLDataError.self) { _ = try await run(limit: 8) }
        #expect(try Data(contentsOf: second.file) == broken)

        let fresh = try await run(limit: 3, overwrite: true)
        #expect(fresh.asked == Array(ids.prefix(3)))
        #expect(try BFCLDataset.readJSONLines(fresh.file).map { $0["id"]?.stringValue } == ids.prefix(3).map(Optional.init))
    }

    /// The chat-template style hands the conversation and OpenAI-style tools to the backend: BFCL's type names
    /// become JSON Schema's, and the language hints are in the descriptions.
    @Test func chatStyleRequestsCarryOpenAITools() throws {
        let dataset = BFCLDataset(directory: Golden.url("bfcl"))
        let schemaTypes: Set<String> = ["string", "integer", "number", "boolean", "array", "object"]
        for category in [BFCLCategory.simplePython, .liveMultiple, .simpleJavaScript] {
            for entry in try dataset.entries(category) {
                let request = BFCLGenerationRequest.forEntry(entry, style: .chatTemplate)
                guard case .chat(let messages, let tools) = request.prompt else {
                    Issue.record("expected a chat request")
                    continue
                }
                #expect(messages == entry.messages)
                #expect(tools == request.tools && tools.count == entry.functions.count)
                for tool in tools {
                    #expect(tool["type"] == "function")
                    #expect(tool["function"]?["description"]?.stringValue?.hasSuffix("syntax.") == true)
                    for (_, property) in tool["function"]?["parameters"]?["properties"]?.objectValue ?? [:] {
                        #expect(schemaTypes.contains(property["type"]?.stringValue ?? ""), "\(entry.id)")
                    }
                }
            }
        }
    }

    @Test func categoryGroupsParse() throws {
        #expect(try BFCLCategory.parseList(["all"]).count == 13)
        #expect(try BFCLCategory.parseList(["live"]).allSatisfy(\.isLive))
        #expect(try BFCLCategory.parseList(["simple,parallel", "simple_java"]) == [.simplePython, .simpleJava, .simpleJavaScript, .parallel])
        #expect(throws: BFCLCheckerError.self) { try BFCLCategory.parseList(["simpel"]) }
    }
}
