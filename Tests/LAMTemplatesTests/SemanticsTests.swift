import Foundation
import LAMJSON
import LAMTemplates
import LAMTestSupport
import Testing

/// Small templates probing jinja2's semantics one feature at a time (undefined values, arithmetic, reprs,
/// slicing, loops, whitespace control, macros, filters, tests); expected outputs and exceptions come from
/// jinja2 itself (scripts/golden/templates_semantics.py).
struct SemanticsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let template: String
        let context: JSONValue
        let output: String?
        let error: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let data = try? Golden.data("templates/semantics.json"),
              let json = try? JSONValue(parsing: Array(data)), let items = json.arrayValue else { return [] }
        return items.map { item in
            Case(name: item["name"]?.stringValue ?? "?", template: item["template"]?.stringValue ?? "",
                 context: item["context"] ?? .object([:]), output: item["output"]?.stringValue, error: item["error"]?.stringValue)
        }
    }()

    @Test func goldenCasesArePresent() {
        #expect(Self.cases.count >= 140)
    }

    @Test(arguments: cases)
    func matchesJinja2(_ testCase: Case) {
        let result = Result { () throws(TemplateError) -> String in
            let template = try Template(testCase.template)
            return try template.render(testCase.context.objectValue ?? [:], environment: GoldenRenderTests.environment)
        }
        switch (result, testCase.output) {
        case (.success(let rendered), let expected?):
            #expect(rendered == expected)
        case (.failure(let error), _?):
            Issue.record("jinja2 rendered \(testCase.output.debugDescription), we raised \(error)")
        case (.success(let rendered), nil):
            Issue.record("jinja2 raised \(testCase.error ?? "?"), we rendered \(rendered.debugDescription)")
        case (.failure(let error), nil):
            switch testCase.error {
            case "TemplateError": #expect(error.kind == .raised)
            case "UndefinedError": #expect(error.kind == .undefined)
            case "TemplateSyntaxError", "TemplateAssertionError", "SyntaxError": #expect(error.kind == .syntax)
            case "SecurityError": #expect(error.kind == .security)
            default: break
            }
        }
    }
}
