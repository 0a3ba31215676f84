import Hummingbird
import LAMOpenAIAPI

/// Requires `Authorization: Bearer <key>` on the API routes, as OpenAI does. `/health` and `/metrics` stay
/// open for load balancers and scrapers.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1") else { return try await next(request, context) }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else {
            throw Self.unauthorized(
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                    + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        }
        guard constantTimeEqual(Array(authorization.utf8.dropFirst("Bearer ".utf8.count)), Array(apiKey.utf8)) else {
            throw Self.unauthorized("Incorrect API key provided.", code: "invalid_api_key")
        }
        return try await next(request, context)
    }

    private static func unauthorized(_ message: String, code: String? = nil) -> OpenAIHTTPError {
        OpenAIHTTPError(.unauthorized, APIError(message: message, type: "invalid_request_error", code: code))
    }
}

/// Compares secrets in time that depends only on their lengths, so that response timing does not reveal how
/// much of a guessed key was right.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
