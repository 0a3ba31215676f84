import Hummingbird

/// Counts every answered request by route and status, and times it to the response head (a stream's
/// generation time is recorded separately, when it ends).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        // Unmatched paths share one label so that scanners cannot blow up the number of series.
        let endpoint = { context.endpointPath ?? "unmatched" }
        do {
            let response = try await next(request, context)
            metrics.recordRequest(endpoint: endpoint(), status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.recordRequest(endpoint: endpoint(), status: error.status.code, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
