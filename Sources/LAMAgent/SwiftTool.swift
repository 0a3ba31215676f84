import Foundation
import LAMJSON
import LAMToolCalling

/// A Swift function as a tool: its `Input` type's JSON Schema is derived by `ToolSchema`, the model's arguments
/// are decoded into `Input`, and the `Output` is encoded as JSON for the model to read (a `String` output is
/// passed as it is).
///
/// ```swift
/// struct WeatherQuery: Codable, Sendable { var city: String; var unit: Unit? }
/// let weather = try SwiftTool(name: "get_weather", description: "Current weather in a city") {
///     (query: WeatherQuery) in try await fetchWeather(query.city, query.unit ?? .celsius)
/// }
/// ```
public struct SwiftTool<Input: Decodable & Sendable, Output: Encodable & Sendable>: AgentTool {
    public let definition: ToolDefinition
    public let hasSideEffects: Bool
    private let body: @Sendable (Input) async throws -> Output

    public init(
        name: String,
        description: String,
        hasSideEffects: Bool = false,
        _ body: @escaping @Sendable (Input) async throws -> Output
    ) throws {
        definition = ToolDefinition(name: name, description: description, parameters: try ToolSchema.of(Input.self))
        self.hasSideEffects = hasSideEffects
        self.body = body
    }

    public func call(arguments: JSONValue) async throws -> String {
        let input: Input
        do {
            input = try JSONDecoder().decode(Input.self, from: Data(arguments.compactJSON.utf8))
        } catch {
            throw ToolFailure("arguments do not fit \(Input.self): \(error)")
        }
        let output = try await body(input)
        if let text = output as? String { return text }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
