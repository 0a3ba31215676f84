import Foundation
import LAMJSON
import LAMTemplates
import LAMTestSupport
import Testing

/// The ChatTemplate API: where templates come from, message preparation, errors that name the place.
struct ChatTemplateTests {
    static let echo = "{% for m in messages %}{{ m.role }}:{{ m.content }}{% if m.tool_calls %}{{ m.tool_calls[0].function.arguments|tojson }}{% endif %};{% endfor %}{{ bos_token }}{{ add_generation_prompt }}"

    @Test func toolCallArgumentsStringsBecomeObjects() throws {
        let template = try ChatTemplate(source: Self.echo, bosToken: "<s>")
        let messages: [JSONValue] = [
            ["role": "user", "content": "hi"],
            ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "f", "arguments": "{\"b\": 1, \"a\": [1.5]}"]]]],
            ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "g", "arguments": ""]]]],
            ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "h", "arguments": ["k": true]]]]],
        ]
        #expect(try template.render(messages: messages, addGenerationPrompt: false)
            == "user:hi;assistant:{\"b\": 1, \"a\": [1.5]};assistant:{};assistant:{\"k\": true};<s>False")
    }

    @Test func argumentsThatAreNotJSONAreAnInputError() throws {
        let template = try ChatTemplate(source: Self.echo)
        let messages: [JSONValue] = [["role": "assistant", "tool_calls": [["function": ["name": "f", "arguments": "{oops"]]]]]
        #expect { try template.render(messages: messages) } throws: { ($0 as? TemplateError)?.kind == .input }
    }

    @Test func templatesComeFromTokenizerConfigs() throws {
        let config: JSONValue = [
            "bos_token": ["content": "<|begin|>", "lstrip": false], "eos_token": "<|end|>",
            "chat_template": [["name": "default", "template": "D{{ bos_token }}{{ eos_token }}"],
                              ["name": "tool_use", "template": "T{{ tools|length }}"]],
        ]
        #expect(try ChatTemplate(tokenizerConfig: config).render(messages: []) == "D<|begin|><|end|>")
        #expect(try ChatTemplate(tokenizerConfig: config, preferToolUse: true).render(messages: [], tools: [[:], [:]]) == "T2")
        #expect(throws: TemplateError.self) { try ChatTemplate(tokenizerConfig: ["bos_token": "x"]) }
    }

    @Test func templatesComeFromFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lam-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let jinja = folder.appendingPathComponent("chat_template.jinja")
        try Data("J{{ messages|length }}\n".utf8).write(to: jinja)
        let json = folder.appendingPathComponent("tokenizer_config.json")
        try Data(#"{"chat_template": "C{{ eos_token }}", "eos_token": "</s>"}"#.utf8).write(to: json)
        #expect(try ChatTemplate(contentsOf: jinja).render(messages: [["role": "user", "content": "x"]]) == "J1")
        #expect(try ChatTemplate(contentsOf: json).render(messages: []) == "C</s>")
        #expect(throws: TemplateError.self) { try ChatTemplate(contentsOf: folder.appendingPathComponent("missing.jinja")) }
    }

    @Test func theXLAMTemplateRendersToolsAsPythonJSON() throws {
        let source = String(decoding: try Golden.data("templates/reference/Salesforce-xLAM-2-qwen-hf.jinja"), as: UTF8.self)
        let template = try ChatTemplate(source: source)
        let tool: JSONValue = ["type": "function", "function": ["name": "f", "parameters": ["x": 1.0, "y": "é"]]]
        let prompt = try template.render(messages: [["role": "user", "content": "hi"]], tools: [tool])
        #expect(prompt.contains("\"parameters\": {\n            \"x\": 1.0,\n            \"y\": \"é\"\n        }"))
    }

    @Test func errorsNameTheTemplatePosition() throws {
        let raising = try ChatTemplate(source: "line one\n{% if true %}\n  {{ raise_exception('no system role') }}{% endif %}")
        #expect(throws: TemplateError(.raised, "no system role", at: SourceLocation(line: 3, column: 21))) {
            try raising.render(messages: [])
        }
        let undefined = try ChatTemplate(source: "{{ messages[0].content.strip() }}\n{{ nothing.here }}")
        #expect(throws: TemplateError(.undefined, "'nothing' is undefined", at: SourceLocation(line: 2, column: 11))) {
            try undefined.render(messages: [["role": "user", "content": "x"]])
        }
        #expect(throws: TemplateError(.syntax, "no filter named 'nope'", at: SourceLocation(line: 1, column: 8))) {
            try ChatTemplate(source: "{{ x | nope }}")
        }
    }

    @Test func strftimeNowUsesTheGivenClock() throws {
        let template = try Template("{{ strftime_now('%d %b %Y, %A %H:%M') }}")
        let environment = TemplateEnvironment(now: { Date(timeIntervalSince1970: 0) }, timeZone: TimeZone(identifier: "UTC")!)
        #expect(try template.render([:], environment: environment) == "01 Jan 1970, Thursday 00:00")
    }
}
