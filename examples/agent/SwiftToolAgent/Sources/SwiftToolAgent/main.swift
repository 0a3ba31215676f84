import Foundation
import LAMAgent
import LAMEngine

// A tool's input is a plain Codable struct: its JSON Schema is derived from the type.
enum TemperatureUnit: String, Codable, Sendable, ToolSchemaEnum { case celsius, fahrenheit }

struct WeatherQuery: Codable, Sendable, ToolSchemaDescribed {
    var city: String
    var unit: TemperatureUnit?  // optional → not required
    static let fieldDescriptions = ["city": "City name, e.g. Paris", "unit": "Temperature unit (default celsius)"]
}

struct Weather: Codable, Sendable {
    var city: String
    var temperature: Double
    var unit: TemperatureUnit
}

let weather = try SwiftTool(name: "get_weather", description: "Current temperature in a city") {
    (query: WeatherQuery) in
    let unit = query.unit ?? .celsius
    let celsius = Double(query.city.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 30)  // a stand-in service
    return Weather(city: query.city, temperature: unit == .celsius ? celsius : celsius * 9 / 5 + 32, unit: unit)
}

// Usage: SwiftToolAgent MODEL.gguf               (the model runs in this process)
//        SwiftToolAgent ENDPOINT_URL MODEL_NAME   (any OpenAI-compatible server)
let arguments = CommandLine.arguments
let model: any AgentModel
if arguments.count == 2 {
    model = EngineModel(engine: Engine(model: try LoadedModel.load(path: arguments[1]), contextSize: 4096))
} else {
    let endpoint = arguments.count > 1 ? arguments[1] : "http://localhost:8080/v1"
    model = OpenAIEndpointModel(baseURL: endpoint, modelName: arguments.count > 2 ? arguments[2] : "xLAM-2-1b-fc-r")
}
let agent = try Agent(model: model, tools: [weather], limits: AgentLimits(maximumSteps: 5, toolTimeout: .seconds(10)))

let outcome = try await agent.run("Is it warmer in Paris or in Oslo right now?") { event in
    switch event {
    case .call(let call): print("→ \(call.name)(\(call.arguments))")
    case .result(_, let name, let content, _): print("← \(name): \(content)")
    case .answer(let answer): print(answer)
    case .error(let message): print("error: \(message)")
    case .text: break
    }
}
print("(\(outcome.steps) steps)")
