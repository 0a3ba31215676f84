import LAMJSON

/// Safety limits for one render. A template is untrusted code: these bound what it can cost.
public struct RenderLimits: Sendable {
    /// Largest output, in UTF-8 bytes.
    public var maximumOutputBytes: Int
    /// Total `for` iterations across the whole render.
    public var maximumLoopIterations: Int
    /// Deepest nesting of macro calls (recursive macros included).
    public var maximumCallDepth: Int

    public init(maximumOutputBytes: Int = 16 << 20, maximumLoopIterations: Int = 1_000_000, maximumCallDepth: Int = 64) {
        self.maximumOutputBytes = maximumOutputBytes
        self.maximumLoopIterations = maximumLoopIterations
        self.maximumCallDepth = maximumCallDepth
    }
}

/// One level of variables. Loops, macros and `with` open a new level; `set` writes the innermost.
final class Scope {
    var variables: [String: Value] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }
}

/// The loop variable of a `for` loop.
final class LoopState: TemplateObject, @unchecked Sendable {
    let items: [Value]
    var index0 = 0
    /// The arguments of the last `loop.changed(...)` call.
    private var lastChanged: [Value]?

    init(items: [Value]) { self.items = items }

    override var typeName: String { "LoopContext" }
    override func text(depth: Int) -> String { "<LoopContext \(index0 + 1)/\(items.count)>" }

    override func attribute(_ name: String) -> Value? {
        let length = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(length - index0)
        case "revindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "depth": return .int(1)
        case "depth0": return .int(0)
        case "previtem": return index0 > 0 ? items[index0 - 1] : .undefined("there is no previous item")
        case "nextitem": return index0 + 1 < length ? items[index0 + 1] : .undefined("there is no next item")
        case "changed":
            return .function(TemplateFunction(name: "changed") { [unowned self] arguments throws(TemplateError) in
                let value = arguments.positional
                if self.lastChanged == value { return .bool(false) }
                self.lastChanged = value
                return .bool(true)
            })
        case "cycle":
            return .function(TemplateFunction(name: "cycle") { [index0] arguments throws(TemplateError) in
                guard !arguments.positional.isEmpty else { throw TemplateError(.type, "no items for cycling given") }
                return arguments.positional[index0 % arguments.positional.count]
            })
        default: return nil
        }
    }
}

/// What a statement list asks of the loop around it.
enum Flow {
    case normal, breakLoop, continueLoop
}

/// Walks the syntax tree and writes the output: jinja2's runtime semantics in a sandbox that can read its
/// inputs and nothing else.
final class Interpreter {
    private let limits: RenderLimits
    private var output = ""
    private var scope: Scope
    private var loopIterations = 0
    private var callDepth = 0
    private var bodyDepth = 0
    private var nestingWork = 0
    private static let maximumNestingWork = 20_000_000
    private static let maximumBodyDepth = 400

    init(globals: [String: Value], limits: RenderLimits) {
        let root = Scope(parent: nil)
        root.variables = globals
        scope = Scope(parent: root)
        self.limits = limits
    }

    func render(_ statements: [Statement]) throws(TemplateError) -> String {
        _ = try execute(statements)
        return output
    }

    // MARK: Statements

    private func write(_ text: String) throws(TemplateError) {
        output += text
        if output.utf8.count > limits.maximumOutputBytes {
            throw TemplateError(.limit, "output larger than \(limits.maximumOutputBytes) bytes")
        }
    }

    /// Runs `body` with output redirected, returning what it wrote.
    private func capture(_ body: () throws(TemplateError) -> Void) throws(TemplateError) -> String {
        let saved = output
        output = ""
        defer { output = saved }
        try body()
        return output
    }

    private func withScope<T>(_ newScope: Scope, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        let saved = scope
        scope = newScope
        defer { scope = saved }
        return try body()
    }

    private func execute(_ statements: [Statement]) throws(TemplateError) -> Flow {
        // Bodies within bodies within macro calls: bounded, so the native stack is too.
        bodyDepth += 1
        defer { bodyDepth -= 1 }
        if bodyDepth > Self.maximumBodyDepth {
            throw TemplateError(.limit, "blocks and macro calls nested deeper than \(Self.maximumBodyDepth)")
        }
        for statement in statements {
            let flow = try execute(statement)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ statement: Statement) throws(TemplateError) -> Flow {
        switch statement {
        case .text(let text):
            try write(text)
        case .output(let expression, let location):
            let value = try located(location) { () throws(TemplateError) in try evaluate(expression) }
            try write(value.text)
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition).isTruthy {
                return try execute(branch.body)
            }
            return try execute(otherwise)
        case .forLoop(let loop):
            return try run(loop)
        case .set(let target, let expression, let location):
            let value = try evaluate(expression)
            try assign(value, to: target, at: location)
        case .setBlock(let target, let body, let filters, let location):
            var value = Value.string(try capture { () throws(TemplateError) in _ = try execute(body) })
            for filter in filters { value = try applyFilter(filter.name, to: value, filter.arguments, at: filter.location) }
            try assign(value, to: target, at: location)
        case .macro(let definition):
            scope.variables[definition.name] = .function(makeMacro(definition))
        case .callBlock(let call, let caller):
            guard case .call(let callee, var arguments, let location) = call else { return .normal }
            let function = try evaluate(callee)
            var evaluated = try evaluateArguments(&arguments)
            evaluated.keyword["caller"] = .function(makeMacro(caller))
            try write(try invoke(function, evaluated, at: location).text)
        case .filterBlock(let filters, let body):
            var value = Value.string(try capture { () throws(TemplateError) in _ = try execute(body) })
            for filter in filters { value = try applyFilter(filter.name, to: value, filter.arguments, at: filter.location) }
            try write(value.text)
        case .with(let assignments, let body):
            var values: [(AssignTarget, Value)] = []
            for (target, expression) in assignments { values.append((target, try evaluate(expression))) }
            return try withScope(Scope(parent: scope)) { () throws(TemplateError) -> Flow in
                for (target, value) in values { try assign(value, to: target, at: nil) }
                return try execute(body)
            }
        case .scope(let body):
            return try execute(body)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func run(_ loop: ForLoop) throws(TemplateError) -> Flow {
        let iterable = try evaluate(loop.iterable)
        var items = try iterate(iterable, at: loop.location)
        if let condition = loop.condition {
            var kept: [Value] = []
            for item in items {
                let passes = try withScope(Scope(parent: scope)) { () throws(TemplateError) -> Bool in
                    try assign(item, to: loop.target, at: loop.location)
                    return try evaluate(condition).isTruthy
                }
                if passes { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            return try execute(loop.otherwise)
        }
        let state = LoopState(items: items)
        for (index, item) in items.enumerated() {
            loopIterations += 1
            if loopIterations > limits.maximumLoopIterations {
                throw TemplateError(.limit, "more than \(limits.maximumLoopIterations) loop iterations", at: loop.location)
            }
            state.index0 = index
            // Each iteration gets fresh variables, as in jinja2: a `set` in one pass is gone in the next.
            let flow = try withScope(Scope(parent: scope)) { () throws(TemplateError) -> Flow in
                scope.variables["loop"] = .object(state)
                try assign(item, to: loop.target, at: loop.location)
                return try execute(loop.body)
            }
            if case .breakLoop = flow { break }
        }
        return .normal
    }

    private func assign(_ value: Value, to target: AssignTarget, at location: SourceLocation?) throws(TemplateError) {
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .tuple(let targets):
            let items = try iterate(value, at: location)
            guard items.count == targets.count else {
                let problem = items.count > targets.count ? "too many values to unpack" : "not enough values to unpack"
                throw TemplateError(.type, "\(problem) (expected \(targets.count), got \(items.count))", at: location)
            }
            for (item, target) in zip(items, targets) { try assign(item, to: target, at: location) }
        case .namespaceAttribute(let name, let attribute):
            guard case .object(let object)? = scope.lookup(name), object is Namespace else {
                throw TemplateError(.type, "cannot assign attribute on non-namespace object '\(name)'", at: location)
            }
            do {
                try checkNesting(value)
                try object.setAttribute(attribute, value)
            } catch {
                throw location.map { error.located(at: $0) } ?? error
            }
        }
    }

    /// Namespaces are the only values that outlive a loop iteration, so only they could grow a value one
    /// level per iteration until printing or freeing it exhausts the stack. Values stored in them are
    /// measured (within a work budget, so measuring cannot become the hang) and kept shallow.
    private func checkNesting(_ value: Value) throws(TemplateError) {
        var visited = Set<ObjectIdentifier>()
        func depth(_ value: Value, _ level: Int) throws(TemplateError) -> Int {
            nestingWork += 1
            if nestingWork > Self.maximumNestingWork {
                throw TemplateError(.limit, "template stores too much data in namespaces")
            }
            if level > Value.maximumNesting {
                throw TemplateError(.limit, "values nested deeper than \(Value.maximumNesting)")
            }
            var deepest = 0
            switch value {
            case .list(let items), .tuple(let items), .iterator(let items):
                for item in items where item.isContainer { deepest = max(deepest, try depth(item, level + 1)) }
            case .dict(let entries):
                for (key, item) in entries {
                    if key.isContainer { deepest = max(deepest, try depth(key, level + 1)) }
                    if item.isContainer { deepest = max(deepest, try depth(item, level + 1)) }
                }
            case .object(let object as Namespace):
                // A namespace may hold itself (it then prints as `{...}`); count each one once.
                guard visited.insert(ObjectIdentifier(object)).inserted else { return 0 }
                for item in object.attributes.values where item.isContainer {
                    deepest = max(deepest, try depth(item, level + 1))
                }
            default:
                return 0
            }
            return deepest + 1
        }
        if value.isContainer { _ = try depth(value, 0) }
    }

    // MARK: Macros

    private func makeMacro(_ definition: MacroDefinition) -> TemplateFunction {
        let definingScope = scope
        let usage = MacroUsage(definition.body)
        return TemplateFunction(name: definition.name) { [unowned self] arguments throws(TemplateError) -> Value in
            try self.callMacro(definition, usage, definingScope, arguments)
        }
    }

    private func callMacro(_ definition: MacroDefinition, _ usage: MacroUsage, _ definingScope: Scope,
                           _ arguments: CallArguments) throws(TemplateError) -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maximumCallDepth {
            throw TemplateError(.limit, "macro calls nested deeper than \(limits.maximumCallDepth)", at: definition.location)
        }
        let parameters = definition.parameters
        if arguments.positional.count > parameters.count, !usage.readsVarargs {
            throw TemplateError(.type, "macro '\(definition.name)' takes not more than \(parameters.count) argument(s)",
                                at: definition.location)
        }
        let macroScope = Scope(parent: definingScope)
        var keywords = arguments.keyword
        let callerValue = keywords.removeValue(forKey: "caller")
        return try withScope(macroScope) { () throws(TemplateError) -> Value in
            for (index, parameter) in parameters.enumerated() {
                if index < arguments.positional.count {
                    if keywords[parameter.name] != nil {
                        throw TemplateError(.type, "macro '\(definition.name)' got multiple values for argument '\(parameter.name)'")
                    }
                    macroScope.variables[parameter.name] = arguments.positional[index]
                } else if let value = keywords.removeValue(forKey: parameter.name) {
                    macroScope.variables[parameter.name] = value
                } else if let defaultValue = parameter.defaultValue {
                    macroScope.variables[parameter.name] = try evaluate(defaultValue)
                } else {
                    macroScope.variables[parameter.name] = .undefined("parameter '\(parameter.name)' was not provided")
                }
            }
            if let callerValue {
                guard usage.readsCaller else {
                    throw TemplateError(.type, "macro '\(definition.name)' was invoked with two values for the special caller argument")
                }
                macroScope.variables["caller"] = callerValue
            }
            if !keywords.isEmpty, !usage.readsKwargs {
                throw TemplateError(.type, "macro '\(definition.name)' takes no keyword argument '\(keywords.keys[0])'")
            }
            if usage.readsVarargs {
                macroScope.variables["varargs"] = .tuple(Array(arguments.positional.dropFirst(parameters.count)))
            }
            if usage.readsKwargs {
                var entries = OrderedDictionary<Value, Value>()
                for (key, value) in keywords { entries[.string(key)] = value }
                macroScope.variables["kwargs"] = .dict(entries)
            }
            let text = try capture { () throws(TemplateError) in _ = try execute(definition.body) }
            return .string(text)
        }
    }

    // MARK: Expressions

    func evaluate(_ expression: Expression) throws(TemplateError) -> Value {
        switch expression {
        case .constant(let constant):
            return constant.value
        case .name(let name, _):
            return scope.lookup(name) ?? .undefined(name)
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .tuple(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .tuple(values)
        case .dict(let entries):
            var values = OrderedDictionary<Value, Value>()
            for entry in entries {
                let key = try evaluate(entry.key)
                try requireHashable(key)
                values[key] = try evaluate(entry.value)
            }
            return .dict(values)
        case .attribute(let base, let name, let location):
            return try located(location) { () throws(TemplateError) in try Access.attribute(try evaluate(base), name) }
        case .item(let base, let key, let location):
            let container = try evaluate(base)
            let keyValue = try evaluate(key)
            return try located(location) { () throws(TemplateError) in try Access.item(container, keyValue) }
        case .slice(let base, let start, let stop, let step, let location):
            let container = try evaluate(base)
            let bounds = (try start.map(evaluate), try stop.map(evaluate), try step.map(evaluate))
            do {
                return try Access.slice(container, start: bounds.0, stop: bounds.1, step: bounds.2)
            } catch where error.kind == .type && base.isConstant {
                // jinja2 folds a slice of a literal at compile time, through its lenient item lookup.
                return .undefined(hint: error.message)
            } catch {
                throw error.located(at: location)
            }
        case .call(let callee, var arguments, let location):
            let function = try evaluate(callee)
            let evaluated = try evaluateArguments(&arguments)
            return try invoke(function, evaluated, at: location)
        case .filter(let base, let name, let arguments, let location):
            return try applyFilter(name, to: try evaluate(base), arguments, at: location)
        case .test(let base, let name, var arguments, let negated, let location):
            let subject = try evaluate(base)
            let evaluated = try evaluateArguments(&arguments)
            let result = try located(location) { () throws(TemplateError) in
                try Tests.run(name, subject, evaluated)
            }
            return .bool(result != negated)
        case .negate(let operand, let location):
            return try located(location) { () throws(TemplateError) in try Arithmetic.negate(try evaluate(operand)) }
        case .plus(let operand, let location):
            return try located(location) { () throws(TemplateError) in try Arithmetic.plus(try evaluate(operand)) }
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .binary(.and, let left, let right, _):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .binary(.or, let left, let right, _):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .binary(let op, let left, let right, let location):
            let lhs = try evaluate(left)
            let rhs = try evaluate(right)
            return try located(location) { () throws(TemplateError) in try Arithmetic.apply(op, lhs, rhs) }
        case .compare(let first, let operations, let location):
            var left = try evaluate(first)
            for (op, expression) in operations {
                let right = try evaluate(expression)
                let holds = try located(location) { () throws(TemplateError) in try Comparison.compare(op, left, right) }
                if !holds { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let parts):
            var text = ""
            for part in parts { text += try evaluate(part).text }
            return .string(text)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map(evaluate) ?? .undefined(hint: "the inline if-expression evaluated to false and no else section was defined")
        }
    }

    private func located<T>(_ location: SourceLocation, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        do {
            return try body()
        } catch {
            throw error.located(at: location)
        }
    }

    private func requireHashable(_ key: Value) throws(TemplateError) {
        guard key.isHashable else { throw TemplateError(.type, "unhashable type: '\(key.typeName)'") }
    }

    private func evaluateArguments(_ arguments: inout ArgumentList) throws(TemplateError) -> CallArguments {
        var result = CallArguments()
        for expression in arguments.positional { result.positional.append(try evaluate(expression)) }
        if let splat = arguments.splatPositional {
            result.positional += try iterate(try evaluate(splat), at: nil)
        }
        for (name, expression) in arguments.keyword { result.keyword[name] = try evaluate(expression) }
        if let splat = arguments.splatKeyword {
            guard case .dict(let entries) = try evaluate(splat) else {
                throw TemplateError(.type, "argument after ** must be a mapping")
            }
            for (key, value) in entries {
                guard let name = key.stringValue else { throw TemplateError(.type, "keywords must be strings") }
                result.keyword[name] = value
            }
        }
        return result
    }

    func invoke(_ function: Value, _ arguments: CallArguments, at location: SourceLocation) throws(TemplateError) -> Value {
        switch function {
        case .function(let callable):
            return try located(location) { () throws(TemplateError) in try callable.call(arguments) }
        case .undefined(let hint):
            throw TemplateError(.undefined, hint, at: location)
        default:
            throw TemplateError(.type, "'\(function.typeName)' object is not callable", at: location)
        }
    }

    func applyFilter(_ name: String, to value: Value, _ arguments: ArgumentList, at location: SourceLocation)
        throws(TemplateError) -> Value
    {
        var arguments = arguments
        let evaluated = try evaluateArguments(&arguments)
        return try located(location) { () throws(TemplateError) in
            try Filters.apply(name, value, evaluated)
        }
    }

    /// Python's `iter(value)` as a list, with the template position on failure.
    func iterate(_ value: Value, at location: SourceLocation?) throws(TemplateError) -> [Value] {
        do {
            return try value.iterated()
        } catch {
            throw location.map { error.located(at: $0) } ?? error
        }
    }
}

extension Value {
    /// Whether the value holds other values (namespaces included).
    var isContainer: Bool {
        switch self {
        case .list, .tuple, .dict, .iterator: true
        case .object(let object): object is Namespace
        default: false
        }
    }
}

extension Expression {
    var isConstant: Bool { if case .constant = self { true } else { false } }
}

/// Which special names a macro body reads: jinja2 only accepts extra arguments when it does.
struct MacroUsage {
    var readsVarargs = false
    var readsKwargs = false
    var readsCaller = false

    init(_ body: [Statement]) {
        var names = Set<String>()
        NameCollector.collect(body, into: &names)
        readsVarargs = names.contains("varargs")
        readsKwargs = names.contains("kwargs")
        readsCaller = names.contains("caller")
    }
}
