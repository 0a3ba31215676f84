import Prometheus

/// The Prometheus metrics behind `GET /metrics`: traffic, tokens, latency, queue depth and KV-cache use.
/// Each server owns its registry, so that servers (and tests) never share counts.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private let promptTokens: Counter
    private let cachedPromptTokens: Counter
    private let completionTokens: Counter
    private let cancelledGenerations: Counter
    private let timeToFirstToken: DurationHistogram
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

    init() {
        promptTokens = registry.makeCounter(name: "lam_prompt_tokens_total", help: "Prompt tokens processed.")
        cachedPromptTokens = registry.makeCounter(
            name: "lam_cached_prompt_tokens_total", help: "Prompt tokens reused from a cached prefix.")
        completionTokens = registry.makeCounter(name: "lam_completion_tokens_total", help: "Tokens generated.")
        cancelledGenerations = registry.makeCounter(
            name: "lam_generations_cancelled_total", help: "Generations stopped because the client went away.")
        timeToFirstToken = registry.makeDurationHistogram(
            name: "lam_time_to_first_token_seconds", buckets: Self.latencyBuckets,
            help: "From request received to first generated token.")
        queueWaiting = registry.makeGauge(name: "lam_queue_waiting_requests", help: "Requests waiting for a generation slot.")
        generationsActive = registry.makeGauge(name: "lam_generations_active", help: "Generations running now.")
        kvCacheUsedTokens = registry.makeGauge(name: "lam_kv_cache_used_tokens", help: "KV-cache cells in use.")
        kvCacheCapacityTokens = registry.makeGauge(name: "lam_kv_cache_capacity_tokens", help: "KV-cache cells in all.")
    }

    func recordRequest(endpoint: String, status: Int) {
        registry.makeCounter(
            name: "lam_http_requests_total", labels: [("endpoint", endpoint), ("status", String(status))],
            help: "HTTP requests answered, by route and status."
        ).increment()
    }

    func recordDuration(endpoint: String, _ duration: Duration) {
        registry.makeDurationHistogram(
            name: "lam_request_duration_seconds", labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets,
            help: "From request received to response complete."
        ).record(duration)
    }

    func recordGeneration(duration: Duration) {
        registry.makeDurationHistogram(
            name: "lam_generation_duration_seconds", buckets: Self.latencyBuckets,
            help: "From request received to the last generated token."
        ).record(duration)
    }

    func recordFirstToken(after duration: Duration) { timeToFirstToken.record(duration) }

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
