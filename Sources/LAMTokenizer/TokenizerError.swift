import LAMJSON

/// Why a tokenizer could not be loaded. Every malformed or unsupported tokenizer file ends here, never in a
/// crash: the case names the field (a JSON path such as `model.merges[12]` or a GGUF key) and what is wrong.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// tokenizer.json is not valid JSON (the parse error carries the byte offset).
    case invalidJSON(JSONParseError)
    /// A required field or GGUF metadata key is absent.
    case missingField(String)
    /// A field holds the wrong kind of value.
    case wrongType(field: String, expected: String)
    /// A field holds a well-typed value that is not allowed (negative id, empty token, …).
    case invalidValue(field: String, reason: String)
    /// The file describes a tokenizer this library does not implement (e.g. SentencePiece, an unknown
    /// pre-tokenizer regex). `feature` says which.
    case unsupported(feature: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read tokenizer file \(path): \(reason)"
        case .invalidJSON(let error): "tokenizer.json is not valid JSON: \(error)"
        case .missingField(let field): "tokenizer is missing \(field)"
        case .wrongType(let field, let expected): "tokenizer field \(field) should be \(expected)"
        case .invalidValue(let field, let reason): "tokenizer field \(field) is invalid: \(reason)"
        case .unsupported(let feature): "unsupported tokenizer feature: \(feature)"
        }
    }
}
