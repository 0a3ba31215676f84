/// Follows the syntax of one JSON value byte by byte, without building it: reports where each value (and each
/// object key) starts and ends, and the first byte that cannot be JSON. The streaming call parser uses it to
/// find call objects, names and arguments in partial output.
struct JSONSyntaxScanner {
    enum Event: Equatable {
        /// A value (or key) begins at the byte just fed. `depth`: enclosing arrays and objects.
        case start(depth: Int, isKey: Bool, opener: UInt8)
        /// A value (or key) ends. `atEnd`: with the byte just fed (else just before it: a number, ended by the
        /// byte that follows it).
        case end(depth: Int, isKey: Bool, atEnd: Bool)
        case error
    }

    private enum Expect { case value, keyOrClose, key, colon, commaOrClose, valueOrClose, done }

    private var containers: [UInt8] = []
    private var expect = Expect.value
    private var lexeme = Lexeme.none
    private(set) var failed = false
    var isDone: Bool { expect == .done && lexeme == .none }
    var depth: Int { containers.count }

    private enum Lexeme: Equatable {
        case none
        /// `hexLeft`: digits of a `\u` escape still due; `escaped`: just after a backslash.
        case string(isKey: Bool, escaped: Bool, hexLeft: Int)
        /// Phases as in GrammarMatcher.numberStep.
        case number(phase: UInt8)
        /// `true`, `false` or `null`, named by its first byte.
        case literal(first: UInt8, position: Int)
    }

    /// Feeds one byte; appends what happened to `events`.
    mutating func feed(_ byte: UInt8, into events: inout [Event]) {
        guard !failed else { return }
        switch lexeme {
        case .string(let isKey, let escaped, let hexLeft):
            if hexLeft > 0 {
                guard hexValue(byte) != nil else { return fail(&events) }
                lexeme = .string(isKey: isKey, escaped: false, hexLeft: hexLeft - 1)
            } else if escaped {
                switch byte {
                case UInt8(ascii: "u"): lexeme = .string(isKey: isKey, escaped: false, hexLeft: 4)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    lexeme = .string(isKey: isKey, escaped: false, hexLeft: 0)
                default: return fail(&events)
                }
            } else if byte == UInt8(ascii: "\\") {
                lexeme = .string(isKey: isKey, escaped: true, hexLeft: 0)
            } else if byte == UInt8(ascii: "\"") {
                lexeme = .none
                events.append(.end(depth: containers.count, isKey: isKey, atEnd: true))
                expect = isKey ? .colon : afterValue
            } else if byte < 0x20 {
                fail(&events)
            }
            return
        case .number(let phase):
            if let next = Self.numberPhase(phase, byte) {
                lexeme = .number(phase: next)
                return
            }
            guard [2, 3, 5, 8].contains(phase) else { return fail(&events) }
            lexeme = .none
            events.append(.end(depth: containers.count, isKey: false, atEnd: false))
            expect = afterValue
        case .literal(let first, let position):
            let text = Self.literalText(first)
            guard byte == text[position] else { return fail(&events) }
            if position + 1 == text.count {
                lexeme = .none
                events.append(.end(depth: containers.count, isKey: false, atEnd: true))
                expect = afterValue
            } else {
                lexeme = .literal(first: first, position: position + 1)
            }
            return
        case .none:
            break
        }
        if isWhitespace(byte) { return }
        switch expect {
        case .value, .valueOrClose:
            if expect == .valueOrClose && byte == UInt8(ascii: "]") { return close(&events) }
            startValue(byte, &events)
        case .keyOrClose, .key:
            if expect == .keyOrClose && byte == UInt8(ascii: "}") { return close(&events) }
            guard byte == UInt8(ascii: "\"") else { return fail(&events) }
            events.append(.start(depth: containers.count, isKey: true, opener: byte))
            lexeme = .string(isKey: true, escaped: false, hexLeft: 0)
        case .colon:
            guard byte == UInt8(ascii: ":") else { return fail(&events) }
            expect = .value
        case .commaOrClose:
            if byte == UInt8(ascii: ",") {
                expect = containers.last == UInt8(ascii: "{") ? .key : .value
            } else if (byte == UInt8(ascii: "}") && containers.last == UInt8(ascii: "{"))
                        || (byte == UInt8(ascii: "]") && containers.last == UInt8(ascii: "[")) {
                close(&events)
            } else {
                fail(&events)
            }
        case .done:
            fail(&events)
        }
    }

    private var afterValue: Expect { containers.isEmpty ? .done : .commaOrClose }

    private mutating func startValue(_ byte: UInt8, _ events: inout [Event]) {
        events.append(.start(depth: containers.count, isKey: false, opener: byte))
        switch byte {
        case UInt8(ascii: "{"):
            containers.append(byte)
            expect = .keyOrClose
        case UInt8(ascii: "["):
            containers.append(byte)
            expect = .valueOrClose
        case UInt8(ascii: "\""):
            lexeme = .string(isKey: false, escaped: false, hexLeft: 0)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): lexeme = .literal(first: byte, position: 1)
        default:
            guard let phase = Self.numberPhase(0, byte) else {
                events.removeLast()
                return fail(&events)
            }
            lexeme = .number(phase: phase)
        }
    }

    private mutating func close(_ events: inout [Event]) {
        containers.removeLast()
        events.append(.end(depth: containers.count, isKey: false, atEnd: true))
        expect = afterValue
    }

    private mutating func fail(_ events: inout [Event]) {
        failed = true
        events.append(.error)
    }

    /// Ends the input: a number at the very end of the value is complete.
    mutating func finish(into events: inout [Event]) {
        if case .number(let phase) = lexeme, [2, 3, 5, 8].contains(phase), containers.isEmpty {
            lexeme = .none
            expect = .done
            events.append(.end(depth: 0, isKey: false, atEnd: false))
        }
    }

    private static let literalTexts: [UInt8: [UInt8]] = [
        UInt8(ascii: "t"): Array("true".utf8), UInt8(ascii: "f"): Array("false".utf8), UInt8(ascii: "n"): Array("null".utf8),
    ]

    private static func literalText(_ first: UInt8) -> [UInt8] { literalTexts[first]! }

    private static func numberPhase(_ phase: UInt8, _ byte: UInt8) -> UInt8? {
        let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        let exponent = byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        switch phase {
        case 0: return byte == UInt8(ascii: "-") ? 1 : byte == UInt8(ascii: "0") ? 2 : digit ? 3 : nil
        case 1: return byte == UInt8(ascii: "0") ? 2 : digit ? 3 : nil
        case 2: return byte == UInt8(ascii: ".") ? 4 : exponent ? 6 : nil
        case 3: return digit ? 3 : byte == UInt8(ascii: ".") ? 4 : exponent ? 6 : nil
        case 4: return digit ? 5 : nil
        case 5: return digit ? 5 : exponent ? 6 : nil
        case 6: return byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") ? 7 : digit ? 8 : nil
        case 7, 8: return digit ? 8 : nil
        default: return nil
        }
    }
}
