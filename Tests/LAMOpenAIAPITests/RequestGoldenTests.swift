import Foundation
import LAMJSON
import LAMOpenAIAPI
import LAMTestSupport
import Testing

/// The request bodies the official `openai` Python client sends (scripts/golden/openai_requests.py).
struct CapturedRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let body: JSONValue

    var testDescription: String { name }

    static func all() throws -> [CapturedRequest] {
        let text = try String(contentsOf: Golden.url("openai/requests.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let row = try JSONValue(parsing: String(line))
            return CapturedRequest(
                name: row["name"]!.stringValue!, path: row["path"]!.stringValue!, body: row["body"]!)
        }
    }

    func decode() throws -> JSONValue {
        path == "/v1/chat/completions" ? try ChatCompletionRequest(json: body).json : try CompletionRequest(json: body).json
    }
}

/// What decoding drops on purpose: `null` members (OpenAI reads them as absent), fields that change nothing
/// here (`user`, `n` = 1), and the one-element prompt list (read as its string).
private func normalized(_ value: JSONValue, key: String? = nil) -> JSONValue {
    switch value {
    case .object(let object):
        var result = JSONObject()
        for (key, member) in object where !member.isNull && key != "user" && key != "n" {
            result[key] = normalized(member, key: key)
        }
        return .object(result)
    case .array(let elements) where key == "prompt" && elements.count == 1:
        return elements[0]
    case .array(let elements):
        return .array(elements.map { normalized($0) })
    default:
        return value
    }
}

@Test(arguments: try CapturedRequest.all())
func clientRequestsDecodeAndEncodeBackUnchanged(_ request: CapturedRequest) throws {
    let encoded = try request.decode()
    #expect(
        encoded.pythonJSON(sortKeys: true) == normalized(request.body).pythonJSON(sortKeys: true),
        "\(request.name): what decoding kept differs from what the client sent")
}

@Test func toolSchemasKeepTheirKeyOrder() throws {
    let request = try #require(try CapturedRequest.all().first { $0.name == "tools_auto" })
    let decoded = try ChatCompletionRequest(json: request.body)
    let sentSchema = request.body["tools"]?[0]?["function"]?["parameters"]
    // Exact equality of ordered objects: the same keys in the same order, all the way down.
    #expect(decoded.tools[0].parameters == sentSchema)
    #expect(decoded.tools[0].parameters?["properties"]?.objectValue?.keys.elements == ["city", "unit", "days"])
}

@Test func decodedRequestsMeanWhatTheClientAsked() throws {
    let requests = try CapturedRequest.all()
    func chat(_ name: String) throws -> ChatCompletionRequest {
        try ChatCompletionRequest(json: try #require(requests.first { $0.name == name }).body)
    }
    let sampling = try chat("sampling")
    #expect(sampling.maxTokens == 30)  // max_completion_tokens wins over max_tokens
    #expect(sampling.sampling.stop?.sequences == ["\n", "."])
    #expect(sampling.sampling.temperature == 0.7 && sampling.sampling.seed == 42)
    #expect(try chat("stop_string").sampling.stop?.sequences == ["END"])
    #expect(try chat("tool_choice_named").toolChoice == .function(name: "get_time"))
    #expect(try chat("tool_choice_required").parallelToolCalls == false)
    #expect(try chat("tools_auto").effectiveToolChoice == .auto)
    #expect(try chat("plain").effectiveToolChoice == ToolChoice.none)
    let multiTurn = try chat("multi_turn_tool_result")
    #expect(multiTurn.messages[1].content == nil)
    #expect(multiTurn.messages[1].toolCalls == [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city": "Paris"}"#)])
    #expect(multiTurn.messages[2].toolCallID == "call_1")
    #expect(try chat("content_parts").messages[0].content?.text == "Hello there")
    #expect(try chat("stream_usage").includeUsage == true)
    guard case .jsonSchema(let format) = try chat("json_schema").responseFormat else {
        Issue.record("json_schema response format not decoded")
        return
    }
    #expect(format.name == "person" && format.strict == true)
    let completion = try CompletionRequest(json: try #require(requests.first { $0.name == "completion_stream" }).body)
    #expect(completion.prompt == "def f():" && completion.stream)
}
