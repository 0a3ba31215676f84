import LAMJSON
import LAMToolCalling
import Testing

/// Parsed calls are checked against their tool's schema, with precise reasons; nothing invalid passes as valid.
@Suite struct ToolCallValidatorTests {
    static let tools = try! ToolDefinition.list(from: try! JSONValue(parsing: #"""
    [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "dict", "properties": {"location": {"type": "string"}, "days": {"type": "integer", "minimum": 1}, "units": {"type": "tuple", "items": {"type": "string", "enum": ["c", "f"]}}}, "required": ["location"]}}},
     {"name": "ping"}]
    """#))

    static func validate(_ text: String) throws -> [ValidatedToolCall] {
        let validator = try ToolCallValidator(tools: tools)
        return validator.validate(StreamingToolCallParser.parse(text, format: .xlam, makeID: { "call_\($0)" }))
    }

    @Test func validCallsPass() throws {
        let results = try Self.validate(#"[{"name": "get_weather", "arguments": {"location": "Oslo", "days": 2, "units": ["c"]}}, {"name": "ping", "arguments": {}}]"#)
        #expect(results.map(\.isValid) == [true, true])
        #expect(results[0].arguments?["location"] == .string("Oslo"))
    }

    @Test func invalidCallsCarryPreciseReasons() throws {
        let results = try Self.validate(#"[{"name": "get_weather", "arguments": {"days": 0, "units": ["c", "k"]}}, {"name": "weather", "arguments": {}}, {"name": "get_weather", "arguments": {"location": "Rome", "days": 1.5}}]"#)
        #expect(results.allSatisfy { !$0.isValid })
        #expect(results[0].errors.map(\.description) == [
            "arguments: expected required property 'location'",
            "arguments at '/days': expected a number >= 1.0",
            "arguments at '/units/1': expected one of \"c\", \"f\"",
        ])
        #expect(results[1].errors == [.unknownTool("weather", known: ["get_weather", "ping"])])
        #expect(results[2].errors.map(\.description) == ["arguments at '/days': expected integer"])
    }

    @Test func cutOffArgumentsAreNeverValid() throws {
        let results = try Self.validate(#"[{"name": "ping", "arguments": {"#)
        #expect(results.count == 1)
        #expect(results[0].errors == [.argumentsIncomplete("{")])
        let notJSON = try ToolCallValidator(tools: Self.tools).validate(ParsedToolCall(index: 0, id: "x", name: "ping", arguments: "{'a': 1}"))
        #expect(notJSON.errors.map(\.description) == ["arguments are not JSON: unexpected character ''' at byte 1"])
    }

    @Test func bfclTypesAreNormalized() throws {
        #expect(Self.tools[0].parameters["type"] == .string("object"))
        #expect(Self.tools[0].parameters["properties"]?["units"]?["type"] == .string("array"))
        #expect(Self.tools[1].parameters == .object(["type": "object", "properties": .object([:])]))
        #expect(throws: ToolDefinitionError.self) { try ToolDefinition.list(from: try JSONValue(parsing: #"[{"name": "a"}, {"name": "a"}]"#)) }
        #expect(throws: ToolDefinitionError.missingName(path: "/function/name")) {
            try ToolDefinition(json: try JSONValue(parsing: #"{"type": "function", "function": {"description": "x"}}"#))
        }
    }
}
