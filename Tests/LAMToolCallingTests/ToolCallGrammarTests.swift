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

    /// The calls in a constrained reply, read with the plain JSON parser: (name, arguments) pairs.
    static func calls(in text: String, format: ToolCallFormat) throws -> [(String, JSONValue)] {
        var values: [JSONValue] = []
        switch format {
        case .xlam:
            guard case .array(let items) = try JSONValue(parsing: text) else { throw CallShapeError(text: text) }
            values = items
        case .llama3:
            values = [try JSONValue(parsing: text)]
        case .hermes:
            var rest = Substring(text.trimmingWhitespace)
            while !rest.isEmpty {
                guard rest.hasPrefix("<tool_call>"), let end = rest.firstRange(of: "</tool_call>") else { throw CallShapeError(text: text) }
                values.append(try JSONValue(parsing: String(rest[rest.index(rest.startIndex, offsetBy: 11)..<end.lowerBound])))
                rest = Substring(String(rest[end.upperBound...]).trimmingWhitespace)
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
        #expect(accepts("  " + format.trigger.dropLast()))
        let call = switch format {
        case .xlam: #"[{"name": "get_weather", "arguments": {"location": "Paris"}}]"#
        case .hermes: "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>"
        case .llama3: #"{"name": "get_weather", "parameters": {"location": "Paris"}}"#
        }
        #expect(accepts(call))
        #expect(!accepts(format.trigger + "oops"))
        #expect(!accepts(call.replacing("\"Paris\"", with: "\"Paris\"x")))
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
        let triggerToken = try #require(vocabulary.tokens.firstIndex(of: Array(format.trigger.utf8)))
        #expect(mask[triggerToken])
        matcher.advance(token: triggerToken)
        matcher.allowedTokens(into: &mask)
        #expect(!mask[vocabulary.eos], "after the trigger only a call may follow")
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
