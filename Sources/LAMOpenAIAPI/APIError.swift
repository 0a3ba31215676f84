import LAMJSON

/// OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`, which clients turn into typed
/// exceptions by HTTP status.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// `invalid_request_error`, `authentication_error`, `rate_limit_error` or `server_error`.
    public var type: String
    /// The request field at fault, when there is one.
    public var param: String?
    public var code: String?

    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// A request field that failed validation.
    public init(_ error: FieldError) {
        self.init(message: error.description, type: "invalid_request_error", param: error.field.isEmpty ? nil : error.field)
    }

    public init(json: JSONValue) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        var error = try FieldReader(try reader.required("error"), at: "error")
        message = try error.string("message") ?? ""
        type = try error.string("type") ?? ""
        param = try error.string("param")
        // Some servers send numeric codes.
        code = error.value("code").map { $0.stringValue ?? $0.compactJSON }
    }

    public var json: JSONValue {
        ["error": [
            "message": .string(message), "type": .string(type), "param": param.map(JSONValue.string) ?? .null,
            "code": code.map(JSONValue.string) ?? .null,
        ]]
    }

    public var description: String { message }
}
