import Foundation
import LAMJSON
import LAMToolCalling

/// What happens during a user turn, in order, for UIs and logs.
public enum AgentEvent: Sendable, Hashable {
    /// A piece of the model's text as it streams.
    case text(String)
    /// The model asked for a call (before it runs).
    case call(AgentToolCall)
    /// A call's result as the model will read it; `isError` for unknown tools, bad arguments, failures, timeouts.
    case result(callID: String, name: String, content: String, isError: Bool)
    /// The turn's final answer.
    case answer(String)
    /// The turn ended without an answer (step limit, empty reply, backend failure).
    case error(String)
}

/// How a user turn ended.
public struct TurnOutcome: Sendable, Hashable {
    public enum Stop: Sendable, Hashable {
        case answered
        /// The model replied with neither text nor calls.
        case emptyReply
        /// `maximumSteps` model replies in a row all asked for calls.
        case stepLimit
    }

    public var stop: Stop
    /// The final answer (empty unless `stop == .answered`).
    public var answer: String
    /// Model replies this turn took.
    public var steps: Int

    public init(stop: Stop, answer: String, steps: Int) {
        self.stop = stop
        self.answer = answer
        self.steps = steps
    }
}

/// The limits of one agent.
public struct AgentLimits: Sendable, Hashable {
    /// Model replies per user turn before the turn is stopped.
    public var maximumSteps: Int
    /// Longest a single tool call may run before the model is told it timed out.
    public var toolTimeout: Duration
    /// Whether a call identical to one that already succeeded in an earlier step of the same user turn (same
    /// tool, same arguments) runs again. Small models often repeat their last call after reading its result;
    /// by default the repeat does not run and the model gets the earlier result back with a reminder, so a
    /// stutter does not add the same to-do twice. Identical calls within one reply always run.
    public var rerunsRepeatedCalls: Bool

    public init(maximumSteps: Int = 10, toolTimeout: Duration = .seconds(60), rerunsRepeatedCalls: Bool = false) {
        self.maximumSteps = maximumSteps
        self.toolTimeout = toolTimeout
        self.rerunsRepeatedCalls = rerunsRepeatedCalls
    }
}

/// Decides whether a side-effecting call may run (interactive use asks the user). Returning false reports a
/// refusal to the model instead of running the tool.
public typealias ToolConfirmation = @Sendable (AgentToolCall) async -> Bool

/// The agent loop: model → validated calls → tools (a turn's calls run concurrently) → one result message per call
/// → model … until the model answers in text. Holds the conversation, so successive `run` calls continue it.
public actor Agent {
    public nonisolated let model: any AgentModel
    public nonisolated let tools: [any AgentTool]
    public nonisolated let limits: AgentLimits
    public private(set) var messages: [AgentMessage]
    private let systemPrompt: String?
    private let validator: ToolCallValidator
    private let toolsByName: [String: any AgentTool]
    private let confirmation: ToolConfirmation?
    private var callCounter = 0

    /// - Parameters:
    ///   - systemPrompt: the policy; nil lets the backend's chat template write its default system text.
    ///   - confirmation: asked before each call of a tool with side effects; nil runs them all.
    public init(
        model: any AgentModel,
        tools: [any AgentTool],
        systemPrompt: String? = nil,
        limits: AgentLimits = AgentLimits(),
        confirmation: ToolConfirmation? = nil
    ) throws(AgentError) {
        var byName: [String: any AgentTool] = [:]
        for tool in tools {
            guard byName[tool.definition.name] == nil else { throw .duplicateTool(tool.definition.name) }
            byName[tool.definition.name] = tool
        }
        do {
            validator = try ToolCallValidator(tools: tools.map(\.definition))
        } catch {
            throw .invalidToolSchema(tool: "?", reason: "\(error)")
        }
        self.model = model
        self.tools = tools
        self.toolsByName = byName
        self.systemPrompt = systemPrompt
        self.limits = limits
        self.confirmation = confirmation
        self.messages = systemPrompt.map { [.system($0)] } ?? []
    }

    /// Continues a saved conversation (see `Transcript`).
    public func restore(_ saved: [AgentMessage]) {
        messages = saved
    }

    /// Forgets the conversation, keeping the system prompt.
    public func reset() {
        messages = systemPrompt.map { [.system($0)] } ?? []
    }

    /// Runs one user turn to its end. Backend errors are thrown (the conversation keeps what happened before).
    @discardableResult
    public func run(_ userText: String, events: @escaping @Sendable (AgentEvent) -> Void = { _ in }) async throws
        -> TurnOutcome
    {
        messages.append(.user(userText))
        let definitions = tools.map(\.definition)
        var succeeded: [RepeatKey: String] = [:]
        for step in 1...max(1, limits.maximumSteps) {
            let reply: ModelReply
            do {
                reply = try await model.reply(to: messages, tools: definitions, onText: { events(.text($0)) })
            } catch {
                events(.error("model failed: \(error)"))
                throw error
            }
            if reply.calls.isEmpty {
                let answer = reply.content.trimmingCharacters(in: .whitespacesAndNewlines)
                messages.append(AgentMessage(role: .assistant, content: reply.content))
                if answer.isEmpty {
                    events(.error("the model replied with neither text nor a tool call"))
                    return TurnOutcome(stop: .emptyReply, answer: "", steps: step)
                }
                events(.answer(answer))
                return TurnOutcome(stop: .answered, answer: answer, steps: step)
            }
            let calls = reply.calls.map { call -> ParsedToolCall in
                var call = call
                if call.id.isEmpty { call.id = nextCallID() }
                return call
            }
            let requested = calls.map { AgentToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) }
            messages.append(AgentMessage(role: .assistant, content: reply.content, toolCalls: requested))
            for call in requested { events(.call(call)) }
            let validated = calls.map(validator.validate)
            let keys = validated.map(RepeatKey.init)
            let repeats = keys.map { key in limits.rerunsRepeatedCalls ? nil : key.flatMap { succeeded[$0] } }
            let fresh = await execute(validated.indices.filter { repeats[$0] == nil }.map { validated[$0] })
            var freshResults = fresh.makeIterator()
            let results = repeats.map { earlier in
                earlier.map { CallResult(content: Self.repeatReminder(earlier: $0), isError: true) } ?? freshResults.next()!
            }
            for (key, result) in zip(keys, results) where !result.isError {
                if let key { succeeded[key] = result.content }
            }
            for (call, result) in zip(requested, results) {
                events(.result(callID: call.id, name: call.name, content: result.content, isError: result.isError))
                messages.append(
                    AgentMessage(role: .tool, content: result.content, toolCallID: call.id, name: call.name))
            }
        }
        events(.error("stopped after \(limits.maximumSteps) steps without a final answer"))
        return TurnOutcome(stop: .stepLimit, answer: "", steps: limits.maximumSteps)
    }

    private static func repeatReminder(earlier result: String) -> String {
        "Not run again: this exact call already ran in this turn and returned: \(result)\n"
            + "Do not repeat it; make the next call the task needs, or answer the user."
    }

    /// A valid call's tool and arguments, keys sorted at every level (argument order does not make a new call).
    private struct RepeatKey: Hashable {
        var name: String
        var arguments: JSONValue

        init?(_ call: ValidatedToolCall) {
            guard call.isValid, let arguments = call.arguments else { return nil }
            name = call.call.name
            self.arguments = Self.sortingKeys(arguments)
        }

        private static func sortingKeys(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let object):
                var sorted = JSONObject()
                for key in object.keys.sorted() { sorted[key] = sortingKeys(object[key]!) }
                return .object(sorted)
            case .array(let items): return .array(items.map(sortingKeys))
            default: return value
            }
        }
    }

    private func nextCallID() -> String {
        callCounter += 1
        return "call_\(callCounter)"
    }

    private struct CallResult: Sendable {
        var content: String
        var isError: Bool
    }

    /// Runs one turn's calls concurrently; results come back in the calls' order.
    private func execute(_ calls: [ValidatedToolCall]) async -> [CallResult] {
        await withTaskGroup(of: (Int, CallResult).self) { group in
            for (index, call) in calls.enumerated() {
                let tool = toolsByName[call.call.name]
                let confirmation = confirmation
                let timeout = limits.toolTimeout
                group.addTask {
                    (index, await Self.execute(call, tool: tool, confirmation: confirmation, timeout: timeout))
                }
            }
            var results = [CallResult?](repeating: nil, count: calls.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    private static func execute(
        _ call: ValidatedToolCall, tool: (any AgentTool)?, confirmation: ToolConfirmation?, timeout: Duration
    ) async -> CallResult {
        guard let tool, call.isValid, let arguments = call.arguments else {
            let reasons = call.errors.map(\.description).joined(separator: "; ")
            return CallResult(content: "Error: \(reasons). Fix the call and try again.", isError: true)
        }
        if tool.hasSideEffects, let confirmation {
            let request = AgentToolCall(id: call.call.id, name: call.call.name, arguments: call.call.arguments)
            guard await confirmation(request) else {
                return CallResult(content: "Error: the user declined to run \(tool.definition.name).", isError: true)
            }
        }
        switch await runWithTimeout(timeout, { try await tool.call(arguments: arguments) }) {
        case .finished(let text):
            return CallResult(content: text, isError: false)
        case .failed(let error):
            return CallResult(content: "Error: \(tool.definition.name) failed: \(error)", isError: true)
        case .timedOut:
            return CallResult(
                content: "Error: \(tool.definition.name) did not finish within \(timeout.secondsText).", isError: true)
        }
    }
}

extension Duration {
    fileprivate var secondsText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
