import Foundation
import LAMEngine
import LAMJSON
import LAMModels
import LAMOpenAIAPI
import LAMToolCalling

/// Serves a model file through the engine: maps OpenAI requests to `ChatRequest`s (text completions to a raw
/// prompt), and the engine's events to `GenerationEvent`s. Concurrent requests decode together in the
/// engine's batches.
public final class EngineBackend: ChatCompletionBackend {
    public struct Prompt: PreparedPrompt {
        let generation: PreparedChat
        public var tokenCount: Int { generation.prompt.tokens.count }
    }

    public let engine: Engine
    public let models: [ModelDescription]
    /// The temperature of requests that do not give one.
    public let defaultTemperature: Double

    public var contextLength: Int { engine.contextSize }

    /// Loads the model (a GGUF file). `contextLength`: tokens per sequence (default: the model's);
    /// `maxConcurrency`: generations decoded together.
    public init(modelPath: String, modelName: String, contextLength: Int? = nil, maxConcurrency: Int = 4,
                reusesPrefix: Bool = true, defaultTemperature: Double = 0) throws {
        let model = try LoadedModel.load(path: modelPath)
        _ = model.vocabulary  // built now rather than in the first constrained request
        engine = Engine(model: model, contextSize: contextLength, reusesPrefix: reusesPrefix,
                        maxConcurrency: maxConcurrency)
        models = [ModelDescription(id: modelName, created: Self.created(modelPath), ownedBy: "swiftlam")]
        self.defaultTemperature = defaultTemperature
    }

    public func prepare(_ request: ChatCompletionRequest) async throws -> Prompt {
        var chat = ChatRequest(
            messages: request.messages.map(Self.templateMessage),
            tools: request.tools.map {
                LAMToolCalling.ToolDefinition(
                    name: $0.name, description: $0.description,
                    parameters: $0.parameters ?? ["type": "object", "properties": [:]])
            },
            toolChoice: Self.toolChoice(request.effectiveToolChoice),
            parallelToolCalls: request.parallelToolCalls ?? true,
            sampling: sampling(request.sampling))
        chat.stop = request.sampling.stop?.sequences ?? []
        switch request.responseFormat {
        case .jsonObject?: chat.responseSchema = ["type": "object"]
        case .jsonSchema(let format)?: chat.responseSchema = format.schema ?? ["type": "object"]
        case .text?, nil: break
        }
        do {
            return Prompt(generation: try engine.prepare(chat))
        } catch {
            throw Self.fieldError(error, request: request)
        }
    }

    public func prepare(_ request: CompletionRequest) async throws -> Prompt {
        var chat = ChatRequest(messages: [], sampling: sampling(request.sampling))
        chat.stop = request.sampling.stop?.sequences ?? []
        do {
            return Prompt(generation: try engine.prepare(chat, prompt: engine.rawPrompt(request.prompt)))
        } catch {
            throw FieldError(field: "prompt", problem: "\(error)")
        }
    }

    public func generate(_ prompt: Prompt, maxTokens: Int) -> AsyncThrowingStream<GenerationEvent, any Error> {
        var generation = prompt.generation
        generation.request.maxTokens = maxTokens
        let events = engine.stream(generation)
        return AsyncThrowingStream { continuation in
            // Ending this stream (the client went away) cancels the task, which drops the engine's stream: the
            // engine then stops the sequence and gives its cache back.
            let task = Task {
                do {
                    for try await event in events {
                        for translated in Self.translate(event) { continuation.yield(translated) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func statistics() async -> BackendStatistics {
        let usage = engine.kvCacheUsage
        return BackendStatistics(kvCacheUsedTokens: usage.used, kvCacheCapacityTokens: usage.capacity)
    }

    // MARK: Mapping

    /// A message as chat templates read it: text content, and call arguments as objects (templates write them
    /// with `tojson`; a string would come out quoted).
    static func templateMessage(_ message: ChatMessage) -> JSONValue {
        var fields = JSONObject()
        fields["role"] = .string(message.role == .developer ? "system" : message.role.rawValue)
        fields["content"] = message.content.map { .string($0.text) } ?? .null
        if let name = message.name { fields["name"] = .string(name) }
        if !message.toolCalls.isEmpty {
            fields["tool_calls"] = .array(message.toolCalls.map { call in
                let arguments = (try? JSONValue(parsing: Array(call.arguments.utf8))) ?? .string(call.arguments)
                return ["id": .string(call.id), "type": "function",
                        "function": ["name": .string(call.name), "arguments": arguments]]
            })
        }
        if let id = message.toolCallID { fields["tool_call_id"] = .string(id) }
        return .object(fields)
    }

    static func toolChoice(_ choice: LAMOpenAIAPI.ToolChoice) -> LAMToolCalling.ToolChoice {
        switch choice {
        case .none: .none
        case .auto: .auto
        case .required: .required
        case .function(let name): .function(name)
        }
    }

    func sampling(_ request: LAMOpenAIAPI.SamplingParameters) -> LAMModels.SamplingParameters {
        var sampling = LAMModels.SamplingParameters()
        sampling.temperature = Float(request.temperature ?? defaultTemperature)
        if let topP = request.topP { sampling.topP = Float(topP) }
        if let topK = request.topK { sampling.topK = topK }
        if let minP = request.minP { sampling.minP = Float(minP) }
        if let penalty = request.repetitionPenalty { sampling.repetitionPenalty = Float(penalty) }
        if let penalty = request.presencePenalty { sampling.presencePenalty = Float(penalty) }
        if let penalty = request.frequencyPenalty { sampling.frequencyPenalty = Float(penalty) }
        sampling.seed = request.seed.map { UInt64(bitPattern: Int64($0)) }
        return sampling
    }

    static func translate(_ event: ChatEvent) -> [GenerationEvent] {
        switch event {
        case .content(let text):
            return [.text(text)]
        case .toolCall(let delta):
            var events: [GenerationEvent] = []
            if let name = delta.name { events.append(.toolCallStarted(index: delta.index, name: name)) }
            if !delta.arguments.isEmpty { events.append(.toolCallArguments(index: delta.index, fragment: delta.arguments)) }
            return events
        case .finished(let completion):
            let reason: LAMOpenAIAPI.FinishReason = switch completion.finishReason {
            case .stop: .stop
            case .toolCalls: .toolCalls
            case .length: .length
            }
            return [.finished(reason, completionTokens: completion.usage.completionTokens,
                              cachedPromptTokens: completion.usage.cachedPromptTokens)]
        }
    }

    /// What the engine refused, named by the request field it is about.
    static func fieldError(_ error: EngineError, request: ChatCompletionRequest) -> FieldError {
        let field: String
        switch error {
        case .template, .model: field = "messages"
        case .invalidRequest, .inference:
            if case .jsonSchema? = request.responseFormat, request.tools.isEmpty || request.effectiveToolChoice == .auto {
                field = "response_format.json_schema.schema"
            } else if !request.tools.isEmpty {
                field = "tools"
            } else {
                field = "messages"
            }
        }
        return FieldError(field: field, problem: "\(error)")
    }

    private static func created(_ path: String) -> Int {
        let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return Int(date?.timeIntervalSince1970 ?? 0)
    }
}
