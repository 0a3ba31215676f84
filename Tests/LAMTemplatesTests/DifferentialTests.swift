import Foundation
import LAMJSON
import LAMTemplates
import LAMTestSupport
import Testing

/// Random small templates from a seeded grammar (scripts/golden/templates_differential.py): whatever jinja2
/// did with each — rendered text or an exception — we must do too.
struct DifferentialTests {
    @Test func randomTemplatesBehaveAsInJinja2() throws {
        let golden = try JSONValue(parsing: Array(Golden.data("templates/differential.json")))
        let context = try #require(golden["context"]?.objectValue)
        let cases = try #require(golden["cases"]?.arrayValue)
        #expect(cases.count >= 1000)
        var mismatches: [String] = []
        for testCase in cases {
            let source = testCase["template"]?.stringValue ?? ""
            let result = Result { () throws(TemplateError) -> String in try Template(source).render(context) }
            switch (result, testCase["output"]?.stringValue) {
            case (.success(let rendered), let expected?) where rendered == expected:
                break
            case (.failure, nil):
                break
            case (.success(let rendered), let expected?):
                mismatches.append("\(source.debugDescription): got \(rendered.debugDescription), jinja2 \(expected.debugDescription)")
            case (.failure(let error), let expected?):
                mismatches.append("\(source.debugDescription): we raised \(error), jinja2 rendered \(expected.debugDescription)")
            case (.success(let rendered), nil):
                mismatches.append("\(source.debugDescription): jinja2 raised \(testCase["error"]?.stringValue ?? "?"), we rendered \(rendered.debugDescription)")
            }
        }
        let report = mismatches.prefix(40).joined(separator: "\n")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(report)")
    }
}
