import Foundation
import LAMEngine
import LAMJSON
import LAMToolCalling

/// Runs BFCL entries on a model loaded in this process: raw prompts are encoded with their special tokens and
/// continued, chat requests go through the model's own template; decoding is greedy at temperature 0.
///
/// `constrained`: the reply is either plain text or, once it starts like a call list, a list of calls to the
/// offered tools with schema-valid arguments (the engine's `tool_choice: auto` grammar in the prompt's call
/// format: xLAM's JSON list for raw prompts, the template's own format for chat).
public struct BFCLEngineBackend: BFCLBackend {
    public let engine: Engine
    public let modelName: String
    public let promptStyle: BFCLPromptStyle

    /// `modelName`: the folder results are filed under (default: the file name without `.gguf`);
    /// `promptStyle`: default `.xlam` when the model's template teaches xLAM's call format, else `.chatTemplate`.
    public init(engine: Engine, modelName: String? = nil, promptStyle: BFCLPromptStyle? = nil) {
        self.engine = engine
        let file = URL(fileURLWithPath: engine.model.path).lastPathComponent
        self.modelName = modelName ?? (file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file)
        self.promptStyle = promptStyle ?? (engine.model.detectedToolCallFormat == .xlam ? .xlam : .chatTemplate)
    }

    public func generate(_ request: BFCLGenerationRequest) async throws -> BFCLGeneration {
        let started = ContinuousClock.now
        let tools = try request.tools.map { json in
            do { return try ToolDefinition(json: json) } catch { throw BFCLBackendError.badTool(request.entryID, "\(error)") }
        }
        var chat: ChatRequest
        let prompt: Prompt
        switch request.prompt {
        case .raw(let text):
            chat = ChatRequest(messages: [], tools: tools, toolCallFormat: .xlam)
            prompt = Prompt(rawText: text, tokenizer: engine.model.tokenizer)
        case .chat(let messages, _):
            chat = ChatRequest(messages: messages, tools: tools)
            prompt = try engine.prompt(for: chat)
        }
        // As BFCL's handler does: the reply gets what the context has left, up to the requested length.
        let room = engine.contextSize - prompt.tokens.count - 2
        guard room > 0 else {
            return BFCLGeneration(
                text: "Error during inference: the prompt has \(prompt.tokens.count) tokens; the context holds \(engine.contextSize)",
                inputTokens: prompt.tokens.count, outputTokens: 0, latency: (ContinuousClock.now - started).seconds)
        }
        chat.maxTokens = min(request.maxNewTokens, room)
        chat.sampling.temperature = Float(request.temperature)
        chat.constrained = request.constrained

        let completion: ChatCompletion
        do {
            completion = try await engine.complete(chat, prompt: prompt)
        } catch EngineError.invalidRequest(let reason) where request.constrained {
            // The prompt fits (checked above), so the grammar could not be built from these tools: decode this
            // entry freely rather than lose it, and say so.
            FileHandle.standardError.write(Data("\n\(request.entryID): not constrained (\(reason))\n".utf8))
            chat.constrained = false
            completion = try await engine.complete(chat, prompt: prompt)
        }
        let text = switch request.prompt {
        case .raw: completion.text
        case .chat: Self.xlamText(completion)
        }
        return BFCLGeneration(
            text: text, inputTokens: completion.usage.promptTokens, outputTokens: completion.usage.completionTokens,
            latency: (ContinuousClock.now - started).seconds,
            decodeTime: completion.timings.decodeSeconds + completion.timings.maskSeconds)
    }

    /// A chat reply as BFCL's checker reads answers: its calls as an xLAM JSON list when the template's parser
    /// found calls with JSON arguments, else the text as the model wrote it (which then fails to decode, as an
    /// answer without calls should).
    static func xlamText(_ completion: ChatCompletion) -> String {
        let calls = completion.toolCalls.compactMap { call in
            call.call.argumentsValue.map { JSONValue.object(["name": .string(call.call.name), "arguments": $0]) }
        }
        guard !calls.isEmpty, calls.count == completion.toolCalls.count else { return completion.text }
        return JSONValue.array(calls).pythonJSON()
    }
}

/// Problems a backend reports for one entry.
public enum BFCLBackendError: Error, Sendable, CustomStringConvertible {
    case badTool(String, String)

    public var description: String {
        switch self {
        case .badTool(let entry, let reason): "\(entry): a function cannot be used as a tool: \(reason)"
        }
    }
}

extension Engine {
    /// The whole reply to a request whose prompt was built by the caller.
    fileprivate func complete(_ request: ChatRequest, prompt: Prompt) async throws -> ChatCompletion {
        for try await event in stream(request, prompt: prompt) {
            if case .finished(let completion) = event { return completion }
        }
        throw CancellationError()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
