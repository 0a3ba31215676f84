/// Builds the syntax tree from tokens, following jinja2's grammar and operator precedence:
/// conditional < `or` < `and` < `not` < comparisons < `+ -` < `~` < `* / // %` < `**` < unary `- +`
/// < filters and tests (`|`, `is`) < postfix (`.`, `[]`, call) < primary.
struct Parser {
    private let tokens: [Token]
    private var index = 0
    /// How many `for` bodies enclose the current position (`break`/`continue` need one).
    private var loopDepth = 0
    /// Nesting of blocks and expressions, bounded so hostile input cannot exhaust the stack.
    private var depth = 0
    static let maximumDepth = 100

    static func parse(_ source: String) throws(TemplateError) -> [Statement] {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        let body = try parser.parseBody(until: [])
        guard case .end = parser.current.kind else { throw parser.unexpected() }
        return body
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    // MARK: Token stream

    private var current: Token { tokens[index] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func isOperator(_ op: String, _ token: Token? = nil) -> Bool {
        (token ?? current).kind == .op(op)
    }

    private func isName(_ name: String, _ token: Token? = nil) -> Bool {
        (token ?? current).kind == .name(name)
    }

    private mutating func skip(operator op: String) -> Bool {
        guard isOperator(op) else { return false }
        advance()
        return true
    }

    private mutating func skip(name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .text: "template data"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .name(let name): "'\(name)'"
        case .string(let text): PythonString.repr(text)
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .op(let op): "'\(op)'"
        case .end: "end of template"
        }
    }

    private func unexpected(_ expected: String? = nil) -> TemplateError {
        let found = describe(current)
        let message = expected.map { "expected \($0), got \(found)" } ?? "unexpected \(found)"
        return TemplateError(.syntax, message, at: current.location)
    }

    private mutating func expect(operator op: String) throws(TemplateError) {
        guard skip(operator: op) else { throw unexpected("'\(op)'") }
    }

    private mutating func expect(name: String) throws(TemplateError) {
        guard skip(name: name) else { throw unexpected("'\(name)'") }
    }

    private mutating func expectName() throws(TemplateError) -> String {
        guard case .name(let name) = current.kind else { throw unexpected("a name") }
        advance()
        return name
    }

    private mutating func expectBlockEnd() throws(TemplateError) {
        guard current.kind == .blockEnd else { throw unexpected("end of statement block") }
        advance()
    }

    private mutating func nested<T>(_ body: (inout Parser) throws(TemplateError) -> T) throws(TemplateError) -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw TemplateError(.limit, "template nesting deeper than \(Self.maximumDepth)", at: current.location)
        }
        return try body(&self)
    }

    /// Counts one more level of a left-nested chain (`a + b + c`, `x.a.b`, `x|f|g`) towards the depth limit;
    /// `levels` remembers how many to give back when the chain ends.
    private mutating func deepen(_ levels: inout Int) throws(TemplateError) {
        depth += 1
        levels += 1
        if depth > Self.maximumDepth {
            throw TemplateError(.limit, "template nesting deeper than \(Self.maximumDepth)", at: current.location)
        }
    }

    // MARK: Statements

    /// Parses statements until a block tag named in `endTags`; leaves the stream on that tag's name.
    private mutating func parseBody(until endTags: Set<String>) throws(TemplateError) -> [Statement] {
        try nested { (parser: inout Parser) throws(TemplateError) in
            var body: [Statement] = []
            while true {
                let token = parser.current
                switch token.kind {
                case .end:
                    if !endTags.isEmpty {
                        let names = endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
                        throw TemplateError(.syntax, "unexpected end of template, expected \(names)", at: token.location)
                    }
                    return body
                case .text(let text):
                    body.append(.text(text))
                    parser.advance()
                case .variableBegin:
                    parser.advance()
                    let expression = try parser.parseTuple()
                    guard parser.current.kind == .variableEnd else { throw parser.unexpected("end of print statement") }
                    parser.advance()
                    body.append(.output(expression, token.location))
                case .blockBegin:
                    parser.advance()
                    if case .name(let name) = parser.current.kind, endTags.contains(name) { return body }
                    body.append(try parser.parseStatement())
                    try parser.expectBlockEnd()
                default:
                    throw parser.unexpected()
                }
            }
        }
    }

    /// `%}` then a body up to one of `endTags`; with `dropEnd` the end tag's name is consumed.
    private mutating func parseBlock(until endTags: Set<String>, dropEnd: Bool) throws(TemplateError) -> [Statement] {
        _ = skip(operator: ":")
        try expectBlockEnd()
        let body = try parseBody(until: endTags)
        if dropEnd { advance() }
        return body
    }

    private mutating func parseStatement() throws(TemplateError) -> Statement {
        let location = current.location
        guard case .name(let tag) = current.kind else {
            throw TemplateError(.syntax, "tag name expected", at: location)
        }
        switch tag {
        case "for": return try parseFor()
        case "if": return try parseIf()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCallBlock()
        case "filter":
            advance()
            let filters = try parseFilterChain(startInline: true)
            return .filterBlock(filters: filters, body: try parseBlock(until: ["endfilter"], dropEnd: true))
        case "with": return try parseWith()
        case "print":
            advance()
            return .output(try parseTuple(), location)
        case "generation":
            advance()
            return .scope(try parseBlock(until: ["endgeneration"], dropEnd: true))
        case "break", "continue":
            guard loopDepth > 0 else { throw TemplateError(.syntax, "'\(tag)' outside loop", at: location) }
            advance()
            return tag == "break" ? .breakLoop(location) : .continueLoop(location)
        case "block", "extends", "include", "import", "from", "autoescape":
            throw TemplateError(.syntax, "the '\(tag)' tag is not supported in chat templates", at: location)
        default:
            throw TemplateError(.syntax, "encountered unknown tag '\(tag)'", at: location)
        }
    }

    private mutating func parseFor() throws(TemplateError) -> Statement {
        let location = current.location
        advance()
        let target = try parseAssignTarget(endNames: ["in"])
        try expect(name: "in")
        let iterable = try parseTuple(withConditional: false, endNames: ["recursive"])
        var condition: Expression?
        if skip(name: "if") { condition = try parseExpression() }
        if isName("recursive") {
            throw TemplateError(.syntax, "recursive for loops are not supported", at: current.location)
        }
        loopDepth += 1
        let body = try parseBlock(until: ["endfor", "else"], dropEnd: false)
        loopDepth -= 1
        var otherwise: [Statement] = []
        if isName("else") {
            advance()
            otherwise = try parseBlock(until: ["endfor"], dropEnd: true)
        } else {
            advance()
        }
        return .forLoop(ForLoop(target: target, iterable: iterable, condition: condition, body: body,
                                otherwise: otherwise, location: location))
    }

    private mutating func parseIf() throws(TemplateError) -> Statement {
        advance()
        var branches: [(condition: Expression, body: [Statement])] = []
        while true {
            let condition = try parseTuple(withConditional: false)
            let body = try parseBlock(until: ["elif", "else", "endif"], dropEnd: false)
            branches.append((condition, body))
            if skip(name: "elif") { continue }
            if skip(name: "else") {
                return .conditional(branches: branches, otherwise: try parseBlock(until: ["endif"], dropEnd: true))
            }
            advance()
            return .conditional(branches: branches, otherwise: [])
        }
    }

    private mutating func parseSet() throws(TemplateError) -> Statement {
        let location = current.location
        advance()
        let target: AssignTarget
        if case .name(let namespace) = current.kind, isOperator(".", next) {
            advance()
            advance()
            target = .namespaceAttribute(namespace: namespace, attribute: try expectName())
        } else {
            target = try parseAssignTarget(endNames: [])
        }
        if skip(operator: "=") { return .set(target, try parseTuple(), location) }
        let filters = try parseFilterChain(startInline: false)
        return .setBlock(target, body: try parseBlock(until: ["endset"], dropEnd: true), filters: filters, location)
    }

    private mutating func parseMacro() throws(TemplateError) -> Statement {
        let location = current.location
        advance()
        let name = try expectName()
        let parameters = try parseSignature()
        // A macro body is its own function: loops around the definition do not reach into it.
        let savedLoopDepth = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoopDepth }
        let body = try parseBlock(until: ["endmacro"], dropEnd: true)
        return .macro(MacroDefinition(name: name, parameters: parameters, body: body, location: location))
    }

    private mutating func parseSignature() throws(TemplateError) -> [(name: String, defaultValue: Expression?)] {
        try expect(operator: "(")
        var parameters: [(name: String, defaultValue: Expression?)] = []
        while !isOperator(")") {
            if !parameters.isEmpty { try expect(operator: ",") }
            let name = try expectName()
            if skip(operator: "=") {
                parameters.append((name, try parseExpression()))
            } else if parameters.contains(where: { $0.defaultValue != nil }) {
                throw TemplateError(.syntax, "non-default argument follows default argument", at: current.location)
            } else {
                parameters.append((name, nil))
            }
        }
        advance()
        return parameters
    }

    private mutating func parseCallBlock() throws(TemplateError) -> Statement {
        let location = current.location
        advance()
        let parameters = isOperator("(") ? try parseSignature() : []
        let call = try parseExpression()
        guard case .call = call else { throw TemplateError(.syntax, "expected call", at: location) }
        let savedLoopDepth = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoopDepth }
        let body = try parseBlock(until: ["endcall"], dropEnd: true)
        let caller = MacroDefinition(name: "caller", parameters: parameters, body: body, location: location)
        return .callBlock(call: call, caller: caller)
    }

    private mutating func parseWith() throws(TemplateError) -> Statement {
        advance()
        var assignments: [(AssignTarget, Expression)] = []
        while current.kind != .blockEnd {
            if !assignments.isEmpty { try expect(operator: ",") }
            let target = try parseAssignTarget(endNames: [])
            try expect(operator: "=")
            assignments.append((target, try parseExpression()))
        }
        return .with(assignments: assignments, body: try parseBlock(until: ["endwith"], dropEnd: true))
    }

    /// `name`, `a, b`, `(a, (b, c))`: the targets of `for` and `set`.
    private mutating func parseAssignTarget(endNames: Set<String>) throws(TemplateError) -> AssignTarget {
        let expression = try parseTuple(simplified: true, endNames: endNames)
        return try assignTarget(from: expression)
    }

    private func assignTarget(from expression: Expression) throws(TemplateError) -> AssignTarget {
        switch expression {
        case .name(let name, let location):
            if ["true", "false", "none", "True", "False", "None"].contains(name) {
                throw TemplateError(.syntax, "cannot assign to '\(name)'", at: location)
            }
            return .name(name)
        case .tuple(let items):
            var targets: [AssignTarget] = []
            for item in items { targets.append(try assignTarget(from: item)) }
            return .tuple(targets)
        default:
            throw TemplateError(.syntax, "can't assign to this expression", at: current.location)
        }
    }

    // MARK: Expressions

    private func isTupleEnd(_ endNames: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .op(")"): true
        case .name(let name): endNames.contains(name)
        default: false
        }
    }

    /// Comma-separated expressions; more than one (or a trailing comma) makes a tuple.
    private mutating func parseTuple(simplified: Bool = false, withConditional: Bool = true,
                                     endNames: Set<String> = [], explicitParentheses: Bool = false)
        throws(TemplateError) -> Expression
    {
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expect(operator: ",") }
            if isTupleEnd(endNames) { break }
            if simplified {
                items.append(try parsePrimary())
            } else {
                items.append(try parseExpression(withConditional: withConditional))
            }
            if isOperator(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw unexpected("an expression") }
        }
        return .tuple(items)
    }

    private mutating func parseExpression(withConditional: Bool = true) throws(TemplateError) -> Expression {
        try nested { (parser: inout Parser) throws(TemplateError) in
            withConditional ? try parser.parseConditional() : try parser.parseOr()
        }
    }

    private mutating func parseConditional() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var expression = try parseOr()
        while skip(name: "if") {
            try deepen(&levels)
            let condition = try parseOr()
            let otherwise = skip(name: "else") ? try parseConditional() : nil
            expression = .conditional(condition: condition, then: expression, otherwise: otherwise)
        }
        return expression
    }

    private mutating func parseOr() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var left = try parseAnd()
        while isName("or") {
            try deepen(&levels)
            let location = current.location
            advance()
            left = .binary(.or, left, try parseAnd(), location)
        }
        return left
    }

    private mutating func parseAnd() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var left = try parseNot()
        while isName("and") {
            try deepen(&levels)
            let location = current.location
            advance()
            left = .binary(.and, left, try parseNot(), location)
        }
        return left
    }

    private mutating func parseNot() throws(TemplateError) -> Expression {
        if skip(name: "not") {
            return .not(try nested { (parser: inout Parser) throws(TemplateError) in try parser.parseNot() })
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(TemplateError) -> Expression {
        let location = current.location
        let left = try parseAdditive()
        var operations: [(CompareOperator, Expression)] = []
        while true {
            if case .op(let op) = current.kind, let compare = CompareOperator(rawValue: op), compare != .in {
                advance()
                operations.append((compare, try parseAdditive()))
            } else if skip(name: "in") {
                operations.append((.in, try parseAdditive()))
            } else if isName("not"), isName("in", next) {
                advance()
                advance()
                operations.append((.notIn, try parseAdditive()))
            } else {
                break
            }
        }
        return operations.isEmpty ? left : .compare(left, operations, location)
    }

    private mutating func parseAdditive() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var left = try parseConcat()
        while isOperator("+") || isOperator("-") {
            try deepen(&levels)
            let location = current.location
            let op: BinaryOperator = isOperator("+") ? .add : .subtract
            advance()
            left = .binary(op, left, try parseConcat(), location)
        }
        return left
    }

    private mutating func parseConcat() throws(TemplateError) -> Expression {
        var parts = [try parseMultiplicative()]
        while skip(operator: "~") { parts.append(try parseMultiplicative()) }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func parseMultiplicative() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var left = try parsePower()
        while case .op(let op) = current.kind, let binary = BinaryOperator(rawValue: op),
              [.multiply, .divide, .floorDivide, .modulo].contains(binary) {
            try deepen(&levels)
            let location = current.location
            advance()
            left = .binary(binary, left, try parsePower(), location)
        }
        return left
    }

    private mutating func parsePower() throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var left = try parseUnary(withFilter: true)
        while isOperator("**") {
            try deepen(&levels)
            let location = current.location
            advance()
            let right = try parseUnary(withFilter: true)
            if case .negate(.constant(let constant), let negateLocation) = left, constant.isNumber {
                // jinja2 folds `-2` into the constant -2 and writes `-2 ** y` into Python source, where it
                // means -(2 ** y). Same result here.
                left = .negate(.binary(.power, .constant(constant), right, location), negateLocation)
            } else {
                left = .binary(.power, left, right, location)
            }
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool) throws(TemplateError) -> Expression {
        let location = current.location
        var expression: Expression
        if skip(operator: "-") {
            expression = .negate(try nested { (parser: inout Parser) throws(TemplateError) in
                try parser.parseUnary(withFilter: false)
            }, location)
        } else if skip(operator: "+") {
            expression = .plus(try nested { (parser: inout Parser) throws(TemplateError) in
                try parser.parseUnary(withFilter: false)
            }, location)
        } else {
            expression = try parsePostfix(try parsePrimary())
        }
        if withFilter { expression = try parseFilterExpression(expression) }
        return expression
    }

    private mutating func parsePrimary() throws(TemplateError) -> Expression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .constant(.bool(true))
            case "false", "False": return .constant(.bool(false))
            case "none", "None": return .constant(.none)
            default: return .name(name, token.location)
            }
        case .string(var text):
            advance()
            // Adjacent string literals join, as in Python.
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .constant(.string(text))
        case .integer(let number):
            advance()
            return .constant(.int(number))
        case .float(let number):
            advance()
            return .constant(.double(number))
        case .op("("):
            advance()
            let expression = try nested { (parser: inout Parser) throws(TemplateError) in
                try parser.parseTuple(explicitParentheses: true)
            }
            try expect(operator: ")")
            return expression
        case .op("["):
            advance()
            var items: [Expression] = []
            while !isOperator("]") {
                if !items.isEmpty { try expect(operator: ",") }
                if isOperator("]") { break }
                items.append(try parseExpression())
            }
            advance()
            return .list(items)
        case .op("{"):
            advance()
            var entries: [(key: Expression, value: Expression)] = []
            while !isOperator("}") {
                if !entries.isEmpty { try expect(operator: ",") }
                if isOperator("}") { break }
                let key = try parseExpression()
                try expect(operator: ":")
                entries.append((key, try parseExpression()))
            }
            advance()
            return .dict(entries)
        default:
            throw unexpected()
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var expression = base
        while true {
            try deepen(&levels)
            if isOperator(".") || isOperator("[") {
                expression = try parseSubscript(expression)
            } else if isOperator("(") {
                expression = try parseCall(expression)
            } else {
                return expression
            }
        }
    }

    private mutating func parseFilterExpression(_ base: Expression) throws(TemplateError) -> Expression {
        var levels = 0
        defer { depth -= levels }
        var expression = base
        while true {
            try deepen(&levels)
            if isOperator("|") {
                for filter in try parseFilterChain(startInline: false) {
                    try deepen(&levels)
                    expression = .filter(expression, name: filter.name, filter.arguments, filter.location)
                }
            } else if isName("is") {
                expression = try parseTest(expression)
            } else if isOperator("(") {
                expression = try parseCall(expression)
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: Expression) throws(TemplateError) -> Expression {
        let location = current.location
        if skip(operator: ".") {
            switch current.kind {
            case .name(let name):
                advance()
                return .attribute(base, name, location)
            case .integer(let number):
                advance()
                return .item(base, .constant(.int(number)), location)
            default:
                throw unexpected("name or number")
            }
        }
        try expect(operator: "[")
        var subscripts: [Expression] = []
        while !isOperator("]") {
            if !subscripts.isEmpty { try expect(operator: ",") }
            subscripts.append(try parseSubscribed(base, location))
        }
        advance()
        guard subscripts.count == 1 else { return .item(base, .tuple(subscripts), location) }
        if case .slice = subscripts[0] { return subscripts[0] }
        return .item(base, subscripts[0], location)
    }

    /// One subscript: an index expression or a slice `start:stop:step` (a slice applies to `base`).
    private mutating func parseSubscribed(_ base: Expression, _ location: SourceLocation) throws(TemplateError) -> Expression {
        var start: Expression?
        if !isOperator(":") {
            let expression = try parseExpression()
            if !isOperator(":") { return expression }
            start = expression
        }
        advance()
        var stop: Expression?
        if !isOperator(":") && !isOperator("]") && !isOperator(",") { stop = try parseExpression() }
        var step: Expression?
        if skip(operator: ":"), !isOperator("]") && !isOperator(",") { step = try parseExpression() }
        return .slice(base, start: start, stop: stop, step: step, location)
    }

    private mutating func parseCall(_ callee: Expression) throws(TemplateError) -> Expression {
        let location = current.location
        return .call(callee, try parseArguments(), location)
    }

    private mutating func parseArguments() throws(TemplateError) -> ArgumentList {
        let location = current.location
        try expect(operator: "(")
        var arguments = ArgumentList()
        var needsComma = false
        let invalid = TemplateError(.syntax, "invalid syntax for function call expression", at: location)
        while !isOperator(")") {
            if needsComma {
                try expect(operator: ",")
                if isOperator(")") { break }
            }
            if skip(operator: "*") {
                guard arguments.splatPositional == nil, arguments.splatKeyword == nil else { throw invalid }
                arguments.splatPositional = try parseExpression()
            } else if skip(operator: "**") {
                guard arguments.splatKeyword == nil else { throw invalid }
                arguments.splatKeyword = try parseExpression()
            } else if case .name(let name) = current.kind, isOperator("=", next) {
                guard arguments.splatKeyword == nil else { throw invalid }
                advance()
                advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                guard arguments.splatPositional == nil, arguments.splatKeyword == nil, arguments.keyword.isEmpty else {
                    throw invalid
                }
                arguments.positional.append(try parseExpression())
            }
            needsComma = true
        }
        advance()
        return arguments
    }

    /// `| name(args) | name2 …`; with `startInline` the first filter has no leading `|`.
    private mutating func parseFilterChain(startInline: Bool) throws(TemplateError) -> [FilterCall] {
        var filters: [FilterCall] = []
        var inline = startInline
        while isOperator("|") || inline {
            if !inline { advance() }
            inline = false
            let location = current.location
            var name = try expectName()
            while skip(operator: ".") { name += "." + (try expectName()) }
            let arguments = isOperator("(") ? try parseArguments() : ArgumentList()
            filters.append(FilterCall(name: name, arguments: arguments, location: location))
        }
        return filters
    }

    private mutating func parseTest(_ subject: Expression) throws(TemplateError) -> Expression {
        let location = current.location
        advance()
        let negated = skip(name: "not")
        var name = try expectName()
        while skip(operator: ".") { name += "." + (try expectName()) }
        var arguments = ArgumentList()
        if isOperator("(") {
            arguments = try parseArguments()
        } else {
            let startsArgument: Bool = switch current.kind {
            case .name(let word): !["else", "or", "and"].contains(word)
            case .string, .integer, .float, .op("("), .op("["), .op("{"): true
            default: false
            }
            if startsArgument {
                if isName("is") { throw TemplateError(.syntax, "You cannot chain multiple tests with is", at: current.location) }
                arguments.positional = [try parsePostfix(try parsePrimary())]
            }
        }
        return .test(subject, name: name, arguments, negated: negated, location)
    }
}
