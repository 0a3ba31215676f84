import LAMJSON

/// How BFCL's Salesforce (xLAM) handler turns the model's text into calls (`decode_ast`): the text is one
/// JSON value — a list of `{"name", "arguments"}` objects, or one such object — or, failing that,
/// `;`-separated JSON objects. Anything else fails to decode.
public enum XLAMOutputDecoder {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ text: String) throws(Failure) -> [DecodedCall] {
        let items: [JSONValue]
        if let whole = try? JSONValue(parsing: text) {
            items = whole.arrayValue ?? [whole]
        } else {
            var pieces: [JSONValue] = []
            for piece in text.pythonSplit(";") {
                do {
                    pieces.append(try JSONValue(parsing: piece.trimmingPythonWhitespace()))
                } catch {
                    throw Failure(description: "not JSON: \(error)")
                }
            }
            items = pieces
        }
        return try items.map { (item) throws(Failure) in
            guard case .object(let members) = item else { throw Failure(description: "a call is not a JSON object") }
            guard let name = members["name"], let arguments = members["arguments"] else {
                throw Failure(description: "a call lacks \"name\" or \"arguments\"")
            }
            switch name {
            case .array, .object: throw Failure(description: "a call's name is not a hashable value")
            default: return DecodedCall(name: name, arguments: arguments)
            }
        }
    }

    /// BFCL's `is_function_calling_format_output`: every call's arguments are an object.
    public static func isWellFormed(_ calls: [DecodedCall]) -> Bool {
        calls.allSatisfy { $0.arguments.objectValue != nil }
    }
}
