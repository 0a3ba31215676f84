import LAMOpenAIAPI

/// Everything a generation produced so far, folded from its events: the text, the tool calls (with the ids
/// the server gave them), and how it finished. It also checks that the backend keeps the event protocol.
struct GenerationTranscript: Sendable {
    struct Finish: Sendable {
        let reason: FinishReason
        let completionTokens: Int
        let cachedPromptTokens: Int?
    }

    private(set) var text = ""
    private(set) var toolCalls: [ToolCall] = []
    private(set) var finish: Finish?

    mutating func append(_ event: GenerationEvent) throws(BackendProtocolViolation) {
        guard finish == nil else { throw BackendProtocolViolation("an event came after .finished") }
        switch event {
        case .text(let piece):
            text += piece
        case .toolCallStarted(let index, let name):
            guard index == toolCalls.count else {
                throw BackendProtocolViolation("tool call \(index) started after \(toolCalls.count) calls")
            }
            toolCalls.append(ToolCall(id: RandomID.make(prefix: "call_"), name: name, arguments: ""))
        case .toolCallArguments(let index, let fragment):
            guard toolCalls.indices.contains(index) else {
                throw BackendProtocolViolation("arguments for tool call \(index), which has not started")
            }
            toolCalls[index].arguments += fragment
        case .finished(let reason, let completionTokens, let cachedPromptTokens):
            finish = Finish(reason: reason, completionTokens: completionTokens, cachedPromptTokens: cachedPromptTokens)
        }
    }

    /// The finish, or a violation when the stream ended without one.
    func requireFinish() throws(BackendProtocolViolation) -> Finish {
        guard let finish else { throw BackendProtocolViolation("the event stream ended without .finished") }
        return finish
    }
}

/// A backend broke the `ChatCompletionBackend` event protocol: a server bug, answered as a 500.
struct BackendProtocolViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "backend protocol violation: \(description)" }
}

/// Identifiers like OpenAI's: a prefix and 24 random letters and digits.
enum RandomID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
