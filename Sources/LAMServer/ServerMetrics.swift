import Prometheus

/// The Prometheus metrics behind `GET /metrics`: traffic, tokens, latency, queue depth and KV-cache use.
/// Each server owns its registry, so that servers (and tests) never share counts.
final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()

    private let promptTokens: Counter
    private let cachedPromptTokens: Counter
    private let completionTokens: Counter
    private let cancelledGenerations: Counter
    private let timeToFirstToken: DurationHistogram
    private let generationDuration: DurationHistogram
    private let queueWaiting: Gauge
    private let generationsActive: Gauge
    private let kvCacheUsedTokens: Gauge
    private let kvCacheCapacityTokens: Gauge

    /// Latency buckets from 5 ms to 5 minutes: CPU inference spans that whole range.
    private static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "lam", metricName: metric, unitName: unit, helpText: help)
    }

    // Labeled metrics are looked up per request (the registry keeps one series per label set).
    private static var requests: MetricNameDescriptor {
        name("http_requests", "total", "HTTP requests answered, by route and status.")
    }
    private static var requestDuration: MetricNameDescriptor {
        name("request_duration", "seconds", "From request received to response head sent, by route.")
    }

    init() {
        promptTokens = registry.makeCounter(descriptor: Self.name("prompt_tokens", "total", "Prompt tokens processed."))
        cachedPromptTokens = registry.makeCounter(
            descriptor: Self.name("cached_prompt_tokens", "total", "Prompt tokens reused from a cached prefix."))
        completionTokens = registry.makeCounter(descriptor: Self.name("completion_tokens", "total", "Tokens generated."))
        cancelledGenerations = registry.makeCounter(
            descriptor: Self.name("generations_cancelled", "total", "Generations stopped because the client went away."))
        timeToFirstToken = registry.makeDurationHistogram(
            descriptor: Self.name("time_to_first_token", "seconds", "From request received to first generated token."),
            buckets: Self.latencyBuckets)
        generationDuration = registry.makeDurationHistogram(
            descriptor: Self.name("generation_duration", "seconds", "From request received to generation finished."),
            buckets: Self.latencyBuckets)
        queueWaiting = registry.makeGauge(
            descriptor: Self.name("queue_waiting", "requests", "Requests admitted and waiting for a generation slot."))
        generationsActive = registry.makeGauge(
            descriptor: Self.name("generations_active", "sequences", "Generations running now."))
        kvCacheUsedTokens = registry.makeGauge(descriptor: Self.name("kv_cache_used", "tokens", "KV-cache cells in use."))
        kvCacheCapacityTokens = registry.makeGauge(
            descriptor: Self.name("kv_cache_capacity", "tokens", "KV-cache cells in all."))
    }

    func recordRequest(endpoint: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("endpoint", endpoint), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    func recordFirstToken(after duration: Duration) { timeToFirstToken.record(duration) }

    func recordGeneration(duration: Duration) { generationDuration.record(duration) }

    func recordUsage(promptTokens prompt: Int, completionTokens completion: Int, cachedPromptTokens cached: Int?) {
        promptTokens.increment(by: Int64(prompt))
        completionTokens.increment(by: Int64(completion))
        cachedPromptTokens.increment(by: Int64(cached ?? 0))
    }

    func recordCancellation() { cancelledGenerations.increment() }

    /// The text exposition, after sampling the gauges.
    func render(queueWaiting waiting: Int, active: Int, backend: BackendStatistics) -> String {
        queueWaiting.set(Int64(waiting))
        generationsActive.set(Int64(active))
        kvCacheUsedTokens.set(Int64(backend.kvCacheUsedTokens))
        kvCacheCapacityTokens.set(Int64(backend.kvCacheCapacityTokens))
        return registry.emitToString()
    }
}
