import Foundation
import HummingbirdTesting
import LAMEval
import LAMJSON
import LAMServer
import LAMServerTestSupport
import LAMTestSupport
import Testing

/// The endpoint backend against a live `lam serve` stack on a real socket, in front of the scripted backend
/// (whose replies follow documented rules): the server validates each request strictly, so these pass only
/// when both directions of the round trip are right.
@Suite struct EndpointBackendTests {
    static let apiKey = "bfcl-test-key"

    func withEndpoint(contextLength: Int = 8192, _ body: @escaping @Sendable (URL) async throws -> Void) async throws {
        let server = OpenAIServer(backend: ScriptedBackend(contextLength: contextLength),
                                  configuration: ServerConfiguration(port: 0, apiKey: Self.apiKey))
        try await server.makeApplication().test(.live) { client in
            try await body(URL(string: "http://127.0.0.1:\(try #require(client.port))/v1")!)
        }
    }

    /// A raw prompt goes to /v1/completions; the scripted server continues it with " and so on" and counts a
    /// token per word, so five tokens are the three prompt words and "and so".
    @Test func rawPromptsUseTextCompletions() async throws {
        try await withEndpoint { url in
            let backend = BFCLEndpointBackend(baseURL: url, model: "scripted-model", apiKey: Self.apiKey)
            let request = BFCLGenerationRequest(entryID: "raw_0", prompt: .raw("alpha beta gamma"), tools: [], maxNewTokens: 5)
            let generation = try await backend.generate(request)
            #expect(generation.text == "alpha beta gamma and so")
            #expect(generation.inputTokens == 3)
            #expect(generation.outputTokens == 5)
            #expect(generation.latency > 0)
        }
    }

    /// A BFCL entry in the chat style goes to /v1/chat/completions with its tools; the scripted server calls
    /// the first tool with sample arguments, one per declared property, and the backend writes that call as
    /// the xLAM JSON list BFCL's checker decodes.
    @Test func chatRequestsCarryToolsAndReturnCallsAsXLAMText() async throws {
        let entry = try #require(try BFCLDataset(directory: Golden.url("bfcl")).entries(.multiple).first)
        try await withEndpoint { url in
            let backend = BFCLEndpointBackend(baseURL: url, model: "scripted-model", apiKey: Self.apiKey)
            var request = BFCLGenerationRequest.forEntry(entry, style: .chatTemplate)
            request.maxNewTokens = 256
            let generation = try await backend.generate(request)
            let calls = try XLAMOutputDecoder.decode(generation.text)
            let function = try #require(entry.functions.first)
            #expect(calls.map(\.name) == [try #require(function["name"])])
            let declared = function["parameters"]?["properties"]?.objectValue?.keys.map { $0 } ?? []
            #expect(calls.first?.arguments.objectValue?.keys.map { $0 } == declared)
            #expect(generation.inputTokens > 0 && generation.outputTokens > 0)
        }
    }

    /// The key travels as a bearer token: without the right one the server refuses and the run stops.
    @Test func wrongAPIKeyStopsTheRun() async throws {
        try await withEndpoint { url in
            let backend = BFCLEndpointBackend(baseURL: url, model: "scripted-model", apiKey: "wrong")
            let request = BFCLGenerationRequest(entryID: "raw_0", prompt: .raw("alpha"), tools: [], maxNewTokens: 2)
            await #expect(throws: BFCLEndpointError.self) { try await backend.generate(request) }
        }
    }

    /// A request the server rejects as a bad request (here: BFCL's 4096 reply tokens do not fit the context) is
    /// recorded as a failed inference, as BFCL records it, and scored wrong, rather than ending the run.
    @Test func rejectedRequestsBecomeFailedEntries() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bfcl-endpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        try await withEndpoint(contextLength: 2048) { url in
            let backend = BFCLEndpointBackend(baseURL: url, model: "scripted-model", apiKey: Self.apiKey)
            let runner = BFCLRunner(backend: backend, dataset: BFCLDataset(directory: Golden.url("bfcl")),
                                    categories: [.simplePython], limit: 2, output: output, promptStyle: .xlam)
            let report = try await runner.run()
            let lines = try BFCLDataset.readJSONLines(runner.layout.resultFile(.simplePython)).map(BFCLResultLine.init(json:))
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.result.hasPrefix("Error during inference: ") })
            #expect(report.categories.first?.correct == 0)
        }
    }
}
