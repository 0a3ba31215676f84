import LAMJSON
import LAMOpenAIAPI

/// How one endpoint writes a generation: as server-sent chunks while it runs, and as one object at the end.
protocol CompletionWireFormat: Sendable {
    /// Chunks sent before the first event (the chat role delta).
    func openingChunks() -> [JSONValue]
    /// The chunks for one event, given the transcript that already includes it.
    func chunks(for event: GenerationEvent, transcript: GenerationTranscript) throws -> [JSONValue]
    /// The last chunk when the client asked for usage.
    func usageChunk(_ usage: Usage) -> JSONValue
    /// The non-streamed response.
    func response(_ transcript: GenerationTranscript, finish: GenerationTranscript.Finish, usage: Usage) -> JSONValue
}

/// `/v1/chat/completions`: a role delta first, then content and tool-call deltas, then an empty delta carrying
/// `finish_reason`, exactly as OpenAI streams them.
struct ChatWireFormat: CompletionWireFormat {
    let id: String
    let created: Int
    let model: String
    let includeUsage: Bool

    private func chunk(_ delta: ChatCompletionChunk.Delta, finish: FinishReason? = nil) -> JSONValue {
        ChatCompletionChunk(
            id: id, created: created, model: model,
            choices: [ChatCompletionChunk.Choice(delta: delta, finishReason: finish)], writesUsage: includeUsage
        ).json
    }

    func openingChunks() -> [JSONValue] { [chunk(.init(role: .assistant, content: ""))] }

    func chunks(for event: GenerationEvent, transcript: GenerationTranscript) -> [JSONValue] {
        switch event {
        case .text(let piece):
            piece.isEmpty ? [] : [chunk(.init(content: piece))]
        case .toolCallStarted(let index, let name):
            [chunk(.init(toolCalls: [ToolCallDelta(index: index, id: transcript.toolCalls[index].id, name: name, arguments: "")]))]
        case .toolCallArguments(let index, let fragment):
            fragment.isEmpty ? [] : [chunk(.init(toolCalls: [ToolCallDelta(index: index, arguments: fragment)]))]
        case .finished(let reason, _, _):
            [chunk(.init(), finish: reason)]
        }
    }

    func usageChunk(_ usage: Usage) -> JSONValue {
        ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: usage).json
    }

    func response(_ transcript: GenerationTranscript, finish: GenerationTranscript.Finish, usage: Usage) -> JSONValue {
        let content: String? = transcript.text.isEmpty && !transcript.toolCalls.isEmpty ? nil : transcript.text
        let choice = ChatCompletionResponse.Choice(
            content: content, toolCalls: transcript.toolCalls, finishReason: finish.reason)
        return ChatCompletionResponse(id: id, created: created, model: model, choices: [choice], usage: usage).json
    }
}

/// `/v1/completions`: text pieces, then an empty piece carrying `finish_reason`. Tool calls do not exist here.
struct TextWireFormat: CompletionWireFormat {
    let id: String
    let created: Int
    let model: String

    private func chunk(_ text: String, finish: FinishReason? = nil) -> JSONValue {
        CompletionResponse(
            id: id, created: created, model: model, choices: [.init(text: text, finishReason: finish)], usage: nil
        ).json
    }

    func openingChunks() -> [JSONValue] { [] }

    func chunks(for event: GenerationEvent, transcript: GenerationTranscript) throws -> [JSONValue] {
        switch event {
        case .text(let piece):
            return piece.isEmpty ? [] : [chunk(piece)]
        case .toolCallStarted, .toolCallArguments:
            throw BackendProtocolViolation("a tool call in a text completion")
        case .finished(let reason, _, _):
            return [chunk("", finish: reason)]
        }
    }

    func usageChunk(_ usage: Usage) -> JSONValue {
        CompletionResponse(id: id, created: created, model: model, choices: [], usage: usage).json
    }

    func response(_ transcript: GenerationTranscript, finish: GenerationTranscript.Finish, usage: Usage) -> JSONValue {
        CompletionResponse(
            id: id, created: created, model: model,
            choices: [.init(text: transcript.text, finishReason: finish.reason)], usage: usage
        ).json
    }
}
