/// Binds call arguments to a Python-style parameter list: `names` in order, each positional or by keyword.
struct Parameters {
    private let arguments: CallArguments
    private let names: [String]

    init(_ arguments: CallArguments, of function: String, names: [String]) throws(TemplateError) {
        if arguments.positional.count > names.count {
            throw TemplateError(.type, "\(function)() takes at most \(names.count) argument(s) (\(arguments.positional.count) given)")
        }
        for (offset, name) in names.enumerated() where offset < arguments.positional.count {
            if arguments.keyword[name] != nil {
                throw TemplateError(.type, "\(function)() got multiple values for argument '\(name)'")
            }
        }
        if let unknown = arguments.keyword.keys.first(where: { !names.contains($0) }) {
            throw TemplateError(.type, "\(function)() got an unexpected keyword argument '\(unknown)'")
        }
        self.arguments = arguments
        self.names = names
    }

    /// The argument for parameter `name`, or nil when not given.
    subscript(_ name: String) -> Value? {
        guard let offset = names.firstIndex(of: name) else { return nil }
        if offset < arguments.positional.count { return arguments.positional[offset] }
        return arguments.keyword[name]
    }

    func string(_ name: String, _ function: String) throws(TemplateError) -> String? {
        guard let value = self[name], !value.isNone else { return nil }
        guard let text = value.stringValue else {
            throw TemplateError(.type, "\(function)() argument '\(name)' must be str, not \(value.typeName)")
        }
        return text
    }

    func int(_ name: String, _ function: String) throws(TemplateError) -> Int? {
        guard let value = self[name], !value.isNone else { return nil }
        guard case .integer(let number)? = value.integerIndex else {
            throw TemplateError(.type, "\(function)() argument '\(name)' must be an integer, not \(value.typeName)")
        }
        return number
    }

    func flag(_ name: String) -> Bool? { self[name]?.isTruthy }
}
