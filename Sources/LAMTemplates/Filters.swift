import Foundation
import LAMJSON

/// jinja2's built-in filters (`value | name(arguments)`), with transformers' `tojson`.
enum Filters {
    static func exists(_ name: String) -> Bool { table[name] != nil }

    static func apply(_ name: String, _ value: Value, _ arguments: CallArguments) throws(TemplateError) -> Value {
        guard let filter = table[name] else { throw TemplateError(.syntax, "no filter named '\(name)'") }
        return try filter(value, arguments)
    }

    private typealias Filter = @Sendable (Value, CallArguments) throws(TemplateError) -> Value

    /// A filter that takes no arguments.
    private static func plain(_ name: String, _ body: @escaping @Sendable (Value) throws(TemplateError) -> Value) -> Filter {
        { value, arguments throws(TemplateError) in
            _ = try Parameters(arguments, of: name, names: [])
            return try body(value)
        }
    }

    /// A filter on `str(value)` that takes no arguments.
    private static func text(_ name: String, _ body: @escaping @Sendable (String) -> String) -> Filter {
        plain(name) { value in .string(body(value.text)) }
    }

    private static let table: [String: Filter] = [
        "abs": plain("abs") { value throws(TemplateError) in
            switch value {
            case .int(let number):
                guard number != .min else { throw TemplateError(.limit, "integer result does not fit in 64 bits") }
                return .int(abs(number))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number): return .double(abs(number))
            default: throw TemplateError(.type, "bad operand type for abs(): '\(value.typeName)'")
            }
        },
        "attr": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "attr", names: ["name"])
            guard let name = try parameters.string("name", "attr") else { throw TemplateError(.type, "attr() needs a name") }
            if case .undefined(let hint) = value { throw TemplateError(.undefined, hint) }
            if let method = try Methods.bound(value, name) { return method }
            if case .object(let object) = value, let found = object.attribute(name) { return found }
            return .undefined(hint: "'\(value.typeName) object' has no attribute '\(name)'")
        },
        "batch": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "batch", names: ["linecount", "fill_with"])
            guard let size = try parameters.int("linecount", "batch"), size > 0 else {
                throw TemplateError(.type, "batch needs a positive line count")
            }
            let items = try value.iterated()
            var batches: [Value] = []
            var start = 0
            while start < items.count {
                var chunk = Array(items[start..<min(start + size, items.count)])
                if let fill = parameters["fill_with"], !fill.isNone, chunk.count < size {
                    chunk += Array(repeating: fill, count: size - chunk.count)
                }
                batches.append(.list(chunk))
                start += size
            }
            return .iterator(batches)
        },
        "slice": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "slice", names: ["slices", "fill_with"])
            guard let slices = try parameters.int("slices", "slice"), slices > 0, slices <= 1 << 20 else {
                throw TemplateError(.type, "slice needs a positive number of slices")
            }
            let items = try value.iterated()
            let perSlice = items.count / slices
            let withExtra = items.count % slices
            var offset = 0
            var result: [Value] = []
            for number in 0..<slices {
                let start = offset + number * perSlice
                if number < withExtra { offset += 1 }
                let end = offset + (number + 1) * perSlice
                var chunk = Array(items[start..<end])
                if let fill = parameters["fill_with"], !fill.isNone, number >= withExtra { chunk.append(fill) }
                result.append(.list(chunk))
            }
            return .iterator(result)
        },
        "truncate": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "truncate", names: ["length", "killwords", "end", "leeway"])
            let length = try parameters.int("length", "truncate") ?? 255
            let end = try parameters.string("end", "truncate") ?? "..."
            let leeway = try parameters.int("leeway", "truncate") ?? 5
            let endLength = end.unicodeScalars.count
            guard length >= endLength, leeway >= 0 else {
                throw TemplateError(.type, "expected length >= \(endLength) and leeway >= 0")
            }
            // Anything with a length that is short enough comes back unchanged, as in jinja2.
            if case .int(let count) = try Self.length(value), count <= length + leeway { return value }
            guard let text = value.stringValue else {
                throw TemplateError(.type, "'\(value.typeName)' object cannot be truncated")
            }
            let scalars = Array(text.unicodeScalars)
            let kept = PythonString.string(scalars[..<(length - endLength)])
            if parameters.flag("killwords") ?? false { return .string(kept + end) }
            // Drop the last, partial word: everything after the last space.
            let cut = kept.unicodeScalars.lastIndex(of: " ").map { String(kept.unicodeScalars[..<$0]) } ?? kept
            return .string(cut + end)
        },
        "capitalize": text("capitalize", PythonString.capitalize),
        "center": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "center", names: ["width"])
            let width = try parameters.int("width", "center") ?? 80
            guard width <= maximumPadding else { throw TemplateError(.limit, "center width \(width) is too large") }
            let scalars = Array(value.text.unicodeScalars)
            let margin = width - scalars.count
            guard margin > 0 else { return .string(value.text) }
            let left = margin / 2 + (margin & width & 1)
            return .string(String(repeating: " ", count: left) + value.text + String(repeating: " ", count: margin - left))
        },
        "count": plain("count", length),
        "length": plain("length", length),
        "d": defaultFilter,
        "default": defaultFilter,
        "dictsort": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "dictsort", names: ["case_sensitive", "by", "reverse"])
            guard case .dict(let entries) = value else {
                throw TemplateError(.type, "dictsort needs a mapping, not \(value.typeName)")
            }
            let caseSensitive = parameters.flag("case_sensitive") ?? false
            let position: Int
            switch try parameters.string("by", "dictsort") ?? "key" {
            case "key": position = 0
            case "value": position = 1
            default: throw TemplateError(.type, "You can only sort by either \"key\" or \"value\"")
            }
            let pairs = entries.map { Value.tuple([$0.key, $0.value]) }
            let sorted = try Sorting.stableSort(pairs, reverse: parameters.flag("reverse") ?? false) { pair in
                guard case .tuple(let parts) = pair else { return pair }
                return caseSensitive ? parts[position] : ignoreCase(parts[position])
            }
            return .list(sorted)
        },
        "e": escape,
        "escape": escape,
        "forceescape": plain("forceescape") { value in .markup(PythonString.escapeHTML(value.text)) },
        "first": plain("first") { value throws(TemplateError) in
            try value.iterated().first ?? .undefined(hint: "No first item, sequence was empty.")
        },
        "last": plain("last") { value throws(TemplateError) in
            if case .iterator = value { throw TemplateError(.type, "'generator' object is not reversible") }
            return try value.iterated().last ?? .undefined(hint: "No last item, sequence was empty.")
        },
        "float": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "float", names: ["default"])
            // Undefined refuses conversion to a number (jinja2's Undefined.__float__ raises).
            if case .undefined(let hint) = value { throw TemplateError(.undefined, hint) }
            return Conversion.float(value).map(Value.double) ?? parameters["default"] ?? .double(0)
        },
        "int": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "int", names: ["default", "base"])
            if case .undefined(let hint) = value { throw TemplateError(.undefined, hint) }
            let base = try parameters.int("base", "int") ?? 10
            return try Conversion.int(value, base: base).map(Value.int) ?? parameters["default"] ?? .int(0)
        },
        "format": { value, arguments throws(TemplateError) in
            if !arguments.keyword.isEmpty {
                throw TemplateError(.type, "format with keyword arguments is not supported")
            }
            return .string(try PercentFormat.format(value.text, .tuple(arguments.positional)))
        },
        "indent": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "indent", names: ["width", "first", "blank"])
            let indentation: String
            switch parameters["width"] {
            case .string(let text)?, .markup(let text)?: indentation = text
            case let width?:
                guard case .integer(let count)? = width.integerIndex else {
                    throw TemplateError(.type, "indent width must be an int or a string")
                }
                guard count <= maximumPadding else { throw TemplateError(.limit, "indent width \(count) is too large") }
                indentation = String(repeating: " ", count: max(0, count))
            case nil: indentation = "    "
            }
            guard let text = value.stringValue else {
                throw TemplateError(.type, "indent needs a string, not \(value.typeName)")
            }
            var lines = PythonString.splitLines(text + "\n")
            var result: String
            if parameters.flag("blank") ?? false {
                result = lines.joined(separator: "\n" + indentation)
            } else {
                result = lines.removeFirst()
                if !lines.isEmpty {
                    result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
                }
            }
            if parameters.flag("first") ?? false { result = indentation + result }
            return .string(result)
        },
        "items": plain("items") { value throws(TemplateError) in
            switch value {
            case .undefined: return .iterator([])
            case .dict(let entries): return .iterator(entries.map { .tuple([$0.key, $0.value]) })
            default: throw TemplateError(.type, "Can only get item pairs from a mapping.")
            }
        },
        "join": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "join", names: ["d", "attribute"])
            var items = try value.iterated()
            if let attribute = parameters["attribute"], !attribute.isNone {
                let getter = try AttributePath(attribute)
                items = try items.map { item throws(TemplateError) in try getter.lookup(item) }
            }
            let separator = parameters["d"]?.text ?? ""
            return .string(items.map(\.text).joined(separator: separator))
        },
        "list": plain("list") { value throws(TemplateError) in .list(try value.iterated()) },
        "lower": text("lower", PythonString.lower),
        "upper": text("upper", PythonString.upper),
        "title": text("title", PythonString.title),
        "map": { value, arguments throws(TemplateError) in
            guard value.isTruthy else { return .iterator([]) }
            let items = try value.iterated()
            if arguments.positional.isEmpty, let attribute = arguments.keyword["attribute"] {
                var keywords = arguments.keyword
                keywords.removeValue(forKey: "attribute")
                let fallback = keywords.removeValue(forKey: "default")
                if let extra = keywords.keys.first { throw TemplateError(.type, "Unexpected keyword argument '\(extra)'") }
                let getter = try AttributePath(attribute, default: fallback.flatMap { $0.isNone ? nil : $0 })
                return .iterator(try items.map { item throws(TemplateError) in try getter.lookup(item) })
            }
            guard let name = arguments.positional.first?.stringValue else {
                throw TemplateError(.type, "map requires a filter argument")
            }
            let rest = CallArguments(positional: Array(arguments.positional.dropFirst()), keyword: arguments.keyword)
            return .iterator(try items.map { item throws(TemplateError) in try apply(name, item, rest) })
        },
        "select": { value, arguments throws(TemplateError) in try selectOrReject(value, arguments, keep: true, attribute: false) },
        "reject": { value, arguments throws(TemplateError) in try selectOrReject(value, arguments, keep: false, attribute: false) },
        "selectattr": { value, arguments throws(TemplateError) in try selectOrReject(value, arguments, keep: true, attribute: true) },
        "rejectattr": { value, arguments throws(TemplateError) in try selectOrReject(value, arguments, keep: false, attribute: true) },
        "max": { value, arguments throws(TemplateError) in try extreme(value, arguments, name: "max", wantLarger: true) },
        "min": { value, arguments throws(TemplateError) in try extreme(value, arguments, name: "min", wantLarger: false) },
        "replace": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "replace", names: ["old", "new", "count"])
            guard let old = parameters["old"], let new = parameters["new"] else {
                throw TemplateError(.type, "replace() needs the old and new strings")
            }
            let count = try parameters.int("count", "replace") ?? -1
            return .string(PythonString.replace(value.text, old.text, new.text, count: count))
        },
        "reverse": plain("reverse") { value throws(TemplateError) in
            switch value {
            case .string(let text): return .string(PythonString.string(text.unicodeScalars.reversed()))
            case .markup(let text): return .markup(PythonString.string(text.unicodeScalars.reversed()))
            default: return .iterator(try value.iterated().reversed())
            }
        },
        "round": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "round", names: ["precision", "method"])
            let precision = try parameters.int("precision", "round") ?? 0
            let method = try parameters.string("method", "round") ?? "common"
            return try Conversion.round(value, precision: precision, method: method)
        },
        "safe": plain("safe") { value in value.isMarkup ? value : .markup(value.text) },
        "sort": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "sort", names: ["reverse", "case_sensitive", "attribute"])
            let caseSensitive = parameters.flag("case_sensitive") ?? false
            let getters: [AttributePath]
            if let attribute = parameters["attribute"], !attribute.isNone {
                let names: [Value] = attribute.stringValue.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) } } ?? [attribute]
                var built: [AttributePath] = []
                for name in names { built.append(try AttributePath(name)) }
                getters = built
            } else {
                getters = []
            }
            let sorted = try Sorting.stableSort(try value.iterated(), reverse: parameters.flag("reverse") ?? false) { item throws(TemplateError) in
                guard !getters.isEmpty else { return caseSensitive ? item : ignoreCase(item) }
                var keys: [Value] = []
                for getter in getters {
                    let key = try getter.lookup(item)
                    keys.append(caseSensitive ? key : ignoreCase(key))
                }
                return .list(keys)
            }
            return .list(sorted)
        },
        "string": plain("string") { value in value.isMarkup ? value : .string(value.text) },
        "sum": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "sum", names: ["attribute", "start"])
            var items = try value.iterated()
            if let attribute = parameters["attribute"], !attribute.isNone {
                let getter = try AttributePath(attribute)
                items = try items.map { item throws(TemplateError) in try getter.lookup(item) }
            }
            var total = parameters["start"] ?? .int(0)
            for item in items { total = try Arithmetic.apply(.add, total, item) }
            return total
        },
        "tojson": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "tojson", names: ["ensure_ascii", "indent", "separators", "sort_keys"])
            var indent: Int?
            if let given = parameters["indent"], !given.isNone {
                guard case .integer(let count)? = given.integerIndex else {
                    throw TemplateError(.type, "tojson indent must be an integer")
                }
                indent = count
            }
            var separators: (item: String, key: String)?
            if let given = parameters["separators"], !given.isNone {
                let parts = try given.iterated()
                guard parts.count == 2, let item = parts[0].stringValue, let key = parts[1].stringValue else {
                    throw TemplateError(.type, "tojson separators must be two strings")
                }
                separators = (item, key)
            }
            let json = try JSONBridge.json(value)
            return .string(json.pythonJSON(indent: indent, ensureASCII: parameters.flag("ensure_ascii") ?? false,
                                           sortKeys: parameters.flag("sort_keys") ?? false, separators: separators))
        },
        "trim": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "trim", names: ["chars"])
            let stripped = PythonString.strip(value.text, chars: try parameters.string("chars", "trim"), leading: true, trailing: true)
            return value.isMarkup ? .markup(stripped) : .string(stripped)
        },
        "unique": { value, arguments throws(TemplateError) in
            let parameters = try Parameters(arguments, of: "unique", names: ["case_sensitive", "attribute"])
            let caseSensitive = parameters.flag("case_sensitive") ?? false
            let getter = try parameters["attribute"].flatMap { $0.isNone ? nil : $0 }.map { attribute throws(TemplateError) in
                try AttributePath(attribute)
            }
            var seen = Set<Value>()
            var kept: [Value] = []
            for item in try value.iterated() {
                var key = try getter?.lookup(item) ?? item
                if !caseSensitive { key = ignoreCase(key) }
                guard key.isHashable else { throw TemplateError(.type, "unhashable type: '\(key.typeName)'") }
                if seen.insert(key).inserted { kept.append(item) }
            }
            return .iterator(kept)
        },
        "wordcount": plain("wordcount") { value in
            var count = 0
            var inWord = false
            for scalar in value.text.unicodeScalars {
                let isWordCharacter = scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                if isWordCharacter && !inWord { count += 1 }
                inWord = isWordCharacter
            }
            return .int(count)
        },
    ]

    /// Widths a template may ask `center` and `indent` for (the output limit applies after).
    private static let maximumPadding = 1 << 20

    private static let defaultFilter: Filter = { value, arguments throws(TemplateError) in
        let parameters = try Parameters(arguments, of: "default", names: ["default_value", "boolean"])
        if value.isUndefined || ((parameters.flag("boolean") ?? false) && !value.isTruthy) {
            return parameters["default_value"] ?? .string("")
        }
        return value
    }

    private static let escape: Filter = plain("escape") { value in
        value.isMarkup ? value : .markup(PythonString.escapeHTML(value.text))
    }

    private static func length(_ value: Value) throws(TemplateError) -> Value {
        switch value {
        case .undefined: .int(0)
        case .string(let text), .markup(let text): .int(text.unicodeScalars.count)
        case .list(let items), .tuple(let items): .int(items.count)
        case .dict(let entries): .int(entries.count)
        default: throw TemplateError(.type, "object of type '\(value.typeName)' has no len()")
        }
    }


    private static func ignoreCase(_ value: Value) -> Value {
        if case .string(let text) = value { return .string(PythonString.lower(text)) }
        if case .markup(let text) = value { return .markup(PythonString.lower(text)) }
        return value
    }

    /// `select`, `reject`, `selectattr`, `rejectattr`.
    private static func selectOrReject(_ value: Value, _ arguments: CallArguments, keep: Bool, attribute: Bool)
        throws(TemplateError) -> Value
    {
        guard value.isTruthy else { return .iterator([]) }
        var rest = arguments.positional
        var getter: AttributePath?
        if attribute {
            guard !rest.isEmpty else { throw TemplateError(.type, "Missing parameter for attribute name") }
            getter = try AttributePath(rest.removeFirst())
        }
        var testName: String?
        if !rest.isEmpty {
            guard let name = rest.removeFirst().stringValue else { throw TemplateError(.type, "test name must be a string") }
            testName = name
        }
        let testArguments = CallArguments(positional: rest, keyword: arguments.keyword)
        var kept: [Value] = []
        for item in try value.iterated() {
            let subject = try getter?.lookup(item) ?? item
            let passes = try testName.map { name throws(TemplateError) in try Tests.run(name, subject, testArguments) }
                ?? subject.isTruthy
            if passes == keep { kept.append(item) }
        }
        return .iterator(kept)
    }

    private static func extreme(_ value: Value, _ arguments: CallArguments, name: String, wantLarger: Bool)
        throws(TemplateError) -> Value
    {
        let parameters = try Parameters(arguments, of: name, names: ["case_sensitive", "attribute"])
        let caseSensitive = parameters.flag("case_sensitive") ?? false
        let getter = try parameters["attribute"].flatMap { $0.isNone ? nil : $0 }.map { attribute throws(TemplateError) in
            try AttributePath(attribute)
        }
        let items = try value.iterated()
        guard var best = items.first else { return .undefined(hint: "No aggregated item, sequence was empty.") }
        func key(_ item: Value) throws(TemplateError) -> Value {
            let found = try getter?.lookup(item) ?? item
            return caseSensitive ? found : ignoreCase(found)
        }
        var bestKey = try key(best)
        for item in items.dropFirst() {
            let itemKey = try key(item)
            let order = try Comparison.order(itemKey, bestKey, wantLarger ? .greater : .less)
            if wantLarger ? order > 0 : order < 0 {
                best = item
                bestKey = itemKey
            }
        }
        return best
    }
}

/// An attribute path like `"function.name"` or `"0"`, looked up item-first as jinja2's attribute getters do.
struct AttributePath {
    private let parts: [Value]
    private let fallback: Value?

    init(_ attribute: Value, default fallback: Value? = nil) throws(TemplateError) {
        if let text = attribute.stringValue {
            parts = text.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy(\.isNumber) && !part.isEmpty && part.allSatisfy(\.isASCII) ? .int(Int(part) ?? 0) : .string(String(part))
            }
        } else {
            parts = [attribute]
        }
        self.fallback = fallback
    }

    func lookup(_ item: Value) throws(TemplateError) -> Value {
        var current = item
        for part in parts {
            current = try Access.item(current, part)
            if let fallback, current.isUndefined { current = fallback }
        }
        return current
    }
}

/// Python's `sorted(key=…, reverse=…)`: stable, ordering by Python's comparison rules.
enum Sorting {
    static func stableSort(_ items: [Value], reverse: Bool, key: (Value) throws(TemplateError) -> Value)
        throws(TemplateError) -> [Value]
    {
        var keyed: [(key: Value, item: Value)] = []
        for item in items { keyed.append((try key(item), item)) }
        // Python's reverse sort keeps equal items in their original order, like a forward sort does.
        func precedes(_ a: Value, _ b: Value) throws(TemplateError) -> Bool {
            reverse ? try Comparison.order(b, a, .less) < 0 : try Comparison.order(a, b, .less) < 0
        }
        // Merge sort: stable, and the comparison may throw.
        func mergeSort(_ slice: ArraySlice<(key: Value, item: Value)>) throws(TemplateError) -> [(key: Value, item: Value)] {
            guard slice.count > 1 else { return Array(slice) }
            let middle = slice.startIndex + slice.count / 2
            let left = try mergeSort(slice[..<middle])
            let right = try mergeSort(slice[middle...])
            var merged: [(key: Value, item: Value)] = []
            merged.reserveCapacity(slice.count)
            var i = 0
            var j = 0
            while i < left.count && j < right.count {
                if try precedes(right[j].key, left[i].key) {
                    merged.append(right[j])
                    j += 1
                } else {
                    merged.append(left[i])
                    i += 1
                }
            }
            merged += left[i...]
            merged += right[j...]
            return merged
        }
        return try mergeSort(keyed[...]).map(\.item)
    }
}

/// Python's `int()`, `float()` and `round()` as jinja2's filters use them.
enum Conversion {
    static func float(_ value: Value) -> Double? {
        switch value {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .string(let text), .markup(let text): return parseFloat(text)
        default: return nil
        }
    }

    /// Python's `float(str)`: surrounding whitespace, underscores between digits, inf and nan.
    static func parseFloat(_ text: String) -> Double? {
        let trimmed = PythonString.strip(text, chars: nil, leading: true, trailing: true)
        var body = Substring(trimmed)
        var sign = 1.0
        if body.first == "+" || body.first == "-" {
            if body.first == "-" { sign = -1 }
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || "._eE+-".contains($0)) }),
              !body.contains("__"), body.first != "_", body.last != "_" else { return nil }
        guard let number = Double(body.replacingOccurrences(of: "_", with: "")) else { return nil }
        return sign * number
    }

    static func int(_ value: Value, base: Int) throws(TemplateError) -> Int? {
        switch value {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let number): return number
        case .double(let number): return try truncate(number)
        case .string(let text), .markup(let text):
            let trimmed = PythonString.strip(text, chars: nil, leading: true, trailing: true)
            var digits = Substring(trimmed)
            var negative = false
            if digits.first == "+" || digits.first == "-" {
                negative = digits.first == "-"
                digits = digits.dropFirst()
            }
            var radix = base
            let lowered = digits.lowercased()
            if (base == 16 && lowered.hasPrefix("0x")) || (base == 8 && lowered.hasPrefix("0o")) || (base == 2 && lowered.hasPrefix("0b")) {
                digits = digits.dropFirst(2)
            } else if base == 0 {
                radix = lowered.hasPrefix("0x") ? 16 : lowered.hasPrefix("0o") ? 8 : lowered.hasPrefix("0b") ? 2 : 10
                if radix != 10 { digits = digits.dropFirst(2) }
            }
            if !digits.isEmpty, !digits.contains("__"), digits.first != "_", digits.last != "_",
               (2...36).contains(radix), let number = Int(digits.replacingOccurrences(of: "_", with: ""), radix: radix) {
                return negative ? -number : number
            }
            // jinja2 then tries int(float(value)), so "42.23" gives 42.
            guard let number = parseFloat(text), number.isFinite else { return nil }
            return try truncate(number)
        default:
            return nil
        }
    }

    private static func truncate(_ number: Double) throws(TemplateError) -> Int? {
        if number.isNaN { return nil }
        guard number.isFinite, abs(number) < 9.2e18 else {
            throw TemplateError(.limit, "cannot convert float \(PythonFloat.repr(number)) to a 64-bit integer")
        }
        return Int(number.rounded(.towardZero))
    }

    static func round(_ value: Value, precision: Int, method: String) throws(TemplateError) -> Value {
        guard ["common", "ceil", "floor"].contains(method) else {
            throw TemplateError(.type, "method must be common, ceil or floor")
        }
        guard let number = value.numericOperand else {
            throw TemplateError(.type, "type \(value.typeName) doesn't define __round__ method")
        }
        let scale = Foundation.pow(10.0, Double(precision))
        switch (method, number) {
        case ("common", .integer(let integer)):
            // Python's round(int, n) stays an int.
            guard precision < 0 else { return .int(integer) }
            let rounded = (Double(integer) / scale).rounded(.toNearestOrEven) * scale
            guard rounded.isFinite, abs(rounded) < 9.2e18 else { return .int(0) }
            return .int(Int(rounded))
        case ("common", .real(let real)):
            guard real.isFinite else { return .double(real) }
            if precision == 0 { return .double(real.rounded(.toNearestOrEven)) }
            if precision > 0 {
                // printf rounds the exact binary value correctly, as Python's round() does.
                return .double(Double(String(format: "%.\(min(precision, 340))f", real)) ?? real)
            }
            return .double((real / scale).rounded(.toNearestOrEven) * scale)
        case ("ceil", _):
            return .double((number.asDouble * scale).rounded(.up) / scale)
        default:
            return .double((number.asDouble * scale).rounded(.down) / scale)
        }
    }
}
