import Foundation
import LAMAgent
import LAMJSON
import Testing

enum Unit: String, Codable, Sendable, ToolSchemaEnum { case celsius, fahrenheit }

struct Location: Codable, Sendable, ToolSchemaDescribed {
    var city: String
    var country: String?
    static let fieldDescriptions = ["city": "City name, e.g. London"]
}

struct ForecastQuery: Codable, Sendable, ToolSchemaDescribed {
    var location: Location
    var days: Int
    var unit: Unit?
    var hourly: Bool
    var threshold: Double?
    var tags: [String]
    var stops: [Location]?
    static let fieldDescriptions = ["days": "How many days ahead", "unit": "Temperature unit"]
}

@Suite struct ToolSchemaTests {
    @Test func nestedStructsOptionalsArraysEnumsAndDescriptions() throws {
        let schema = try ToolSchema.of(ForecastQuery.self)
        let location: JSONValue = [
            "type": "object",
            "properties": [
                "city": ["type": "string", "description": "City name, e.g. London"],
                "country": ["type": "string"],
            ],
            "required": ["city"],
        ]
        let expected: JSONValue = [
            "type": "object",
            "properties": [
                "location": location,
                "days": ["type": "integer", "description": "How many days ahead"],
                "unit": ["type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"],
                "hourly": ["type": "boolean"],
                "threshold": ["type": "number"],
                "tags": ["type": "array", "items": ["type": "string"]],
                "stops": ["type": "array", "items": location],
            ],
            "required": ["location", "days", "hourly", "tags"],
        ]
        #expect(schema == expected, "\(schema.pythonJSON(indent: 2))")
    }

    @Test func swiftToolDecodesArgumentsAndEncodesOutput() async throws {
        struct Report: Codable, Sendable { var summary: String; var days: Int }
        let tool = try SwiftTool(name: "forecast", description: "Forecast") { (query: ForecastQuery) in
            Report(summary: "\(query.location.city) \(query.unit?.rawValue ?? "-")", days: query.days)
        }
        let arguments = try JSONValue(parsing: #"{"location": {"city": "Oslo"}, "days": 2, "unit": "celsius", "hourly": false, "tags": []}"#)
        #expect(try await tool.call(arguments: arguments) == #"{"days":2,"summary":"Oslo celsius"}"#)
        #expect(tool.definition.openAIJSON["function"]?["name"] == "forecast")
    }

    @Test func unsupportedShapesFailInsteadOfGuessing() {
        struct Nested: Decodable, Sendable {
            var matrix: [Int]
            init(from decoder: any Decoder) throws {
                var outer = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .matrix)
                matrix = [try outer.decode(Int.self)]
            }
            enum CodingKeys: CodingKey { case matrix }
        }
        #expect(throws: DecodingError.self) { try ToolSchema.of(Nested.self) }
    }
}
