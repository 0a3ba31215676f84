import Foundation

/// Python's arithmetic operators on template values (`+` also joins strings and lists).
enum Arithmetic {
    static func negate(_ value: Value) throws(TemplateError) -> Value {
        switch value.numericOperand {
        case .integer(let number)?:
            guard number != .min else { throw overflow() }
            return .int(-number)
        case .real(let number)?: return .double(-number)
        case nil: throw unsupported("unary -", value)
        }
    }

    static func plus(_ value: Value) throws(TemplateError) -> Value {
        switch value.numericOperand {
        case .integer(let number)?: return .int(number)
        case .real(let number)?: return .double(number)
        case nil: throw unsupported("unary +", value)
        }
    }

    static func apply(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws(TemplateError) -> Value {
        if op == .modulo, let format = lhs.stringValue {
            // String formatting accepts any right operand, undefined included (Python sees a mapping).
            return .string(try PercentFormat.format(format, rhs))
        }
        for operand in [lhs, rhs] {
            if case .undefined(let hint) = operand { throw TemplateError(.undefined, hint) }
        }
        if let a = lhs.numericOperand, let b = rhs.numericOperand {
            return try numeric(op, a, b)
        }
        switch (op, lhs, rhs) {
        case (.add, .markup(let a), _):
            guard let b = rhs.stringValue else { throw unsupported(op, lhs, rhs) }
            return .markup(a + (rhs.isMarkup ? b : PythonString.escapeHTML(b)))
        case (.add, _, .markup(let b)):
            guard let a = lhs.stringValue else { throw unsupported(op, lhs, rhs) }
            return .markup(PythonString.escapeHTML(a) + b)
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case (.multiply, _, _):
            if case .integer(let count)? = rhs.numericOperand, !rhs.isDouble { return try repeated(lhs, count, op, lhs, rhs) }
            if case .integer(let count)? = lhs.numericOperand, !lhs.isDouble { return try repeated(rhs, count, op, lhs, rhs) }
            throw unsupported(op, lhs, rhs)
        default:
            throw unsupported(op, lhs, rhs)
        }
    }

    private static func repeated(_ value: Value, _ count: Int, _ op: BinaryOperator, _ lhs: Value, _ rhs: Value)
        throws(TemplateError) -> Value
    {
        let times = max(0, count)
        switch value {
        case .string(let text):
            let (bytes, overflow) = text.utf8.count.multipliedReportingOverflow(by: times)
            guard !overflow, bytes <= 1 << 24 else { throw TemplateError(.limit, "string repetition larger than 16 MiB") }
            return .string(String(repeating: text, count: times))
        case .markup(let text): return .markup(String(repeating: text, count: times))
        case .list(let items), .tuple(let items):
            let (count, overflow) = items.count.multipliedReportingOverflow(by: times)
            guard !overflow, count <= 1 << 20 else { throw TemplateError(.limit, "list repetition longer than 2^20 items") }
            let result = Array([[Value]](repeating: items, count: times).joined())
            if case .tuple = value { return .tuple(result) }
            return .list(result)
        default: throw unsupported(op, lhs, rhs)
        }
    }

    private static func numeric(_ op: BinaryOperator, _ a: Number, _ b: Number) throws(TemplateError) -> Value {
        if case .integer(let x) = a, case .integer(let y) = b {
            switch op {
            case .add: return try checked(x.addingReportingOverflow(y))
            case .subtract: return try checked(x.subtractingReportingOverflow(y))
            case .multiply: return try checked(x.multipliedReportingOverflow(by: y))
            case .divide:
                if y == 0 { throw TemplateError(.type, "division by zero") }
                return .double(Double(x) / Double(y))
            case .floorDivide:
                if y == 0 { throw TemplateError(.type, "integer division or modulo by zero") }
                if x == .min && y == -1 { throw overflow() }
                let quotient = x / y
                return .int((x % y != 0) && ((x < 0) != (y < 0)) ? quotient - 1 : quotient)
            case .modulo:
                if y == 0 { throw TemplateError(.type, "integer division or modulo by zero") }
                if y == -1 { return .int(0) }
                let remainder = x % y
                return .int(remainder != 0 && ((remainder < 0) != (y < 0)) ? remainder + y : remainder)
            case .power:
                if y < 0 {
                    if x == 0 { throw TemplateError(.type, "0.0 cannot be raised to a negative power") }
                    return .double(Foundation.pow(Double(x), Double(y)))
                }
                var result = 1
                var base = x
                var exponent = y
                while exponent > 0 {
                    if exponent & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base)) }
                    exponent >>= 1
                    if exponent > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base)) }
                }
                return .int(result)
            case .and, .or: break
            }
        }
        let x = a.asDouble
        let y = b.asDouble
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide:
            if y == 0 { throw TemplateError(.type, "float division by zero") }
            return .double(x / y)
        case .floorDivide:
            if y == 0 { throw TemplateError(.type, "float floor division by zero") }
            return .double(floorDivide(x, y))
        case .modulo:
            if y == 0 { throw TemplateError(.type, "float modulo") }
            return .double(floatModulo(x, y))
        case .power:
            if x == 0 && y < 0 { throw TemplateError(.type, "0.0 cannot be raised to a negative power") }
            if x < 0 && y != y.rounded() { throw TemplateError(.type, "negative number cannot be raised to a fractional power") }
            return .double(Foundation.pow(x, y))
        case .and, .or: return .none
        }
    }

    /// Python's float `%`: the result takes the divisor's sign.
    private static func floatModulo(_ x: Double, _ y: Double) -> Double {
        var remainder = fmod(x, y)
        if remainder != 0 {
            if (y < 0) != (remainder < 0) { remainder += y }
        } else {
            remainder = copysign(0, y)
        }
        return remainder
    }

    /// Python's float `//` (CPython's float_floor_div).
    private static func floorDivide(_ x: Double, _ y: Double) -> Double {
        let remainder = fmod(x, y)
        var quotient = (x - remainder) / y
        if remainder != 0 && ((y < 0) != (remainder < 0)) { quotient -= 1 }
        if quotient == 0 { return copysign(0, x / y) }
        let floored = quotient.rounded(.down)
        return quotient - floored > 0.5 ? floored + 1 : floored
    }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws(TemplateError) -> Value {
        .int(try checkedInt(result))
    }

    private static func checkedInt(_ result: (partialValue: Int, overflow: Bool)) throws(TemplateError) -> Int {
        if result.overflow { throw overflow() }
        return result.partialValue
    }

    private static func overflow() -> TemplateError {
        TemplateError(.limit, "integer result does not fit in 64 bits")
    }

    private static func unsupported(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) -> TemplateError {
        TemplateError(.type, "unsupported operand type(s) for \(op.rawValue): '\(lhs.typeName)' and '\(rhs.typeName)'")
    }

    private static func unsupported(_ op: String, _ value: Value) -> TemplateError {
        TemplateError(.type, "bad operand type for \(op): '\(value.typeName)'")
    }
}

extension Value {
    /// The number this value contributes to arithmetic (bools are ints), nil for non-numbers.
    var numericOperand: Number? {
        switch self {
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .int(let number): .integer(number)
        case .double(let number): .real(number)
        default: nil
        }
    }

    var isDouble: Bool { if case .double = self { true } else { false } }
    var isMarkup: Bool { if case .markup = self { true } else { false } }
}

/// Python's `format % values` for the conversions templates use: `%s %r %d %i %f %%`.
enum PercentFormat {
    static func format(_ format: String, _ values: Value) throws(TemplateError) -> String {
        var arguments: [Value]
        if case .tuple(let items) = values { arguments = items } else { arguments = [values] }
        // Python treats a list or dict argument as a mapping for `%(name)s`, so leftovers are no error.
        let leftoversAllowed: Bool = switch values {
        case .list, .dict, .undefined: true
        default: false
        }
        var result = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let conversion = scalars.next() else { throw TemplateError(.type, "incomplete format") }
            if conversion == "%" {
                result += "%"
                continue
            }
            guard !arguments.isEmpty else { throw TemplateError(.type, "not enough arguments for format string") }
            let argument = arguments.removeFirst()
            switch conversion {
            case "s": result += argument.text
            case "r": result += argument.repr
            case "d", "i":
                guard let number = argument.numericOperand else {
                    throw TemplateError(.type, "%\(conversion) format: a real number is required, not \(argument.typeName)")
                }
                switch number {
                case .integer(let value): result += String(value)
                case .real(let value):
                    guard value.isFinite, abs(value) < 9.2e18 else { throw TemplateError(.type, "cannot convert float to integer") }
                    result += String(Int(value.rounded(.towardZero)))
                }
            case "f":
                guard let number = argument.numericOperand else {
                    throw TemplateError(.type, "must be real number, not \(argument.typeName)")
                }
                result += String(format: "%.6f", number.asDouble)
            default:
                throw TemplateError(.type, "unsupported format character '\(conversion)'")
            }
        }
        if !arguments.isEmpty, !leftoversAllowed {
            throw TemplateError(.type, "not all arguments converted during string formatting")
        }
        return result
    }
}

/// Python's comparison operators and `in`.
enum Comparison {
    static func compare(_ op: CompareOperator, _ lhs: Value, _ rhs: Value) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .in: return try contains(rhs, lhs)
        case .notIn: return !(try contains(rhs, lhs))
        case .less: return try order(lhs, rhs, op) < 0
        case .lessOrEqual: return try order(lhs, rhs, op) <= 0
        case .greater: return try order(lhs, rhs, op) > 0
        case .greaterOrEqual: return try order(lhs, rhs, op) >= 0
        }
    }

    /// Python's `needle in container`.
    static func contains(_ container: Value, _ needle: Value) throws(TemplateError) -> Bool {
        switch container {
        case .undefined: return false
        case .string(let text), .markup(let text):
            guard let part = needle.stringValue else {
                if case .undefined(let hint) = needle { throw TemplateError(.undefined, hint) }
                throw TemplateError(.type, "'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return PythonString.contains(text, part)
        case .list(let items), .tuple(let items), .iterator(let items): return items.contains(needle)
        case .dict(let entries):
            guard needle.isHashable else { throw TemplateError(.type, "unhashable type: '\(needle.typeName)'") }
            return entries[needle] != nil
        default:
            throw TemplateError(.type, "argument of type '\(container.typeName)' is not iterable")
        }
    }

    /// -1, 0 or 1 as Python orders the two values; other type pairs raise.
    static func order(_ lhs: Value, _ rhs: Value, _ op: CompareOperator, depth: Int = 0) throws(TemplateError) -> Int {
        if depth > Value.maximumNesting { throw TemplateError(.limit, "values nested too deeply to compare") }
        if case .undefined(let hint) = lhs { throw TemplateError(.undefined, hint) }
        if case .undefined(let hint) = rhs { throw TemplateError(.undefined, hint) }
        if let a = lhs.numericOperand, let b = rhs.numericOperand {
            if case .integer(let x) = a, case .integer(let y) = b { return x < y ? -1 : x > y ? 1 : 0 }
            let x = a.asDouble
            let y = b.asDouble
            return x < y ? -1 : x > y ? 1 : 0
        }
        switch (lhs, rhs) {
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where x != y { return try order(x, y, op, depth: depth + 1) }
            return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
        default:
            if let a = lhs.stringValue, let b = rhs.stringValue {
                if a.utf8.elementsEqual(b.utf8) { return 0 }
                return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : 1
            }
            throw TemplateError(.type, "'\(op.rawValue)' not supported between instances of '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
    }
}
