import Foundation
import LAMJSON

/// A parsed Jinja template. Parse once, render many times; rendering is thread-safe.
public struct Template: Sendable {
    public let source: String
    let statements: [Statement]

    public init(_ source: String) throws(TemplateError) {
        self.source = source
        statements = try Parser.parse(source)
        try SyntaxWalk.checkNames(statements)
    }

    /// Renders with the given variables (JSON values, as Python's data model sees them) and globals.
    public func render(_ variables: OrderedDictionary<String, JSONValue>, environment: TemplateEnvironment = .init())
        throws(TemplateError) -> String
    {
        var globals = environment.globals()
        for (name, value) in variables { globals[name] = JSONBridge.value(value) }
        return try Interpreter(globals: globals, limits: environment.limits).render(statements)
    }
}

/// What a template can call besides its variables: transformers' globals, with a clock the caller controls.
public struct TemplateEnvironment: Sendable {
    /// The time `strftime_now` reports.
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone
    public var limits: RenderLimits

    public init(now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current,
                limits: RenderLimits = RenderLimits()) {
        self.now = now
        self.timeZone = timeZone
        self.limits = limits
    }

    func globals() -> [String: Value] {
        let now = self.now
        let timeZone = self.timeZone
        return [
            "raise_exception": .function(TemplateFunction(name: "raise_exception") { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "raise_exception", names: ["message"])
                throw TemplateError(.raised, parameters["message"]?.text ?? "")
            }),
            "strftime_now": .function(TemplateFunction(name: "strftime_now") { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "strftime_now", names: ["format"])
                guard let format = try parameters.string("format", "strftime_now") else {
                    throw TemplateError(.type, "strftime_now() missing required argument 'format'")
                }
                return .string(Strftime.format(format, now(), timeZone))
            }),
            "namespace": .function(TemplateFunction(name: "namespace") { arguments throws(TemplateError) in
                let entries = try Globals.dictionary(arguments, "namespace")
                var attributes = OrderedDictionary<String, Value>()
                for (key, value) in entries {
                    guard let name = key.stringValue else { throw TemplateError(.type, "namespace keys must be strings") }
                    if name.hasPrefix("_") {
                        throw TemplateError(.security, "namespace attributes cannot start with an underscore: '\(name)'")
                    }
                    attributes[name] = value
                }
                return .object(Namespace(attributes))
            }),
            "dict": .function(TemplateFunction(name: "dict") { arguments throws(TemplateError) in
                .dict(try Globals.dictionary(arguments, "dict"))
            }),
            "range": .function(TemplateFunction(name: "range", call: Globals.range)),
            "joiner": .function(TemplateFunction(name: "joiner") { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "joiner", names: ["sep"])
                let separator = parameters["sep"] ?? .string(", ")
                let used = Cycler(items: [.bool(false)])
                return .function(TemplateFunction(name: "joiner") { _ throws(TemplateError) in
                    if used.position == 1 { return separator }
                    used.position = 1
                    return .string("")
                })
            }),
            "cycler": .function(TemplateFunction(name: "cycler") { arguments throws(TemplateError) in
                guard arguments.keyword.isEmpty, !arguments.positional.isEmpty else {
                    throw TemplateError(.type, "at least one item has to be provided")
                }
                return .object(Cycler(items: arguments.positional))
            }),
        ]
    }
}

/// jinja2's `cycler(a, b, …)`: `next()` returns the items in turn, `current` the one `next()` returns next.
final class Cycler: TemplateObject, @unchecked Sendable {
    let items: [Value]
    var position = 0

    init(items: [Value]) { self.items = items }

    override var typeName: String { "Cycler" }

    override func attribute(_ name: String) -> Value? {
        switch name {
        case "items": return .tuple(items)
        case "current": return items[position]
        case "next":
            return .function(TemplateFunction(name: "next") { [unowned self] _ throws(TemplateError) in
                let item = self.items[self.position]
                self.position = (self.position + 1) % self.items.count
                return item
            })
        case "reset":
            return .function(TemplateFunction(name: "reset") { [unowned self] _ throws(TemplateError) in
                self.position = 0
                return .none
            })
        default: return nil
        }
    }
}

enum Globals {
    /// The sandbox's limit on `range()` length.
    static let maximumRange = 100_000

    /// Python's `dict(mapping_or_pairs, **keywords)`.
    static func dictionary(_ arguments: CallArguments, _ name: String) throws(TemplateError) -> OrderedDictionary<Value, Value> {
        guard arguments.positional.count <= 1 else {
            throw TemplateError(.type, "\(name) expected at most 1 argument, got \(arguments.positional.count)")
        }
        var entries = OrderedDictionary<Value, Value>()
        if let source = arguments.positional.first {
            switch source {
            case .dict(let given): entries = given
            default:
                for pair in try source.iterated() {
                    let parts = try pair.iterated()
                    guard parts.count == 2 else {
                        throw TemplateError(.type, "dictionary update sequence element has length \(parts.count); 2 is required")
                    }
                    entries[parts[0]] = parts[1]
                }
            }
        }
        for (key, value) in arguments.keyword { entries[.string(key)] = value }
        return entries
    }

    static func range(_ arguments: CallArguments) throws(TemplateError) -> Value {
        guard arguments.keyword.isEmpty else { throw TemplateError(.type, "range() takes no keyword arguments") }
        var bounds: [Int] = []
        for argument in arguments.positional {
            guard case .integer(let number)? = argument.integerIndex else {
                throw TemplateError(.type, "'\(argument.typeName)' object cannot be interpreted as an integer")
            }
            bounds.append(number)
        }
        let (start, stop, step): (Int, Int, Int)
        switch bounds.count {
        case 1: (start, stop, step) = (0, bounds[0], 1)
        case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
        case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
        default: throw TemplateError(.type, "range expected 1 to 3 arguments, got \(bounds.count)")
        }
        if step == 0 { throw TemplateError(.type, "range() arg 3 must not be zero") }
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span <= 0 ? 0 : Int((span / Double(abs(step))).rounded(.up))
        if count > maximumRange {
            throw TemplateError(.limit, "range too big, maximum size for range is \(maximumRange)")
        }
        var items: [Value] = []
        items.reserveCapacity(count)
        var current = start
        for _ in 0..<count {
            items.append(.int(current))
            let (next, overflow) = current.addingReportingOverflow(step)
            if overflow { break }
            current = next
        }
        return .list(items)
    }
}
