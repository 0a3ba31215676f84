import Foundation
import Hummingbird
import LAMJSON
import LAMOpenAIAPI

/// The generating endpoints, `/v1/chat/completions` and `/v1/completions`: decode and validate the request,
/// check the model and the context length, wait for a slot, then stream or collect the generation.
struct CompletionEndpoints<Backend: ChatCompletionBackend>: Sendable {
    let backend: Backend
    let configuration: ServerConfiguration
    let queue: GenerationQueue
    let metrics: ServerMetrics

    func chatCompletion(_ request: Request, context: some RequestContext) async throws -> Response {
        let received = ContinuousClock.now
        var request = request
        let chat = try ChatCompletionRequest(json: try await readJSON(&request))
        try checkModel(chat.model)
        let prompt = try await backend.prepare(chat)
        let maxTokens = try completionBudget(promptTokens: prompt.tokenCount, requested: chat.maxTokens)
        let format = ChatWireFormat(
            id: RandomID.make(prefix: "chatcmpl-"), created: Self.now(), model: chat.model,
            includeUsage: chat.includeUsage == true)
        return try await respond(
            to: request, prompt: prompt, maxTokens: maxTokens, format: format, stream: chat.stream,
            includeUsage: chat.includeUsage == true, received: received, context: context)
    }

    func completion(_ request: Request, context: some RequestContext) async throws -> Response {
        let received = ContinuousClock.now
        var request = request
        let completion = try CompletionRequest(json: try await readJSON(&request))
        try checkModel(completion.model)
        let prompt = try await backend.prepare(completion)
        let remaining = backend.contextLength - prompt.tokenCount
        let maxTokens = try completionBudget(
            promptTokens: prompt.tokenCount,
            requested: completion.sampling.maxTokens ?? min(CompletionRequest.defaultMaxTokens, max(remaining, 1)))
        let format = TextWireFormat(id: RandomID.make(prefix: "cmpl-"), created: Self.now(), model: completion.model)
        return try await respond(
            to: request, prompt: prompt, maxTokens: maxTokens, format: format, stream: completion.stream,
            includeUsage: completion.includeUsage == true, received: received, context: context)
    }

    // MARK: Checks before generating

    private func readJSON(_ request: inout Request) async throws -> JSONValue {
        let body = try await collectBody(&request)
        do {
            return try JSONValue(parsing: Array(body.readableBytesView))
        } catch {
            throw OpenAIHTTPError.invalidRequest(
                "We could not parse the JSON body of your request: \(error). (HINT: This likely means you aren't "
                    + "using your HTTP library correctly.)")
        }
    }

    /// The whole body, or a 413 as soon as it grows past the limit. The collected body is put back into the
    /// request, which keeps watching the connection for `cancellingOnDisconnect`.
    private func collectBody(_ request: inout Request) async throws -> ByteBuffer {
        let limit = configuration.maxRequestBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw OpenAIHTTPError.bodyTooLarge(limit: limit)
        }
        var body = ByteBuffer()
        for try await part in request.body {
            guard body.readableBytes + part.readableBytes <= limit else { throw OpenAIHTTPError.bodyTooLarge(limit: limit) }
            body.writeImmutableBuffer(part)
        }
        request.body = RequestBody(buffer: body)
        return body
    }

    private func checkModel(_ model: String) throws {
        guard backend.models.contains(where: { $0.id == model }) else { throw OpenAIHTTPError.modelNotFound(model) }
    }

    /// How many tokens may be generated: what the client asked for, or the rest of the context.
    private func completionBudget(promptTokens: Int, requested: Int?) throws -> Int {
        let limit = backend.contextLength
        if let requested {
            guard promptTokens + requested <= limit else {
                throw OpenAIHTTPError.contextLengthExceeded(limit: limit, promptTokens: promptTokens, completionTokens: requested)
            }
            return requested
        }
        guard promptTokens < limit else {
            throw OpenAIHTTPError.contextLengthExceeded(limit: limit, promptTokens: promptTokens, completionTokens: nil)
        }
        return limit - promptTokens
    }

    // MARK: Generating

    private func respond(
        to request: Request, prompt: Backend.Prompt, maxTokens: Int, format: some CompletionWireFormat, stream: Bool,
        includeUsage: Bool, received: ContinuousClock.Instant, context: some RequestContext
    ) async throws -> Response {
        let ticket: GenerationQueue.Ticket
        do {
            ticket = try await queue.admit()
        } catch {
            throw OpenAIHTTPError.queueFull
        }
        let run = GenerationRun(backend: backend, prompt: prompt, maxTokens: maxTokens, received: received, metrics: metrics)
        guard stream else {
            let transcript = try await cancellingOnDisconnect(request) {
                try await queue.run(ticket) { try await run.collect() }
            }
            let finish = try transcript.requireFinish()
            var response = Response.json(format.response(transcript, finish: finish, usage: run.usage(finish)))
            response.headers[.connection] = "close"
            return response
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"],
            body: ResponseBody { writer in
                var events = ServerSentEventWriter(writer: writer)
                do {
                    try await cancellingOnDisconnect(request) {
                        try await queue.run(ticket) {
                            try await run.stream(format: format, includeUsage: includeUsage, to: &events)
                        }
                    }
                } catch is CancellationError {
                    return  // the client went away
                } catch {
                    // After the 200 head has gone out, errors travel in the stream, as OpenAI sends them.
                    context.logger.error("streamed generation failed: \(String(reflecting: error))")
                    try await events.send(OpenAIHTTPError.internalError("The server had an error while generating.").body.json)
                }
                try await events.sendDone()
                try await events.finish()
            })
    }

    /// Runs `operation`, cancelling it when the client closes the connection. Watching for the close reads
    /// the connection past this request, so the connection cannot serve another one: completion responses
    /// say `Connection: close`.
    private func cancellingOnDisconnect<Value: Sendable>(
        _ request: Request, _ operation: () async throws -> Value
    ) async throws -> Value {
        do {
            return try await request.body.consumeWithCancellationOnInboundClose { _ in try await operation() }
        } catch is CancellationError {
            metrics.recordCancellation()
            throw CancellationError()
        }
    }

    private static func now() -> Int { Int(Date().timeIntervalSince1970) }
}

/// One generation: runs the backend's event stream into a transcript, recording latency and token counts.
struct GenerationRun<Backend: ChatCompletionBackend>: Sendable {
    let backend: Backend
    let prompt: Backend.Prompt
    let maxTokens: Int
    let received: ContinuousClock.Instant
    let metrics: ServerMetrics

    func usage(_ finish: GenerationTranscript.Finish) -> Usage {
        Usage(
            promptTokens: prompt.tokenCount, completionTokens: finish.completionTokens,
            cachedPromptTokens: finish.cachedPromptTokens)
    }

    func collect() async throws -> GenerationTranscript {
        try await run { _, _ in }
    }

    func stream(
        format: some CompletionWireFormat, includeUsage: Bool, to events: inout ServerSentEventWriter
    ) async throws {
        for chunk in format.openingChunks() { try await events.send(chunk) }
        let transcript = try await run { event, transcript in
            for chunk in try format.chunks(for: event, transcript: transcript) { try await events.send(chunk) }
        }
        if includeUsage { try await events.send(format.usageChunk(usage(try transcript.requireFinish()))) }
    }

    /// Folds the backend's events into a transcript, handing each to `onEvent` as it arrives.
    private func run(
        _ onEvent: (GenerationEvent, GenerationTranscript) async throws -> Void
    ) async throws -> GenerationTranscript {
        var transcript = GenerationTranscript()
        var sawFirstToken = false
        for try await event in backend.generate(prompt, maxTokens: maxTokens) {
            try transcript.append(event)
            if !sawFirstToken, event.isOutput {
                sawFirstToken = true
                metrics.recordFirstToken(after: ContinuousClock.now - received)
            }
            try await onEvent(event, transcript)
        }
        let finish = try transcript.requireFinish()
        metrics.recordUsage(
            promptTokens: prompt.tokenCount, completionTokens: finish.completionTokens,
            cachedPromptTokens: finish.cachedPromptTokens)
        metrics.recordGeneration(duration: ContinuousClock.now - received)
        return transcript
    }
}

extension GenerationEvent {
    /// Whether the event shows the client generated output (what time-to-first-token waits for).
    fileprivate var isOutput: Bool {
        switch self {
        case .text(let piece): !piece.isEmpty
        case .toolCallStarted: true
        case .toolCallArguments, .finished: false
        }
    }
}
