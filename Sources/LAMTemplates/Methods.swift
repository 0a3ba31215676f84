import LAMJSON

/// The methods of Python's `str`, `dict` and `list` that templates call (`text.strip()`, `message.get('x')`).
/// Methods that would change a value raise a security error, as in jinja2's immutable sandbox.
enum Methods {
    private static let mutatingDictMethods: Set = ["clear", "pop", "popitem", "setdefault", "update"]
    private static let mutatingListMethods: Set = ["append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"]

    /// The bound method `value.name`, or nil when the type has no such method.
    static func bound(_ value: Value, _ name: String) throws(TemplateError) -> Value? {
        let implementation: ((CallArguments) throws(TemplateError) -> Value)?
        switch value {
        case .string(let text), .markup(let text):
            implementation = stringMethod(text, name)
        case .dict(let entries):
            if mutatingDictMethods.contains(name) {
                throw TemplateError(.security, "access to attribute '\(name)' of 'dict' object is unsafe")
            }
            implementation = dictMethod(entries, name)
        case .list(let items), .tuple(let items):
            if case .list = value, mutatingListMethods.contains(name) {
                throw TemplateError(.security, "access to attribute '\(name)' of 'list' object is unsafe")
            }
            implementation = sequenceMethod(items, name)
        default:
            implementation = nil
        }
        guard let implementation else { return nil }
        return .function(TemplateFunction(name: "\(value.typeName).\(name)", call: implementation))
    }

    private static func dictMethod(_ entries: OrderedDictionary<Value, Value>, _ name: String)
        -> ((CallArguments) throws(TemplateError) -> Value)?
    {
        switch name {
        case "get":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "get", names: ["key", "default"])
                guard let key = parameters["key"] else { throw TemplateError(.type, "get expected at least 1 argument, got 0") }
                return entries[key] ?? parameters["default"] ?? .none
            }
        case "items":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: "items", names: [])
                return .list(entries.map { .tuple([$0.key, $0.value]) })
            }
        case "keys":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: "keys", names: [])
                return .list(Array(entries.keys))
            }
        case "values":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: "values", names: [])
                return .list(Array(entries.values))
            }
        case "copy":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: "copy", names: [])
                return .dict(entries)
            }
        default:
            return nil
        }
    }

    private static func sequenceMethod(_ items: [Value], _ name: String) -> ((CallArguments) throws(TemplateError) -> Value)? {
        switch name {
        case "index":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "index", names: ["value"])
                guard let needle = parameters["value"], let found = items.firstIndex(of: needle) else {
                    throw TemplateError(.type, "value is not in list")
                }
                return .int(found)
            }
        case "count":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: "count", names: ["value"])
                guard let needle = parameters["value"] else { throw TemplateError(.type, "count() takes exactly one argument") }
                return .int(items.count { $0 == needle })
            }
        default:
            return nil
        }
    }

    private static func stringMethod(_ text: String, _ name: String) -> ((CallArguments) throws(TemplateError) -> Value)? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["chars"])
                let chars = try parameters.string("chars", name)
                return .string(PythonString.strip(text, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "split", "rsplit":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["sep", "maxsplit"])
                let separator = try parameters.string("sep", name)
                let maxSplit = try parameters.int("maxsplit", name) ?? -1
                if name == "rsplit", maxSplit >= 0 {
                    // rsplit with a limit splits from the right: split the reversed text with a reversed separator.
                    let reversedText = String(String.UnicodeScalarView(text.unicodeScalars.reversed()))
                    let reversedSeparator = separator.map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }
                    let parts = try PythonString.split(reversedText, separator: reversedSeparator, maxSplit: maxSplit)
                    return .list(parts.reversed().map { .string(String(String.UnicodeScalarView($0.unicodeScalars.reversed()))) })
                }
                return .list(try PythonString.split(text, separator: separator, maxSplit: maxSplit).map(Value.string))
            }
        case "splitlines":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: name, names: [])
                return .list(PythonString.splitLines(text).map(Value.string))
            }
        case "startswith", "endswith":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["prefix"])
                let candidates: [Value]
                switch parameters["prefix"] {
                case .tuple(let items)?: candidates = items
                case let value?: candidates = [value]
                case nil: throw TemplateError(.type, "\(name)() takes at least 1 argument (0 given)")
                }
                let scalars = Array(text.unicodeScalars)
                for candidate in candidates {
                    guard let affix = candidate.stringValue else {
                        throw TemplateError(.type, "\(name) first arg must be str or a tuple of str, not \(candidate.typeName)")
                    }
                    let affixScalars = Array(affix.unicodeScalars)
                    let matches = name == "startswith" ? scalars.starts(with: affixScalars)
                        : scalars.reversed().starts(with: affixScalars.reversed())
                    if matches { return .bool(true) }
                }
                return .bool(false)
            }
        case "replace":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["old", "new", "count"])
                guard let old = try parameters.string("old", name), let new = try parameters.string("new", name) else {
                    throw TemplateError(.type, "replace() takes at least 2 arguments")
                }
                return .string(PythonString.replace(text, old, new, count: try parameters.int("count", name) ?? -1))
            }
        case "upper", "lower", "title", "capitalize", "swapcase":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: name, names: [])
                switch name {
                case "upper": return .string(PythonString.upper(text))
                case "lower": return .string(PythonString.lower(text))
                case "capitalize": return .string(PythonString.capitalize(text))
                case "title": return .string(PythonString.pythonTitle(text))
                default:
                    return .string(text.unicodeScalars.map { scalar in
                        scalar.properties.isUppercase ? scalar.properties.lowercaseMapping
                            : scalar.properties.isLowercase ? scalar.properties.uppercaseMapping : String(scalar)
                    }.joined())
                }
            }
        case "find", "rfind", "count", "index", "rindex":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["sub"])
                guard let needle = try parameters.string("sub", name) else {
                    throw TemplateError(.type, "\(name)() takes at least 1 argument (0 given)")
                }
                let positions = PythonString.occurrences(of: needle, in: text)
                switch name {
                case "count": return .int(positions.count)
                case "find": return .int(positions.first ?? -1)
                case "rfind": return .int(PythonString.lastOccurrence(of: needle, in: text) ?? -1)
                case "index":
                    guard let first = positions.first else { throw TemplateError(.type, "substring not found") }
                    return .int(first)
                default:
                    guard let last = PythonString.lastOccurrence(of: needle, in: text) else {
                        throw TemplateError(.type, "substring not found")
                    }
                    return .int(last)
                }
            }
        case "join":
            return { arguments throws(TemplateError) in
                let parameters = try Parameters(arguments, of: name, names: ["iterable"])
                let items: [Value]
                switch parameters["iterable"] {
                case .list(let values)?, .tuple(let values)?: items = values
                case .dict(let entries)?: items = Array(entries.keys)
                case .string(let value)?: items = value.unicodeScalars.map { .string(String($0)) }
                default: throw TemplateError(.type, "can only join an iterable")
                }
                var parts: [String] = []
                for item in items {
                    guard let part = item.stringValue else {
                        throw TemplateError(.type, "sequence item: expected str instance, \(item.typeName) found")
                    }
                    parts.append(part)
                }
                return .string(parts.joined(separator: text))
            }
        case "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower":
            return { arguments throws(TemplateError) in
                _ = try Parameters(arguments, of: name, names: [])
                let scalars = text.unicodeScalars
                switch name {
                case "isdigit": return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
                case "isalpha": return .bool(!scalars.isEmpty && scalars.allSatisfy(\.properties.isAlphabetic))
                case "isalnum": return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
                case "isspace": return .bool(!scalars.isEmpty && scalars.allSatisfy(PythonString.isSpace))
                case "isupper": return .bool(scalars.contains(where: \.properties.isUppercase) && !scalars.contains(where: \.properties.isLowercase))
                default: return .bool(scalars.contains(where: \.properties.isLowercase) && !scalars.contains(where: \.properties.isUppercase))
                }
            }
        default:
            return nil
        }
    }
}

extension PythonString {
    /// Python's `str.title()`: a cased letter after an uncased character starts a word.
    static func pythonTitle(_ text: String) -> String {
        var result = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isCased {
                result += previousCased ? properties.lowercaseMapping : properties.titlecaseMapping
                previousCased = true
            } else {
                result.unicodeScalars.append(scalar)
                previousCased = false
            }
        }
        return result
    }

    /// Start offsets (in code points) of the non-overlapping occurrences of `needle`, left to right.
    static func occurrences(of needle: String, in text: String) -> [Int] {
        let haystack = Array(text.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        if pattern.isEmpty { return Array(0...haystack.count) }
        var positions: [Int] = []
        var index = 0
        while index + pattern.count <= haystack.count {
            if haystack[index..<index + pattern.count].elementsEqual(pattern) {
                positions.append(index)
                index += pattern.count
            } else {
                index += 1
            }
        }
        return positions
    }

    static func lastOccurrence(of needle: String, in text: String) -> Int? {
        let haystack = Array(text.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        guard pattern.count <= haystack.count else { return nil }
        for index in stride(from: haystack.count - pattern.count, through: 0, by: -1)
        where haystack[index..<index + pattern.count].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    /// Substring test on code points (Swift's `contains` compares grapheme clusters).
    static func contains(_ text: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        return text.unicodeScalars.firstRange(of: needle.unicodeScalars) != nil
    }
}
