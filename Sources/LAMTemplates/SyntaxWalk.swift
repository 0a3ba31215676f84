/// Visits every expression in a syntax tree, for the checks made once after parsing.
enum SyntaxWalk {
    static func expressions(in statements: [Statement], _ visit: (Expression) -> Void) {
        for statement in statements { expressions(in: statement, visit) }
    }

    private static func expressions(in statement: Statement, _ visit: (Expression) -> Void) {
        func filters(_ calls: [FilterCall]) {
            for call in calls { arguments(call.arguments, visit) }
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
        case .callBlock(let call, let caller, _):
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

    private static func arguments(_ list: ArgumentList, _ visit: (Expression) -> Void) {
        for expression in list.positional { walk(expression, visit) }
        for (_, expression) in list.keyword { walk(expression, visit) }
        if let splat = list.splatPositional { walk(splat, visit) }
        if let splat = list.splatKeyword { walk(splat, visit) }
    }

    static func walk(_ expression: Expression, _ visit: (Expression) -> Void) {
        visit(expression)
        switch expression {
        case .constant, .name: break
        case .list(let items), .tuple(let items), .concat(let items):
            for item in items { walk(item, visit) }
        case .dict(let entries):
            for entry in entries {
                walk(entry.key, visit)
                walk(entry.value, visit)
            }
        case .attribute(let base, _, _), .negate(let base, _), .plus(let base, _), .not(let base):
            walk(base, visit)
        case .item(let base, let key, _):
            walk(base, visit)
            walk(key, visit)
        case .slice(let base, let start, let stop, let step, _):
            walk(base, visit)
            for part in [start, stop, step] { if let part { walk(part, visit) } }
        case .call(let base, let list, _), .filter(let base, _, let list, _), .test(let base, _, let list, _, _):
            walk(base, visit)
            arguments(list, visit)
        case .binary(_, let left, let right, _):
            walk(left, visit)
            walk(right, visit)
        case .compare(let first, let operations, _):
            walk(first, visit)
            for (_, operand) in operations { walk(operand, visit) }
        case .conditional(let condition, let then, let otherwise):
            walk(condition, visit)
            walk(then, visit)
            if let otherwise { walk(otherwise, visit) }
        }
    }

    /// jinja2 rejects a template naming an unknown filter or test when it compiles it, used or not.
    static func checkNames(_ statements: [Statement]) throws(TemplateError) {
        var problem: TemplateError?
        func checkFilters(_ calls: [FilterCall]) {
            for call in calls where problem == nil && !Filters.exists(call.name) {
                problem = TemplateError(.syntax, "no filter named '\(call.name)'", at: call.location)
            }
        }
        func visitStatements(_ statements: [Statement]) {
            for statement in statements {
                switch statement {
                case .setBlock(_, let body, let calls, _):
                    checkFilters(calls)
                    visitStatements(body)
                case .filterBlock(let calls, let body):
                    checkFilters(calls)
                    visitStatements(body)
                case .conditional(let branches, let otherwise):
                    for branch in branches { visitStatements(branch.body) }
                    visitStatements(otherwise)
                case .forLoop(let loop):
                    visitStatements(loop.body)
                    visitStatements(loop.otherwise)
                case .macro(let definition): visitStatements(definition.body)
                case .callBlock(_, let caller, _): visitStatements(caller.body)
                case .with(_, let body), .scope(let body): visitStatements(body)
                default: break
                }
            }
        }
        visitStatements(statements)
        expressions(in: statements) { expression in
            guard problem == nil else { return }
            switch expression {
            case .filter(_, let name, _, let location) where !Filters.exists(name):
                problem = TemplateError(.syntax, "no filter named '\(name)'", at: location)
            case .test(_, let name, _, _, let location) where !Tests.exists(name):
                problem = TemplateError(.syntax, "no test named '\(name)'", at: location)
            default: break
            }
        }
        if let problem { throw problem }
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
