import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// Call grammars per format and `tool_choice`, on the synthetic vocabulary.
@Suite struct ToolCallGrammarTests {
    static let tools: [ToolDefinition] = {
        let json = #"""
        [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"], "additionalProperties": false}}},
         {"name": "list_files", "parameters": {"type": "dict", "properties": {}}},
         {"name": "search", "parameters": {"type": "object", "properties": {"query": {"type": "string", "minLength": 1}, "limit": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string", "maxLength": 4}, "maxItems": 2}}, "required": ["query"], "additionalProperties": false}}]
        """#
        return try! ToolDefinition.list(from: try! JSONValue(parsing: json))
    }()

    /// The calls in a constrained reply, read with the plain JSON parser: (name, arguments) pairs. Every format
    /// may write a JSON array of calls or one bare call; Hermes may also write tagged blocks.
    static func calls(in text: String, format: ToolCallFormat) throws -> [(String, JSONValue)] {
        var values: [JSONValue] = []
        var rest = Substring(text.trimmingWhitespace)
        if format == .hermes && rest.hasPrefix("<tool_call>") {
            while !rest.isEmpty {
                guard rest.hasPrefix("<tool_call>"), let end = rest.firstRange(of: "</tool_call>") else { throw CallShapeError(text: text) }
                values.append(try JSONValue(parsing: String(rest[rest.index(rest.startIndex, offsetBy: 11)..<end.lowerBound])))
                rest = Substring(String(rest[end.upperBound...]).trimmingWhitespace)
            }
        } else {
            switch try JSONValue(parsing: text) {
            case .array(let items): values = items
            case let call: values = [call]
            }
        }
        return try values.map { value in
            guard case .object(let fields) = value, fields.count == 2, case .string(let name)? = fields["name"],
                  let arguments = fields[format.argumentsKey], fields.keys.first == "name"
            else { throw CallShapeError(text: text) }
            return (name, arguments)
        }
    }

    struct CallShapeError: Error { let text: String }

    @Test(arguments: ToolCallFormat.allCases)
    func requiredModeAlwaysYieldsValidCalls(format: ToolCallFormat) throws {
        let grammar = try #require(try Grammar.toolCalls(Self.tools, choice: .required, format: format))
        var random = SeededRandom(seed: 42)
        for _ in 0..<40 {
            let text = try ConstrainedDecodingTests.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...50, using: &random), random: &random)
            let calls = try Self.calls(in: text, format: format)
            #expect(!calls.isEmpty)
            for (name, arguments) in calls {
                let tool = try #require(Self.tools.first { $0.name == name })
                #expect(try JSONSchema(tool.parameters).violations(of: arguments).isEmpty, "\(text)")
            }
            // End to end: the streaming parser finds the same calls and the validator passes every one.
            let parsed = StreamingToolCallParser.parse(text, format: format)
            #expect(parsed.calls.map(\.name) == calls.map(\.0), "\(text)")
            #expect(parsed.content == "" && parsed.problems.isEmpty, "\(text)")
            #expect(try ToolCallValidator(tools: Self.tools).validate(parsed).allSatisfy(\.isValid), "\(text)")
        }
    }

    @Test(arguments: ToolCallFormat.allCases)
    func withoutParallelCallsAtMostOneCall(format: ToolCallFormat) throws {
        let grammar = try #require(try Grammar.toolCalls(Self.tools, choice: .required, format: format, parallelCalls: false))
        var random = SeededRandom(seed: 3)
        for _ in 0..<20 {
            let text = try ConstrainedDecodingTests.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...60, using: &random), random: &random)
            #expect(try Self.calls(in: text, format: format).count == 1)
        }
    }

    @Test func strictModeClosesObjectsWithoutAdditionalProperties() throws {
        let open = try ToolDefinition(json: try JSONValue(parsing: #"{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}"#))
        func accepts(strict: Bool, _ text: String) throws -> Bool {
            let grammar = try #require(try Grammar.toolCalls([open], choice: .required, format: .xlam, strict: strict))
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
            return matcher.advance(bytes: Array(text.utf8)) && matcher.isComplete
        }
        let extra = #"[{"name": "f", "arguments": {"a": 1, "b": 2}}]"#
        #expect(try accepts(strict: false, extra))
        #expect(try !accepts(strict: true, extra))
        #expect(try accepts(strict: true, #"[{"name": "f", "arguments": {"a": 1}}]"#))
    }

    @Test func namedFunctionModeOnlyCallsThatFunction() throws {
        let grammar = try #require(try Grammar.toolCalls(Self.tools, choice: .function("search"), format: .xlam))
        var random = SeededRandom(seed: 7)
        for _ in 0..<30 {
            let text = try ConstrainedDecodingTests.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...40, using: &random), random: &random)
            #expect(try Self.calls(in: text, format: .xlam).allSatisfy { $0.0 == "search" })
        }
        #expect(throws: SchemaError.self) { try Grammar.toolCalls(Self.tools, choice: .function("nope"), format: .xlam) }
        #expect(try Grammar.toolCalls(Self.tools, choice: .none, format: .xlam) == nil)
    }

    @Test(arguments: ToolCallFormat.allCases)
    func autoModeAllowsTextButConstrainsOnceTheTriggerIsTyped(format: ToolCallFormat) throws {
        let grammar = try #require(try Grammar.toolCalls(Self.tools, choice: .auto, format: format))
        let vocabulary = SyntheticVocabulary.shared
        func accepts(_ text: String) -> Bool {
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary.vocabulary)
            return matcher.advance(bytes: Array(text.utf8))
        }
        #expect(accepts("Sure, which city? [not a call]"))
        #expect(accepts("  <tool_call"))
        let bareCall = #"{"name": "get_weather", "\#(format.argumentsKey)": {"location": "Paris"}}"#
        #expect(accepts("```python\nprint(1)\n```"), "a fence for code stays free text")
        var calls = [bareCall, "[" + bareCall + "]", "```json\n" + bareCall + "\n```", "```json\n[" + bareCall + "]\n```"]
        if format == .hermes { calls.append("<tool_call>\n" + bareCall + "\n</tool_call>") }
        for call in calls {
            #expect(accepts(call))
            #expect(!accepts(call.replacing("\"Paris\"", with: "\"Paris\"x")))
            // A call ends the reply: no text after it.
            #expect(!accepts(call + " Done!"))
        }
        for trigger in format.triggers { #expect(!accepts(trigger + "oops")) }
        var random = SeededRandom(seed: 99)
        for _ in 0..<40 {
            // Random replies: free text, or (once the trigger is typed) valid calls; the probe inside checks that
            // the mask and the matcher agree on refused tokens.
            _ = try ConstrainedDecodingTests.randomConstrainedText(grammar, freeSteps: Int.random(in: 0...30, using: &random), random: &random)
        }
        var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary.vocabulary)
        var mask = TokenBitmask(count: vocabulary.vocabulary.count)
        matcher.allowedTokens(into: &mask)
        #expect(mask[vocabulary.eos], "an empty reply is free text")
        for trigger in format.triggers {
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: vocabulary.vocabulary)
            matcher.allowedTokens(into: &mask)
            // The trigger as one token where the vocabulary has one, else (```json) byte by byte.
            let typed: Bool
            if let triggerToken = vocabulary.tokens.firstIndex(of: Array(trigger.utf8)) {
                #expect(mask[triggerToken])
                typed = matcher.advance(token: triggerToken)
            } else {
                typed = matcher.advance(bytes: Array(trigger.utf8))
            }
            #expect(typed)
            matcher.allowedTokens(into: &mask)
            #expect(!mask[vocabulary.eos], "after the trigger \(trigger) only a call may follow")
            #expect(mask.allowedCount > 0)
        }
    }

    /// In `auto` every shape in which the parser reads several calls is valid when parallel calls are on, and
    /// refused when they are off: small models list calls in an array, one after another, in one fence or a
    /// fence each.
    @Test(arguments: ToolCallFormat.allCases)
    func autoModeTakesEveryShapeOfSeveralCalls(format: ToolCallFormat) throws {
        let parallel = try #require(try Grammar.toolCalls(Self.tools, choice: .auto, format: format))
        let single = try #require(try Grammar.toolCalls(Self.tools, choice: .auto, format: format, parallelCalls: false))
        func accepts(_ grammar: Grammar, _ text: String) -> Bool {
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
            return matcher.advance(bytes: Array(text.utf8)) && matcher.isComplete
        }
        let paris = #"{"name": "get_weather", "\#(format.argumentsKey)": {"location": "Paris"}}"#
        let files = #"{"name": "list_files", "\#(format.argumentsKey)": {}}"#
        var shapes = ["[\(paris), \(files)]", "\(paris)\n\(files)", "\(paris)\(files) \(paris)", "```json\n\(paris)\n\(files)\n```",
                      "```json\n[\(paris), \(files)]\n```", "```json\n\(paris)\n```\n```json\n\(files)\n```",
                      "```json\n\(paris)\n[\(files)]\n```"]
        if format == .hermes { shapes.append("<tool_call>\n\(paris)\n</tool_call>\n<tool_call>\n\(files)\n</tool_call>") }
        for shape in shapes {
            let reply = StreamingToolCallParser.parse(shape, format: format)
            #expect(reply.calls.count >= 2 && reply.content.isEmpty && reply.problems.isEmpty, "\(shape)")
            #expect(accepts(parallel, shape), "\(shape)")
            #expect(!accepts(single, shape), "\(shape)")
        }
        #expect(accepts(single, "```json\n\(paris)\n```"))
        #expect(!accepts(parallel, "```json\n\(paris)\n``` Done."), "a call still ends the reply")
    }

    /// A reply whose token budget cannot hold another call closes its list after the call being written
    /// (`closeCallLists`), in every shape of list; a separator already written still gets its call.
    @Test(arguments: ToolCallFormat.allCases)
    func closedCallListsTakeNoFurtherCall(format: ToolCallFormat) throws {
        // `auto`, where every format takes a JSON array of calls once the model opens one.
        let grammar = try #require(try Grammar.toolCalls(Self.tools, choice: .auto, format: format))
        let call = #"{"name": "get_weather", "\#(format.argumentsKey)": {"location": "Paris"}}"#
        /// Whether `next` may follow `text` (after closing the call lists when `closing`), and whether that ends
        /// the reply.
        func follows(_ next: String, after text: String, closing: Bool = true) -> (taken: Bool, complete: Bool) {
            var matcher = TokenMaskMatcher(grammar: grammar, vocabulary: SyntheticVocabulary.shared.vocabulary)
            guard matcher.advance(bytes: Array(text.utf8)) else { return (false, false) }
            if closing { matcher.closeCallLists() }
            let taken = matcher.advance(bytes: Array(next.utf8))
            return (taken, matcher.isComplete)
        }
        #expect(!follows(", ", after: "[" + call).taken)
        #expect(follows("]", after: "[" + call) == (true, true))
        #expect(follows(", ", after: "[" + call, closing: false).taken)
        #expect(follows(" " + call + "]", after: "[" + call + ",") == (true, true), "a comma written gets its call")
        #expect(follows(call + "]", after: "[") == (true, true), "a list still takes the call it needs")
        #expect(!follows(" " + call, after: call).taken)
        #expect(follows(" ", after: call) == (true, true))
        #expect(follows(call, after: call, closing: false) == (true, true))
        let fence = "```json\n" + call + "\n```\n"
        #expect(!follows("```json", after: fence).taken)
        #expect(!follows(call, after: "```json\n" + call).taken)
        #expect(follows("\n```", after: "```json\n" + call) == (true, true))
        if format == .hermes {
            let block = "<tool_call>" + call + "</tool_call>\n"
            #expect(follows("", after: block) == (true, true))
            #expect(!follows("<tool_call>", after: block).taken)
            #expect(follows("_call>" + call + "</tool_call>", after: block + "<tool") == (true, true),
                    "an opening tag begun is finished")
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
