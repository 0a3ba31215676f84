/// Text views of the lexer's and parser's output, so each stage can be tested and inspected on its own.
public enum TemplateSyntax {
    /// The tokens of `source`, one string each: `text("…")`, `{%`, `name(for)`, `op(+)`, `int(1)`, ….
    public static func tokens(_ source: String) throws(TemplateError) -> [String] {
        try Lexer.tokenize(source).map { token in
            switch token.kind {
            case .text(let text): "text(\(PythonString.repr(text)))"
            case .blockBegin: "{%"
            case .blockEnd: "%}"
            case .variableBegin: "{{"
            case .variableEnd: "}}"
            case .name(let name): "name(\(name))"
            case .string(let text): "str(\(PythonString.repr(text)))"
            case .integer(let number): "int(\(number))"
            case .float(let number): "float(\(number))"
            case .op(let op): "op(\(op))"
            case .end: "end"
            }
        }
    }

    /// The syntax tree of `source` as one S-expression per top-level statement, e.g.
    /// `(output (+ 1 (* 2 3)))`.
    public static func tree(_ source: String) throws(TemplateError) -> [String] {
        try Parser.parse(source).map(dump)
    }

    static func dump(_ statement: Statement) -> String {
        func body(_ statements: [Statement]) -> String { "[" + statements.map(dump).joined(separator: " ") + "]" }
        switch statement {
        case .text(let text): return "(text \(PythonString.repr(text)))"
        case .output(let expression, _): return "(output \(dump(expression)))"
        case .conditional(let branches, let otherwise):
            return "(if " + branches.map { "\(dump($0.condition)) \(body($0.body))" }.joined(separator: " ")
                + (otherwise.isEmpty ? "" : " else \(body(otherwise))") + ")"
        case .forLoop(let loop):
            return "(for \(dump(loop.target)) \(dump(loop.iterable))"
                + (loop.condition.map { " if \(dump($0))" } ?? "") + " \(body(loop.body))"
                + (loop.otherwise.isEmpty ? "" : " else \(body(loop.otherwise))") + ")"
        case .set(let target, let value, _): return "(set \(dump(target)) \(dump(value)))"
        case .setBlock(let target, let statements, let filters, _):
            return "(setblock \(dump(target))" + filters.map { " |\($0.name)" }.joined() + " \(body(statements)))"
        case .macro(let definition): return "(macro \(dump(definition)))"
        case .callBlock(let call, let caller): return "(call \(dump(call)) \(dump(caller)))"
        case .filterBlock(let filters, let statements):
            return "(filterblock" + filters.map { " |\($0.name)" }.joined() + " \(body(statements)))"
        case .with(let assignments, let statements):
            return "(with " + assignments.map { "\(dump($0.0))=\(dump($0.1))" }.joined(separator: " ") + " \(body(statements)))"
        case .scope(let statements): return "(scope \(body(statements)))"
        case .breakLoop: return "(break)"
        case .continueLoop: return "(continue)"
        }
    }

    static func dump(_ definition: MacroDefinition) -> String {
        let parameters = definition.parameters.map { parameter in
            parameter.defaultValue.map { "\(parameter.name)=\(dump($0))" } ?? parameter.name
        }
        return "\(definition.name)(\(parameters.joined(separator: " "))) [" + definition.body.map(dump).joined(separator: " ") + "]"
    }

    static func dump(_ target: AssignTarget) -> String {
        switch target {
        case .name(let name): name
        case .tuple(let targets): "(" + targets.map(dump).joined(separator: " ") + ")"
        case .namespaceAttribute(let namespace, let attribute): "\(namespace).\(attribute)"
        }
    }

    static func dump(_ arguments: ArgumentList) -> String {
        var parts = arguments.positional.map(dump)
        parts += arguments.keyword.map { "\($0.name)=\(dump($0.value))" }
        if let splat = arguments.splatPositional { parts.append("*\(dump(splat))") }
        if let splat = arguments.splatKeyword { parts.append("**\(dump(splat))") }
        return parts.map { " " + $0 }.joined()
    }

    static func dump(_ expression: Expression) -> String {
        switch expression {
        case .constant(let constant): return constant.value.repr
        case .name(let name, _): return name
        case .list(let items): return "[" + items.map(dump).joined(separator: " ") + "]"
        case .tuple(let items): return "(tuple" + items.map { " " + dump($0) }.joined() + ")"
        case .dict(let entries): return "{" + entries.map { "\(dump($0.key)): \(dump($0.value))" }.joined(separator: ", ") + "}"
        case .attribute(let base, let name, _): return "(. \(dump(base)) \(name))"
        case .item(let base, let key, _): return "([] \(dump(base)) \(dump(key)))"
        case .slice(let base, let start, let stop, let step, _):
            return "(slice \(dump(base)) " + [start, stop, step].map { $0.map(dump) ?? "_" }.joined(separator: " ") + ")"
        case .call(let callee, let arguments, _): return "(call \(dump(callee))\(dump(arguments)))"
        case .filter(let base, let name, let arguments, _): return "(|\(name) \(dump(base))\(dump(arguments)))"
        case .test(let base, let name, let arguments, let negated, _):
            return "(is\(negated ? "-not" : "") \(name) \(dump(base))\(dump(arguments)))"
        case .negate(let operand, _): return "(neg \(dump(operand)))"
        case .plus(let operand, _): return "(pos \(dump(operand)))"
        case .not(let operand): return "(not \(dump(operand)))"
        case .binary(let op, let left, let right, _): return "(\(op.rawValue) \(dump(left)) \(dump(right)))"
        case .compare(let first, let operations, _):
            return "(compare \(dump(first))" + operations.map { " \($0.0.rawValue) \(dump($0.1))" }.joined() + ")"
        case .concat(let parts): return "(~" + parts.map { " " + dump($0) }.joined() + ")"
        case .conditional(let condition, let then, let otherwise):
            return "(ifexpr \(dump(condition)) \(dump(then)) \(otherwise.map(dump) ?? "_"))"
        }
    }
}
