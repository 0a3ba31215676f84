import Foundation
import LAMJSON
import LAMTemplates
import LAMTestSupport
import Testing

/// Every chat template × every conversation must render byte for byte as Python jinja2 under transformers'
/// settings (Tests/Golden/templates, from scripts/golden/templates.py); where jinja2 raised, we raise.
struct GoldenRenderTests {
    struct Corpus {
        let bosToken: String
        let eosToken: String
        let conversations: [JSONValue]
    }

    static func corpus() throws -> Corpus {
        let json = try JSONValue(parsing: Array(Golden.data("templates/conversations.json")))
        return Corpus(bosToken: json["bos_token"]?.stringValue ?? "", eosToken: json["eos_token"]?.stringValue ?? "",
                      conversations: json["conversations"]?.arrayValue ?? [])
    }

    static let renderFiles: [String] = {
        let folder = Golden.url("templates/renders")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    /// The instant scripts/golden/templates.py gives strftime_now: 2026-07-26 14:05:09 (UTC here).
    static let environment = TemplateEnvironment(
        now: { Date(timeIntervalSince1970: 1_785_074_709) }, timeZone: TimeZone(identifier: "UTC")!)

    @Test func corpusCoversEveryTemplateAndEnoughConversations() throws {
        #expect(Self.renderFiles.count == 26)
        #expect(try Self.corpus().conversations.count >= 30)
    }

    @Test(arguments: renderFiles)
    func rendersMatchJinja2(file: String) throws {
        let golden = try JSONValue(parsing: Array(Golden.data("templates/renders/\(file)")))
        let templatePath = try #require(golden["template"]?.stringValue)
        let source = String(decoding: try Golden.data("templates/\(templatePath)"), as: UTF8.self)
        let corpus = try Self.corpus()
        let template = try ChatTemplate(source: source, bosToken: corpus.bosToken, eosToken: corpus.eosToken)
        let renders = try #require(golden["renders"]?.objectValue)
        #expect(renders.count == corpus.conversations.count)
        for conversation in corpus.conversations {
            let name = try #require(conversation["name"]?.stringValue)
            let expected = try #require(renders[name], "no golden render for \(name)")
            var variables = OrderedDictionary<String, JSONValue>()
            for (key, value) in conversation["kwargs"]?.objectValue ?? [:] { variables[key] = value }
            let result = Result { () throws(TemplateError) -> String in
                try template.render(messages: conversation["messages"]?.arrayValue ?? [],
                                    tools: conversation["tools"]?.arrayValue,
                                    addGenerationPrompt: conversation["add_generation_prompt"]?.boolValue ?? true,
                                    variables: variables, environment: Self.environment)
            }
            if let output = expected["output"]?.stringValue {
                switch result {
                case .success(let rendered):
                    #expect(rendered == output, "\(templatePath) × \(name): \(Self.firstDifference(rendered, output))")
                case .failure(let error):
                    Issue.record("\(templatePath) × \(name): jinja2 rendered, we raised \(error)")
                }
            } else {
                let pythonError = expected["error"]?.stringValue ?? "?"
                switch result {
                case .success:
                    Issue.record("\(templatePath) × \(name): jinja2 raised \(pythonError), we rendered")
                case .failure(let error):
                    if pythonError == "TemplateError" { #expect(error.kind == .raised, "\(templatePath) × \(name): \(error)") }
                    if pythonError == "UndefinedError" { #expect(error.kind == .undefined, "\(templatePath) × \(name): \(error)") }
                }
            }
        }
    }

    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = Array(actual.unicodeScalars)
        let b = Array(expected.unicodeScalars)
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        func around(_ scalars: [Unicode.Scalar]) -> String {
            let lower = max(0, index - 40)
            let upper = min(scalars.count, index + 40)
            return String(String.UnicodeScalarView(scalars[lower..<upper])).debugDescription
        }
        return "first difference at scalar \(index): got \(around(a)), expected \(around(b))"
    }
}
