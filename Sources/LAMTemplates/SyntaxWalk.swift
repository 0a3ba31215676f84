/// Visits every expression in a syntax tree, for the checks made once after parsing.
enum SyntaxWalk {
    static func expressions(in statements: [Statement], _ visit: (Expression) -> Void) {
        for statement in statements { expressions(in: statement, visit) }
    }

    private static func expressions(in statement: Statement, _ visit: (Expression) -> Void) {
        func filters(_ calls: [FilterCall]) {
            for call in calls {
                for argument in call.arguments.positional + call.arguments.keyword.map(\.value) { walk(argument, visit) }
            }
        }
        switch statement {
        case .text, .breakLoop, .continueLoop: break
        case .output(let expression, _): walk(expression, visit)
        case .conditional(let branches, let otherwise):
            for branch in branches {
                walk(branch.condition, visit)
                expressions(in: branch.body, visit)
            }
            expressions(in: otherwise, visit)
        case .forLoop(let loop):
            walk(loop.iterable, visit)
            if let condition = loop.condition { walk(condition, visit) }
            expressions(in: loop.body, visit)
            expressions(in: loop.otherwise, visit)
        case .set(_, let expression, _): walk(expression, visit)
        case .setBlock(_, let body, let calls, _):
            filters(calls)
            expressions(in: body, visit)
        case .macro(let definition):
            for parameter in definition.parameters { if let value = parameter.defaultValue { walk(value, visit) } }
            expressions(in: definition.body, visit)
        case .callBlock(let call, let caller):
            walk(call, visit)
            expressions(in: caller.body, visit)
        case .filterBlock(let calls, let body):
            filters(calls)
            expressions(in: body, visit)
        case .with(let assignments, let body):
            for (_, value) in assignments { walk(value, visit) }
            expressions(in: body, visit)
        case .scope(let body): expressions(in: body, visit)
        }
    }

    static func walk(_ expression: Expression, _ visit: (Expression) -> Void) {
        visit(expression)
        for child in children(expression) { walk(child, visit) }
    }

    /// The direct subexpressions of an expression.
    static func children(_ expression: Expression) -> [Expression] {
        func arguments(_ list: ArgumentList) -> [Expression] {
            list.positional + list.keyword.map(\.value) + [list.splatPositional, list.splatKeyword].compactMap { $0 }
        }
        switch expression {
        case .constant, .name: return []
        case .list(let items), .tuple(let items), .concat(let items): return items
        case .dict(let entries): return entries.flatMap { [$0.key, $0.value] }
        case .attribute(let base, _, _), .negate(let base, _), .plus(let base, _), .not(let base): return [base]
        case .item(let base, let key, _): return [base, key]
        case .slice(let base, let start, let stop, let step, _): return [base] + [start, stop, step].compactMap { $0 }
        case .call(let base, let list, _), .filter(let base, _, let list, _), .test(let base, _, let list, _, _):
            return [base] + arguments(list)
        case .binary(_, let left, let right, _): return [left, right]
        case .compare(let first, let operations, _): return [first] + operations.map(\.1)
        case .conditional(let condition, let then, let otherwise): return [condition, then] + [otherwise].compactMap { $0 }
        }
    }

    /// jinja2 rejects a template naming an unknown filter or test when it compiles it, used or not, except
    /// inside an `if` or an inline `a if b else c` (there it fails only if reached); loops, macros and
    /// blocks nested in those are strict again.
    static func checkNames(_ statements: [Statement]) throws(TemplateError) {
        var checker = NameChecker()
        checker.check(statements, soft: false)
        if let problem = checker.problem { throw problem }
    }

    private struct NameChecker {
        var problem: TemplateError?

        mutating func check(_ statements: [Statement], soft: Bool) {
            for statement in statements where problem == nil { check(statement, soft: soft) }
        }

        mutating func check(_ filters: [FilterCall], soft: Bool) {
            for filter in filters where problem == nil {
                if !soft && !Filters.exists(filter.name) {
                    problem = TemplateError(.syntax, "no filter named '\(filter.name)'", at: filter.location)
                }
                for argument in filter.arguments.positional + filter.arguments.keyword.map(\.value) {
                    check(argument, soft: soft)
                }
            }
        }

        mutating func check(_ statement: Statement, soft: Bool) {
            switch statement {
            case .text, .breakLoop, .continueLoop: break
            case .output(let expression, _), .set(_, let expression, _): check(expression, soft: soft)
            case .conditional(let branches, let otherwise):
                for branch in branches {
                    check(branch.condition, soft: true)
                    check(branch.body, soft: true)
                }
                check(otherwise, soft: true)
            case .forLoop(let loop):
                check(loop.iterable, soft: soft)
                if let condition = loop.condition { check(condition, soft: false) }
                check(loop.body, soft: false)
                check(loop.otherwise, soft: false)
            case .setBlock(_, let body, let filters, _):
                check(filters, soft: false)
                check(body, soft: false)
            case .macro(let definition):
                for parameter in definition.parameters { if let value = parameter.defaultValue { check(value, soft: false) } }
                check(definition.body, soft: false)
            case .callBlock(let call, let caller):
                check(call, soft: soft)
                check(caller.body, soft: false)
            case .filterBlock(let filters, let body):
                check(filters, soft: false)
                check(body, soft: false)
            case .with(let assignments, let body):
                for (_, value) in assignments { check(value, soft: soft) }
                check(body, soft: false)
            case .scope(let body): check(body, soft: soft)
            }
        }

        mutating func check(_ expression: Expression, soft: Bool) {
            guard problem == nil else { return }
            switch expression {
            case .filter(_, let name, _, let location) where !soft && !Filters.exists(name):
                problem = TemplateError(.syntax, "no filter named '\(name)'", at: location)
            case .test(_, let name, _, _, let location) where !soft && !Tests.exists(name):
                problem = TemplateError(.syntax, "no test named '\(name)'", at: location)
            default: break
            }
            let childrenAreSoft = soft || { if case .conditional = expression { true } else { false } }()
            for child in SyntaxWalk.children(expression) { check(child, soft: childrenAreSoft) }
        }
    }
}

/// Collects every variable name an expression reads.
enum NameCollector {
    static func collect(_ statements: [Statement], into names: inout Set<String>) {
        var found = Set<String>()
        SyntaxWalk.expressions(in: statements) { expression in
            if case .name(let name, _) = expression { found.insert(name) }
        }
        names.formUnion(found)
    }
}
