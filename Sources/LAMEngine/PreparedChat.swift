import LAMJSON
import LAMToolCalling

/// A chat request ready to generate: its prompt, and what constrains, parses and validates its reply (the
/// grammar for `tool_choice`/`response_format`, the call format, the tool validator).
///
/// Built by `Engine.prepare(_:prompt:)`, so that a bad request (a schema that cannot be decoded, a template
/// that refuses the messages) fails before any generation starts.
public struct PreparedChat: Sendable {
    public var request: ChatRequest
    public let prompt: Prompt
    let grammar: Grammar?
    let format: ToolCallFormat?
    let validator: ToolCallValidator?

    init(request: ChatRequest, prompt: Prompt, detectedFormat: ToolCallFormat?) throws(EngineError) {
        self.request = request
        self.prompt = prompt
        let callsWanted = !request.tools.isEmpty && request.toolChoice != .none
        let format = callsWanted ? request.toolCallFormat ?? detectedFormat ?? .xlam : nil
        self.format = format
        do {
            validator = request.tools.isEmpty ? nil : try ToolCallValidator(tools: request.tools)
            if !request.constrained {
                grammar = nil
            } else if let format, request.toolChoice != .auto || request.responseSchema == nil {
                // Strict (no undeclared properties) keeps models from inventing arguments; a schema that requires
                // keys it does not declare (BFCL has some) is only satisfiable without it.
                let build = { (strict: Bool) throws(SchemaError) in
                    try Grammar.toolCalls(request.tools, choice: request.toolChoice, format: format,
                                          parallelCalls: request.parallelToolCalls, strict: strict)
                }
                do {
                    grammar = try build(true)
                } catch .tooComplex {
                    grammar = try build(false)
                }
            } else if let schema = request.responseSchema {
                grammar = try Grammar(schema: JSONSchema(schema))
            } else {
                grammar = nil
            }
        } catch {
            throw .invalidRequest("\(error)")
        }
    }

    /// The checks that depend on the context and the length limit, made when generation starts.
    func checkLength(contextSize: Int) throws(EngineError) {
        guard prompt.tokens.count < contextSize else {
            throw .invalidRequest("the prompt has \(prompt.tokens.count) tokens; the context holds \(contextSize)")
        }
        guard request.maxTokens > 0 else { throw .invalidRequest("max_tokens must be positive") }
    }
}
