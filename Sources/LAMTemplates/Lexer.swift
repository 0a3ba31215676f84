/// One lexical token of a template.
struct Token: Equatable {
    enum Kind: Equatable {
        /// Literal template text, already whitespace-controlled.
        case text(String)
        case blockBegin, blockEnd, variableBegin, variableEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case end
    }

    var kind: Kind
    var location: SourceLocation
}

/// Splits template source into tokens the way jinja2's lexer does under transformers' settings
/// (`trim_blocks`, `lstrip_blocks`, `keep_trailing_newline=False`):
/// - `\r\n` and `\r` become `\n`, and one trailing newline is dropped;
/// - `{%-`, `{{-`, `{#-` strip all whitespace before the tag, `-%}`, `-}}`, `-#}` all whitespace after it;
/// - `trim_blocks`: the first newline after `%}` or `#}` is dropped (`+%}` keeps it);
/// - `lstrip_blocks`: spaces and tabs from the start of a line up to `{%` or `{#` are dropped (`{%+` keeps them);
/// - `{% raw %}…{% endraw %}` is text.
struct Lexer {
    private let source: [Unicode.Scalar]
    private let lineStarts: [Int]
    private var position = 0
    private var tokens: [Token] = []
    /// Whether the last match ended with a newline (lstrip_blocks then applies to a tag at the text start).
    private var lineStarting = true

    static func tokenize(_ text: String) throws(TemplateError) -> [Token] {
        var lexer = Lexer(text)
        try lexer.run()
        return lexer.tokens
    }

    private init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if scalar == "\r" {
                scalars.append("\n")
                if pending == "\n" { pending = iterator.next() }
            } else {
                scalars.append(scalar)
            }
        }
        if scalars.last == "\n" { scalars.removeLast() }
        source = scalars
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        lineStarts = starts
    }

    func location(_ offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    private func syntaxError(_ message: String, at offset: Int) -> TemplateError {
        TemplateError(.syntax, message, at: location(offset))
    }

    private func starts(with literal: String, at offset: Int) -> Bool {
        var index = offset
        for scalar in literal.unicodeScalars {
            guard index < source.count, source[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    private func skipWhitespace(from offset: Int) -> Int {
        var index = offset
        while index < source.count, PythonString.isSpace(source[index]) { index += 1 }
        return index
    }

    private mutating func emit(_ kind: Token.Kind, at offset: Int) {
        tokens.append(Token(kind: kind, location: location(offset)))
    }

    private enum TagKind { case block, variable, comment }

    private mutating func run() throws(TemplateError) {
        while position < source.count {
            guard let (tagStart, kind) = nextTag(from: position) else {
                emitText(from: position, to: source.count, sign: nil, lstrip: false)
                break
            }
            let signIndex = tagStart + 2
            let sign: Unicode.Scalar? = signIndex < source.count && (source[signIndex] == "-" || source[signIndex] == "+")
                ? source[signIndex] : nil
            emitText(from: position, to: tagStart, sign: sign, lstrip: kind != .variable)
            position = signIndex + (sign == nil ? 0 : 1)
            switch kind {
            case .comment: try lexComment(start: tagStart)
            case .variable:
                emit(.variableBegin, at: tagStart)
                try lexTag(isBlock: false)
            case .block:
                if let bodyStart = rawBlockBody(from: position) {
                    position = bodyStart
                    try lexRawBody(start: tagStart)
                } else {
                    emit(.blockBegin, at: tagStart)
                    try lexTag(isBlock: true)
                }
            }
        }
        emit(.end, at: source.count)
    }

    private func nextTag(from offset: Int) -> (Int, TagKind)? {
        var index = offset
        while index + 1 < source.count {
            if source[index] == "{" {
                switch source[index + 1] {
                case "%": return (index, .block)
                case "{": return (index, .variable)
                case "#": return (index, .comment)
                default: break
                }
            }
            index += 1
        }
        return nil
    }

    /// Emits the text before a tag after applying the tag's whitespace control.
    private mutating func emitText(from start: Int, to end: Int, sign: Unicode.Scalar?, lstrip: Bool) {
        var stop = end
        if sign == "-" {
            while stop > start, PythonString.isSpace(source[stop - 1]) { stop -= 1 }
        } else if sign != "+", lstrip {
            var lineStart = stop
            while lineStart > start, source[lineStart - 1] != "\n" { lineStart -= 1 }
            if (lineStart > start || lineStarting), lineStart < stop,
               source[lineStart..<stop].allSatisfy(PythonString.isSpace) {
                stop = lineStart
            }
        }
        if stop > start { emit(.text(PythonString.string(source[start..<stop])), at: start) }
    }

    /// Consumes a block end: `+%}`, `-%}` plus all following whitespace, or `%}` plus one newline.
    /// Returns false if none starts at `position`.
    private mutating func consumeEnd(_ closer: String, trimsNewline: Bool) -> Bool {
        if starts(with: "-" + closer, at: position) {
            position = skipWhitespace(from: position + 1 + closer.unicodeScalars.count)
        } else if trimsNewline, starts(with: "+" + closer, at: position) {
            position += 1 + closer.unicodeScalars.count
        } else if starts(with: closer, at: position) {
            position += closer.unicodeScalars.count
            if trimsNewline, position < source.count, source[position] == "\n" { position += 1 }
        } else {
            return false
        }
        lineStarting = source[position - 1] == "\n"
        return true
    }

    private mutating func lexComment(start: Int) throws(TemplateError) {
        while position < source.count {
            if consumeEnd("#}", trimsNewline: true) { return }
            position += 1
        }
        throw syntaxError("missing end of comment tag", at: start)
    }

    /// If `{%` at the current tag is `{% raw %}`, returns where the raw body starts.
    private func rawBlockBody(from offset: Int) -> Int? {
        var index = skipWhitespace(from: offset)
        guard starts(with: "raw", at: index) else { return nil }
        index = skipWhitespace(from: index + 3)
        if starts(with: "-%}", at: index) { return skipWhitespace(from: index + 3) }
        if starts(with: "%}", at: index) { return index + 2 }
        return nil
    }

    private mutating func lexRawBody(start: Int) throws(TemplateError) {
        var index = position
        while let (tagStart, kind) = nextTag(from: index) {
            index = tagStart + 2
            guard kind == .block else { continue }
            let signIndex = tagStart + 2
            let sign: Unicode.Scalar? = signIndex < source.count && (source[signIndex] == "-" || source[signIndex] == "+")
                ? source[signIndex] : nil
            var cursor = skipWhitespace(from: signIndex + (sign == nil ? 0 : 1))
            guard starts(with: "endraw", at: cursor) else { continue }
            cursor = skipWhitespace(from: cursor + 6)
            let saved = position
            position = cursor
            guard consumeEnd("%}", trimsNewline: true) else {
                position = saved
                continue
            }
            let after = position
            lineStarting = saved == 0 ? true : source[saved - 1] == "\n"
            emitText(from: saved, to: tagStart, sign: sign, lstrip: true)
            position = after
            lineStarting = source[after - 1] == "\n"
            return
        }
        throw syntaxError("missing end of raw directive", at: start)
    }

    /// The operator at `position`, longest match first (`//` before `/`).
    private func operatorToken() -> String? {
        let first = source[position]
        let second: Unicode.Scalar? = position + 1 < source.count ? source[position + 1] : nil
        switch (first, second) {
        case ("/", "/"): return "//"
        case ("*", "*"): return "**"
        case ("=", "="): return "=="
        case ("!", "="): return "!="
        case (">", "="): return ">="
        case ("<", "="): return "<="
        default: break
        }
        switch first {
        case "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";":
            return String(first)
        default:
            return nil
        }
    }

    /// Lexes the inside of `{% … %}` or `{{ … }}` up to and including its end marker.
    private mutating func lexTag(isBlock: Bool) throws(TemplateError) {
        var brackets: [Unicode.Scalar] = []
        while true {
            position = skipWhitespace(from: position)
            guard position < source.count else { return }  // The parser reports the unclosed tag.
            let start = position
            if brackets.isEmpty {
                if isBlock, consumeEnd("%}", trimsNewline: true) {
                    emit(.blockEnd, at: start)
                    return
                }
                if !isBlock, consumeEnd("}}", trimsNewline: false) {
                    emit(.variableEnd, at: start)
                    return
                }
            }
            let scalar = source[position]
            if let number = try lexNumber() {
                emit(number, at: start)
            } else if scalar == "_" || scalar.properties.isXIDStart {
                while position < source.count, source[position] == "_" || source[position].properties.isXIDContinue {
                    position += 1
                }
                emit(.name(PythonString.string(source[start..<position])), at: start)
            } else if scalar == "'" || scalar == "\"" {
                emit(.string(try lexString(quote: scalar)), at: start)
            } else if let op = operatorToken() {
                position += op.unicodeScalars.count
                switch op {
                case "(": brackets.append(")")
                case "[": brackets.append("]")
                case "{": brackets.append("}")
                case ")", "]", "}":
                    guard let expected = brackets.popLast() else { throw syntaxError("unexpected '\(op)'", at: start) }
                    if String(expected) != op {
                        throw syntaxError("unexpected '\(op)', expected '\(expected)'", at: start)
                    }
                default: break
                }
                emit(.op(op), at: start)
            } else {
                throw syntaxError("unexpected char \(PythonString.repr(String(scalar)))", at: start)
            }
        }
    }

    /// Integer (`42`, `0x2a`, `1_000`) or float (`1.5`, `1e3`) literal at `position`, as Python reads it.
    private mutating func lexNumber() throws(TemplateError) -> Token.Kind? {
        let start = position
        guard source[start].properties.numericType == .decimal, source[start].isASCII else { return nil }
        // A digit right after '.' belongs to an attribute lookup like `x.0`, never to a float.
        func digits(from offset: Int) -> Int {
            var index = offset
            while index < source.count,
                  source[index].isASCII && source[index].properties.numericType == .decimal
                    || (source[index] == "_" && index + 1 < source.count && index > offset
                        && source[index + 1].isASCII && source[index + 1].properties.numericType == .decimal) {
                index += 1
            }
            return index
        }
        let integerEnd = digits(from: start)
        var end = integerEnd
        var isFloat = false
        if !(start > 0 && source[start - 1] == ".") {
            if end + 1 < source.count, source[end] == ".", source[end + 1].isASCII,
               source[end + 1].properties.numericType == .decimal {
                end = digits(from: end + 1)
                isFloat = true
            }
            if end < source.count, source[end] == "e" || source[end] == "E" {
                var exponentStart = end + 1
                if exponentStart < source.count, source[exponentStart] == "+" || source[exponentStart] == "-" {
                    exponentStart += 1
                }
                if exponentStart < source.count, source[exponentStart].isASCII,
                   source[exponentStart].properties.numericType == .decimal {
                    end = digits(from: exponentStart)
                    isFloat = true
                }
            }
        }
        if isFloat {
            position = end
            let text = PythonString.string(source[start..<end]).replacingOccurrences(of: "_", with: "")
            guard let value = Double(text) else { throw syntaxError("invalid float literal", at: start) }
            return .float(value)
        }
        // Integers: 0x / 0o / 0b prefixes, and Python's rule that a decimal literal has no leading zero.
        if source[start] == "0", start + 1 < source.count {
            let radix: Int? = switch source[start + 1] {
            case "x", "X": 16
            case "o", "O": 8
            case "b", "B": 2
            default: nil
            }
            if let radix {
                var index = start + 2
                var text = ""
                while index < source.count, source[index] == "_" || source[index].properties.isASCIIHexDigit {
                    let scalar = source[index]
                    if scalar != "_" {
                        guard Int(String(scalar), radix: radix) != nil else { break }
                        text.unicodeScalars.append(scalar)
                    }
                    index += 1
                }
                if !text.isEmpty {
                    position = index
                    guard let value = Int(text, radix: radix) else { throw syntaxError("integer literal too large", at: start) }
                    return .integer(value)
                }
            }
            var index = start
            while index < integerEnd, source[index] == "0" || source[index] == "_" { index += 1 }
            // "007" is not a Python integer: lex just the zeros, and the parser rejects what follows.
            position = index
            return .integer(0)
        }
        position = integerEnd
        let text = PythonString.string(source[start..<integerEnd]).replacingOccurrences(of: "_", with: "")
        guard let value = Int(text) else { throw syntaxError("integer literal too large", at: start) }
        return .integer(value)
    }

    /// A quoted string, unescaped as jinja2 does (Python's `unicode-escape` codec).
    private mutating func lexString(quote: Unicode.Scalar) throws(TemplateError) -> String {
        let start = position
        position += 1
        var result = String.UnicodeScalarView()
        while position < source.count {
            let scalar = source[position]
            if scalar == quote {
                position += 1
                return String(result)
            }
            if scalar != "\\" {
                result.append(scalar)
                position += 1
                continue
            }
            guard position + 1 < source.count else { break }
            let escaped = source[position + 1]
            position += 2
            switch escaped {
            case "\n": break
            case "\\", "'", "\"": result.append(escaped)
            case "a": result.append("\u{07}")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "t": result.append("\t")
            case "v": result.append("\u{0B}")
            case "0"..."7":
                var value = escaped.value - 48
                var count = 1
                while count < 3, position < source.count, ("0"..."7").contains(source[position]) {
                    value = value * 8 + source[position].value - 48
                    position += 1
                    count += 1
                }
                result.append(Unicode.Scalar(value)!)
            case "x", "u", "U":
                let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                guard position + width <= source.count,
                      let value = UInt32(PythonString.string(source[position..<position + width]), radix: 16),
                      source[position..<position + width].allSatisfy(\.properties.isASCIIHexDigit),
                      let decoded = Unicode.Scalar(value) else {
                    throw syntaxError("truncated \\\(escaped) escape in string literal", at: start)
                }
                result.append(decoded)
                position += width
            default:
                if escaped.isASCII {
                    // Unknown escapes stay as written.
                    result.append("\\")
                    result.append(escaped)
                } else {
                    // jinja2 backslash-escapes non-ASCII text before decoding, so `\é` reads as `\xe9`.
                    result.append("\\")
                    let code = escaped.value
                    let escape = code < 0x100 ? "x" + PythonString.hex(code, width: 2)
                        : code < 0x10000 ? "u" + PythonString.hex(code, width: 4) : "U" + PythonString.hex(code, width: 8)
                    result.append(contentsOf: escape.unicodeScalars)
                }
            }
        }
        throw syntaxError("unterminated string literal", at: start)
    }
}
