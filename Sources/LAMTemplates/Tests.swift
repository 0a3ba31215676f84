/// jinja2's tests: the names after `is` (`x is defined`, `n is divisibleby 3`), also used by `select`.
enum Tests {
    static func exists(_ name: String) -> Bool { table[name] != nil }

    static func run(_ name: String, _ value: Value, _ arguments: CallArguments) throws(TemplateError) -> Bool {
        guard let test = table[name] else { throw TemplateError(.syntax, "no test named '\(name)'") }
        return try test(value, arguments)
    }

    private typealias Test = @Sendable (Value, CallArguments) throws(TemplateError) -> Bool

    private static func argument(_ arguments: CallArguments, _ test: String) throws(TemplateError) -> Value {
        let parameters = try Parameters(arguments, of: test, names: ["other"])
        guard let other = parameters["other"] else { throw TemplateError(.type, "test '\(test)' needs an argument") }
        return other
    }

    private static func compare(_ op: CompareOperator) -> Test {
        { value, arguments throws(TemplateError) in
            try Comparison.compare(op, value, try argument(arguments, op.rawValue))
        }
    }

    /// `value % divisor == 0`, with Python's arithmetic (floats allowed).
    private static func divisible(_ value: Value, by divisor: Value) throws(TemplateError) -> Bool {
        try Arithmetic.apply(.modulo, value, divisor) == .int(0)
    }

    private static let table: [String: Test] = [
        "defined": { value, _ in !value.isUndefined },
        "undefined": { value, _ in value.isUndefined },
        "none": { value, _ in value.isNone },
        "boolean": { value, _ in if case .bool = value { true } else { false } },
        "true": { value, _ in value == .bool(true) && { if case .bool = value { true } else { false } }() },
        "false": { value, _ in value == .bool(false) && { if case .bool = value { true } else { false } }() },
        "integer": { value, _ in if case .int = value { true } else { false } },
        "float": { value, _ in value.isDouble },
        "number": { value, _ in value.numericOperand != nil },
        "string": { value, _ in value.stringValue != nil },
        "mapping": { value, _ in if case .dict = value { true } else { false } },
        "iterable": { value, _ in
            switch value {
            case .undefined, .string, .markup, .list, .tuple, .dict, .iterator: true
            default: false
            }
        },
        "sequence": { value, _ in
            switch value {
            case .undefined, .string, .markup, .list, .tuple, .dict: true
            default: false
            }
        },
        // jinja2's Undefined defines __call__ (to raise), so Python's callable() says yes.
        "callable": { value, _ in
            switch value {
            case .function, .undefined: true
            default: false
            }
        },
        "escaped": { value, _ in value.isMarkup },
        "lower": { value, _ in
            let scalars = value.text.unicodeScalars
            return scalars.contains(where: \.properties.isLowercase) && !scalars.contains(where: \.properties.isUppercase)
        },
        "upper": { value, _ in
            let scalars = value.text.unicodeScalars
            return scalars.contains(where: \.properties.isUppercase) && !scalars.contains(where: \.properties.isLowercase)
        },
        "odd": { value, _ throws(TemplateError) in try Arithmetic.apply(.modulo, value, .int(2)) == .int(1) },
        "even": { value, _ throws(TemplateError) in try divisible(value, by: .int(2)) },
        "divisibleby": { value, arguments throws(TemplateError) in
            try divisible(value, by: try argument(arguments, "divisibleby"))
        },
        "sameas": { value, arguments throws(TemplateError) in
            let other = try argument(arguments, "sameas")
            switch (value, other) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.object(let a), .object(let b)): return a === b
            case (.function(let a), .function(let b)): return a === b
            default: return false
            }
        },
        "eq": compare(.equal), "equalto": compare(.equal), "==": compare(.equal),
        "ne": compare(.notEqual), "!=": compare(.notEqual),
        "lt": compare(.less), "lessthan": compare(.less), "<": compare(.less),
        "le": compare(.lessOrEqual), "<=": compare(.lessOrEqual),
        "gt": compare(.greater), "greaterthan": compare(.greater), ">": compare(.greater),
        "ge": compare(.greaterOrEqual), ">=": compare(.greaterOrEqual),
        "in": { value, arguments throws(TemplateError) in
            try Comparison.contains(try argument(arguments, "in"), value)
        },
        "filter": { value, _ in value.stringValue.map(Filters.exists) ?? false },
        "test": { value, _ in value.stringValue.map(Tests.exists) ?? false },
    ]
}
