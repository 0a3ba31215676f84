/// The syntax tree of a template, as the parser builds it and the evaluator walks it.

/// A literal value written in the template.
enum Constant: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    var value: Value {
        switch self {
        case .none: .none
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        }
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
    case and, or
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in", notIn = "not in"
}

/// Arguments written at a call site: `f(a, b, key=c, *rest, **more)`.
struct ArgumentList: Sendable {
    var positional: [Expression] = []
    var keyword: [(name: String, value: Expression)] = []
    var splatPositional: Expression?
    var splatKeyword: Expression?
}

indirect enum Expression: Sendable {
    case constant(Constant)
    case name(String, SourceLocation)
    case list([Expression])
    case tuple([Expression])
    case dict([(key: Expression, value: Expression)])
    /// `object.name`: attribute first, then item (jinja2's `getattr`).
    case attribute(Expression, String, SourceLocation)
    /// `object[key]`: item first, then attribute (jinja2's `getitem`).
    case item(Expression, Expression, SourceLocation)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?, SourceLocation)
    case call(Expression, ArgumentList, SourceLocation)
    case filter(Expression, name: String, ArgumentList, SourceLocation)
    case test(Expression, name: String, ArgumentList, negated: Bool, SourceLocation)
    case negate(Expression, SourceLocation)
    case plus(Expression, SourceLocation)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression, SourceLocation)
    case compare(Expression, [(CompareOperator, Expression)], SourceLocation)
    /// `a ~ b ~ c`: string concatenation.
    case concat([Expression])
    /// `a if condition else b`; a missing `else` yields undefined.
    case conditional(condition: Expression, then: Expression, otherwise: Expression?)
}

/// Where `set` and `for` store values.
indirect enum AssignTarget: Sendable {
    case name(String)
    case tuple([AssignTarget])
    /// `{% set ns.attribute = … %}`
    case namespaceAttribute(namespace: String, attribute: String)
}

/// A filter applied by `{% filter … %}` or `{% set x | filter %}`.
struct FilterCall: Sendable {
    var name: String
    var arguments: ArgumentList
    var location: SourceLocation
}

struct MacroDefinition: Sendable {
    var name: String
    var parameters: [(name: String, defaultValue: Expression?)]
    var body: [Statement]
    var location: SourceLocation
}

struct ForLoop: Sendable {
    var target: AssignTarget
    var iterable: Expression
    var condition: Expression?
    var body: [Statement]
    var otherwise: [Statement]
    var location: SourceLocation
}

indirect enum Statement: Sendable {
    case text(String)
    case output(Expression, SourceLocation)
    case conditional(branches: [(condition: Expression, body: [Statement])], otherwise: [Statement])
    case forLoop(ForLoop)
    case set(AssignTarget, Expression, SourceLocation)
    case setBlock(AssignTarget, body: [Statement], filters: [FilterCall], SourceLocation)
    case macro(MacroDefinition)
    /// `{% call(parameters) macro(args) %}body{% endcall %}`: the body becomes `caller`.
    case callBlock(call: Expression, caller: MacroDefinition)
    case filterBlock(filters: [FilterCall], body: [Statement])
    case with(assignments: [(AssignTarget, Expression)], body: [Statement])
    /// `{% generation %}` (transformers' assistant-mask tag) renders its body unchanged.
    case scope([Statement])
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
}
