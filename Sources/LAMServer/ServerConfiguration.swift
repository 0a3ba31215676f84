/// How `lam serve` listens and what it lets clients do.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (see `OpenAIServer.run(onListening:)`).
    public var port: Int
    /// When set, every `/v1` request must carry `Authorization: Bearer <apiKey>`.
    public var apiKey: String?
    /// Generations that run at once; the engine batches their decode steps.
    public var maxConcurrentGenerations: Int
    /// Requests that may wait for a generation slot; one more gets HTTP 429.
    public var maxQueuedRequests: Int
    /// The largest request body accepted; a larger one gets HTTP 413.
    public var maxRequestBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, maxConcurrentGenerations: Int = 4,
        maxQueuedRequests: Int = 64, maxRequestBytes: Int = 4 << 20
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.maxConcurrentGenerations = maxConcurrentGenerations
        self.maxQueuedRequests = maxQueuedRequests
        self.maxRequestBytes = maxRequestBytes
    }
}
