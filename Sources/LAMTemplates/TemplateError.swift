/// A position in template source: 1-based line and column (columns count Unicode scalars, as Python does).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Everything that can go wrong reading or rendering a template. `location` names the template position
/// where it happened, when known.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The template text is not valid Jinja (jinja2's TemplateSyntaxError).
        case syntax
        /// A missing value was used (jinja2's UndefinedError).
        case undefined
        /// An operation on values of the wrong type (Python's TypeError / ValueError / ZeroDivisionError …).
        case type
        /// The template called `raise_exception(message)`.
        case raised
        /// The template tried something the sandbox forbids (mutating data, private attributes).
        case security
        /// A safety limit was hit: output size, loop iterations or recursion depth.
        case limit
        /// The inputs given to the template (messages, tools) are not usable.
        case input
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String {
        let place = location.map { "template \($0): " } ?? ""
        switch kind {
        case .raised: return "\(place)template raised: \(message)"
        case .syntax: return "\(place)syntax error: \(message)"
        default: return "\(place)\(message)"
        }
    }

    /// The same error, given a location if it has none yet.
    func located(at location: SourceLocation) -> TemplateError {
        var error = self
        if error.location == nil { error.location = location }
        return error
    }
}
