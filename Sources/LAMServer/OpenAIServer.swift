import Hummingbird
import LAMJSON
import LAMOpenAIAPI
import Logging

/// The OpenAI-compatible HTTP server: `POST /v1/chat/completions`, `POST /v1/completions`, `GET /v1/models`,
/// `GET /v1/models/{id}`, `GET /health` and `GET /metrics`, in front of any `ChatCompletionBackend`.
public struct OpenAIServer<Backend: ChatCompletionBackend>: Sendable {
    public let backend: Backend
    public let configuration: ServerConfiguration
    public let logger: Logger
    private let queue: GenerationQueue
    private let metrics = ServerMetrics()

    public init(backend: Backend, configuration: ServerConfiguration, logger: Logger = Logger(label: "lam.server")) {
        self.backend = backend
        self.configuration = configuration
        self.logger = logger
        queue = GenerationQueue(
            maxActive: max(1, configuration.maxConcurrentGenerations), maxWaiting: max(0, configuration.maxQueuedRequests))
    }

    /// The Hummingbird application; `onListening` gets the bound port (useful with port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "SwiftLAM"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting connections and lets running requests finish.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        if let apiKey = configuration.apiKey { router.add(middleware: APIKeyMiddleware(apiKey: apiKey)) }

        let completions = CompletionEndpoints(backend: backend, configuration: configuration, queue: queue, metrics: metrics)
        router.post("/v1/chat/completions") { request, context in
            try await completions.chatCompletion(request, context: context)
        }
        router.post("/v1/completions") { request, context in
            try await completions.completion(request, context: context)
        }
        router.get("/v1/models") { [backend] _, _ in
            Response.json(ModelList(models: backend.models).json)
        }
        // Model ids may contain slashes ("Salesforce/xLAM-2-1b-fc-r"), hence the catch-all.
        router.get("/v1/models/**") { [backend] _, context in
            let id = context.parameters.getCatchAll().joined(separator: "/")
            guard let model = backend.models.first(where: { $0.id == id }) else { throw OpenAIHTTPError.modelNotFound(id) }
            return Response.json(model.json)
        }
        router.get("/health") { _, _ in Response.json(["status": "ok"]) }
        router.get("/metrics") { [metrics, queue, backend] _, _ in
            let text = metrics.render(
                queueWaiting: await queue.waiting, active: await queue.active, backend: await backend.statistics())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return router
    }
}
