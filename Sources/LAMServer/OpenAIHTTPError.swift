import Hummingbird
import LAMJSON
import LAMOpenAIAPI

/// An error answered with OpenAI's error JSON and its HTTP status.
struct OpenAIHTTPError: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: APIError

    init(_ status: HTTPResponse.Status, _ body: APIError) {
        self.status = status
        self.body = body
    }

    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIHTTPError {
        OpenAIHTTPError(.badRequest, APIError(message: message, type: "invalid_request_error", param: param, code: code))
    }

    static func invalidField(_ error: FieldError) -> OpenAIHTTPError {
        OpenAIHTTPError(.badRequest, APIError(error))
    }

    static func modelNotFound(_ model: String) -> OpenAIHTTPError {
        OpenAIHTTPError(.notFound, APIError(
            message: "The model '\(model)' does not exist.", type: "invalid_request_error", param: "model",
            code: "model_not_found"))
    }

    static func contextLengthExceeded(limit: Int, promptTokens: Int, completionTokens: Int?) -> OpenAIHTTPError {
        let message = if let completionTokens {
            "This model's maximum context length is \(limit) tokens. However, you requested "
                + "\(promptTokens + completionTokens) tokens (\(promptTokens) in the messages, \(completionTokens) "
                + "in the completion). Please reduce the length of the messages or completion."
        } else {
            "This model's maximum context length is \(limit) tokens. However, your messages resulted in "
                + "\(promptTokens) tokens. Please reduce the length of the messages."
        }
        return .invalidRequest(message, param: "messages", code: "context_length_exceeded")
    }

    static func bodyTooLarge(limit: Int) -> OpenAIHTTPError {
        OpenAIHTTPError(.contentTooLarge, APIError(
            message: "The request body is larger than this server's limit of \(limit) bytes.",
            type: "invalid_request_error"))
    }

    static let queueFull = OpenAIHTTPError(.tooManyRequests, APIError(
        message: "The server is busy: too many requests are waiting. Retry later.", type: "rate_limit_error",
        code: "queue_full"))

    static func internalError(_ message: String) -> OpenAIHTTPError {
        OpenAIHTTPError(.internalServerError, APIError(message: message, type: "server_error"))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(body.json, status: status)
    }
}

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.compactJSON)))
    }
}

/// Turns every error into OpenAI's error JSON, so that clients always get a body they can parse: the
/// framework's own errors keep their status (404 no such route, 405 wrong method, 413 body too large), and
/// anything unexpected is a logged 500 that does not leak internals.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIHTTPError {
            throw error
        } catch let error as FieldError {
            // A request field the wire format or the backend's `prepare` rejected.
            throw OpenAIHTTPError.invalidField(error)
        } catch is CancellationError {
            // The client went away mid-generation; nobody reads this answer, but metrics count it (as nginx's 499).
            throw OpenAIHTTPError(
                HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"),
                APIError(message: "The client closed the connection.", type: "invalid_request_error"))
        } catch let error as HTTPError {
            throw OpenAIHTTPError(error.status, APIError(
                message: Self.message(for: error, request: request), type: "invalid_request_error"))
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            throw OpenAIHTTPError.internalError("The server had an error while processing your request.")
        }
    }

    private static func message(for error: HTTPError, request: Request) -> String {
        switch error.status {
        case .notFound: "Unknown request URL: \(request.method) \(request.uri.path)."
        case .methodNotAllowed: "Method \(request.method) is not allowed for \(request.uri.path)."
        case .contentTooLarge: "The request body is too large."
        default: error.body ?? error.status.reasonPhrase
        }
    }
}
