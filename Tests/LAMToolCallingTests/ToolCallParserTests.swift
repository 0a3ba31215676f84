import LAMJSON
import LAMToolCalling
import Testing

/// Non-streaming results, case by case (expected values follow vLLM's `xlam` parser where it is right; the
/// divergences are named in each test).
@Suite struct ToolCallParserTests {
    static func parse(_ text: String, _ format: ToolCallFormat = .xlam) -> ParsedReply {
        StreamingToolCallParser.parse(text, format: format, makeID: { "call_\($0)" })
    }

    static func summary(_ reply: ParsedReply) -> [String] {
        reply.calls.map { "\($0.name) \($0.argumentsValue?.compactJSON ?? "<" + $0.arguments + ">")" }
    }

    @Test func bareArrayAtReplyStart() {
        let reply = Self.parse(#"[{"name": "get_weather", "arguments": {"location": "London"}}, {"name": "time", "arguments": {}}]"#)
        #expect(Self.summary(reply) == [#"get_weather {"location":"London"}"#, "time {}"])
        #expect(reply.content == "")
        #expect(reply.calls.map(\.id) == ["call_0", "call_1"])
        #expect(reply.calls[0].arguments == #"{"location": "London"}"#, "arguments keep the model's own text")
    }

    @Test func wrappersVLLMAccepts() {
        let call = #"[{"name": "f", "arguments": {"a": 1}}]"#
        for text in ["```json\n\(call)\n```", "```\n\(call)\n```", "[TOOL_CALLS]\(call)", "<tool_call>\(call)</tool_call>",
                     "<think>Use f.</think>\n\(call)"] {
            let reply = Self.parse(text)
            #expect(Self.summary(reply) == [#"f {"a":1}"#], "\(text)")
        }
        #expect(Self.parse("<think>Use f.</think>\n\(call)").content == "<think>Use f.</think>")
        // As in vLLM: the block is cut out, the text around it (newlines included) stays, the whole is trimmed.
        #expect(Self.parse("Sure, checking.\n```json\n\(call)\n```\nDone.").content == "Sure, checking.\n\nDone.")
    }

    /// vLLM requires an array; the Qwen2.5-Coder test models answer with a fenced single object, which we take
    /// as one call.
    @Test func fencedSingleObjectIsACall() {
        let reply = Self.parse("```json\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n```", .hermes)
        #expect(Self.summary(reply) == [#"get_weather {"city":"Paris"}"#])
        #expect(reply.content == "")
    }

    /// The 1.5B test model lists parallel calls as objects one after another inside one fence.
    @Test func severalCallsInOneWrapper() {
        let paris = #"{"name": "get_weather", "arguments": {"city": "Paris"}}"#
        let rome = #"{"name": "get_weather", "arguments": {"city": "Rome"}}"#
        for text in ["```json\n\(paris)\n\(rome)\n```", "<tool_call>\(paris) [\(rome)]</tool_call>", "Sure.\n```json\n\(paris)\n\n\(rome)\n```"] {
            let reply = Self.parse(text, .hermes)
            #expect(Self.summary(reply) == [#"get_weather {"city":"Paris"}"#, #"get_weather {"city":"Rome"}"#], "\(text)")
            #expect(reply.content == (text.hasPrefix("Sure.") ? "Sure." : ""), "\(text)")
        }
    }

    @Test func plainTextAndNonCallJSONStayContent() {
        #expect(Self.parse("The answer is 42.").content == "The answer is 42.")
        #expect(Self.parse("The answer is 42.").calls.isEmpty)
        let fenced = "Here:\n```json\n{\"a\": [1, 2]}\n```"
        #expect(Self.parse(fenced).content == fenced, "a JSON answer is not a call (vLLM drops the block from content)")
        #expect(Self.parse("[1, 2, 3]").content == "[1, 2, 3]")
        let python = "```python\nprint('[x]')\n```"
        #expect(Self.parse(python).content == python)
    }

    /// Once a call's name and the start of its arguments are out, the call has been streamed; invalid JSON later
    /// cuts it short (marked incomplete, so validation rejects it) and the rest of the output is content.
    @Test func invalidJSONInsideArgumentsCutsTheCallShort() {
        let reply = Self.parse("```json\n[{\"name\": \"f\", \"arguments\": {\"a\": oops}}]\n```")
        #expect(reply.calls.map(\.name) == ["f"])
        #expect(reply.calls[0].isComplete == false)
        #expect(reply.calls[0].arguments == #"{"a": "#)
        #expect(reply.content == "oops}}]\n```")
        #expect(reply.problems == ["call 0: arguments cut off by invalid JSON at byte 42"])
    }

    @Test func hermesBlocksWithTextAround() {
        let text = "Let me look.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": \"}\"}}\n</tool_call>\n<tool_call>\n{\"arguments\": {\"y\": [1]}, \"name\": \"b\"}\n</tool_call>\nBack soon."
        let reply = Self.parse(text, .hermes)
        #expect(Self.summary(reply) == [#"a {"x":"}"}"#, #"b {"y":[1]}"#])
        #expect(reply.content == "Let me look.\n\n\nBack soon.")
    }

    @Test func llamaJSONCalls() {
        for text in [#"{"name": "search", "parameters": {"q": "swift"}}"#, #"<|python_tag|>{"name": "search", "parameters": {"q": "swift"}}"#] {
            #expect(Self.summary(Self.parse(text, .llama3)) == [#"search {"q":"swift"}"#])
        }
    }

    @Test func stringArgumentsAreUnquotedAndItemsWithoutArgumentsSkipped() {
        let reply = Self.parse(#"[{"name": "f", "arguments": "{\"a\": 1}"}, {"name": "g"}, {"name": "h", "arguments": {}}]"#)
        #expect(reply.calls.map(\.name) == ["f", "h"])
        #expect(reply.calls[0].arguments == #"{"a": 1}"#)
        #expect(reply.problems.count == 1)
    }

    @Test func truncatedOutputMarksTheCallIncomplete() {
        let reply = Self.parse(#"[{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": {"b": "tru"#)
        #expect(reply.calls.map(\.name) == ["f", "g"])
        #expect(reply.calls.map(\.isComplete) == [true, false])
        #expect(reply.calls[1].argumentsValue == nil)
        #expect(reply.problems == ["call 1: output ended inside its arguments"])
    }

    @Test func callsFollowedByTextKeepTheCalls() {
        // vLLM gives up on the whole output here (json.loads fails) and returns it all as content.
        let reply = Self.parse(#"[{"name": "f", "arguments": {}}] Anything else?"#)
        #expect(Self.summary(reply) == ["f {}"])
        #expect(reply.content == "Anything else?")
    }

    @Test func formatDetectionFromRealTemplates() throws {
        let directory = "/work/shared/reference/templates/"
        func read(_ name: String) throws -> String { try String(contentsOfFile: directory + name, encoding: .utf8) }
        #expect(ToolCallFormat.detect(chatTemplate: try read("Salesforce-xLAM-2-qwen-hf.jinja")) == .xlam)
        #expect(ToolCallFormat.detect(chatTemplate: try read("vllm-tool_chat_template_xlam_llama.jinja")) == .xlam)
        #expect(ToolCallFormat.detect(chatTemplate: try read("Qwen-Qwen2.5-7B-Instruct.jinja")) == .hermes)
        #expect(ToolCallFormat.detect(chatTemplate: try read("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja")) == .hermes)
        #expect(ToolCallFormat.detect(chatTemplate: try read("meta-llama-Llama-3.1-8B-Instruct.jinja")) == .llama3)
        #expect(ToolCallFormat.detect(chatTemplate: try read("google-gemma-2-2b-it.jinja")) == nil)
    }
}

/// Regressions named after the vLLM issues this parser is built to avoid.
@Suite struct VLLMRegressionTests {
    static func streamed(_ text: String, format: ToolCallFormat = .xlam, chunk: Int) -> ParsedReply {
        var parser = StreamingToolCallParser(format: format, makeID: { "call_\($0)" })
        var events: [ToolCallStreamEvent] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            events += parser.feed(String(rest.prefix(chunk)))
            rest = rest.dropFirst(chunk)
        }
        events += parser.finish()
        return ParsedReply(events: events, problems: parser.problems, incompleteCalls: parser.incompleteCalls)
    }

    /// vLLM #47901: after a call with empty arguments, later calls' arguments came out as `{}`.
    @Test(arguments: 1...7)
    func vllm47901ArgumentsAfterAnEmptyArgumentsCall(chunk: Int) {
        let text = #"[{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"x": 42}}, {"name": "c", "arguments": {}}]"#
        let reply = Self.streamed(text, chunk: chunk)
        #expect(reply.calls.map(\.name) == ["a", "b", "c"])
        #expect(reply.calls.map(\.arguments) == ["{}", #"{"x": 42}"#, "{}"])
    }

    /// vLLM #51697: arguments duplicated by the end-of-stream flush, and markers or partial call JSON leaking
    /// into content, for every chunk size.
    @Test(arguments: 1...9)
    func vllm51697NoDuplicatedArgumentsAndNoMarkerLeaks(chunk: Int) {
        let arguments = #"{"city": "Seattle", "state": "WA", "unit": "celsius"}"#
        let bare = #"[{"name": "get_current_weather", "arguments": "# + arguments + "}]"
        #expect(Self.streamed(bare, chunk: chunk).calls.map(\.arguments) == [arguments])
        for wrapped in ["I'll check the weather for you.[TOOL_CALLS]\(bare)",
                        "I'll check the weather for you.\n```json\n\(bare)\n```",
                        "I'll check the weather for you.<tool_call>\(bare)</tool_call>"] {
            let reply = Self.streamed(wrapped, chunk: chunk)
            #expect(reply.content == "I'll check the weather for you.", "\(wrapped)")
            #expect(reply.calls.map(\.arguments) == [arguments])
        }
    }
}

/// The cases of vLLM's own `tests/tool_parsers/test_xlam_tool_parser.py` (model output → calls and content),
/// where vLLM's expected content `None` is our empty content.
@Suite struct VLLMXLAMParityTests {
    static let dallas = #"{"city": "Dallas", "state": "TX", "unit": "fahrenheit"}"#
    static let orlando = #"{"city": "Orlando", "state": "FL", "unit": "fahrenheit"}"#
    static let call = #"[{"name": "get_current_weather", "arguments": "# + dallas + "}]"

    static let cases: [(output: String, arguments: [String], content: String)] = [
        (#"[{"name": "get_current_weather", "arguments": "# + dallas + #"}, {"name": "get_current_weather", "arguments": "# + orlando + "}]",
         [dallas, orlando], ""),
        ("<think>I'll help you with that.</think>" + call, [dallas], "<think>I'll help you with that.</think>"),
        ("I'll help you with that.\n```json\n" + call + "\n```", [dallas], "I'll help you with that."),
        ("I'll check the weather for you.[TOOL_CALLS]" + call, [dallas], "I'll check the weather for you."),
        ("I'll help you check the weather.<tool_call>" + call + "</tool_call>", [dallas], "I'll help you check the weather."),
        ("This is a test", [], "This is a test"),
    ]

    @Test(arguments: cases.indices)
    func sameCallsAndContentAsVLLMsTests(index: Int) throws {
        let (output, arguments, content) = Self.cases[index]
        let reply = StreamingToolCallParser.parse(output, format: .xlam)
        #expect(reply.calls.map(\.name) == Array(repeating: "get_current_weather", count: arguments.count))
        #expect(try reply.calls.map { try JSONValue(parsing: $0.arguments) } == arguments.map { try JSONValue(parsing: $0) })
        #expect(reply.content == content)
        #expect(reply.calls.allSatisfy { $0.id.count > 16 }, "ids as long as vLLM's test requires")
    }
}
