import LAMJSON

/// One piece of a streamed tool call, as OpenAI's `delta.tool_calls[]` carries it: the first piece of a call has
/// its `id` and `name`; later pieces carry argument text to append.
public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var name: String?
    public var arguments: String

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String) {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// What the parser emits while text streams in: assistant text, or a piece of a tool call.
public enum ToolCallStreamEvent: Sendable, Hashable {
    case content(String)
    case toolCall(ToolCallDelta)
}

/// A complete parse of a reply: the text meant for the user and the calls, each call's arguments exactly as the
/// model wrote them (`arguments`), plus what went wrong on the way (`problems`).
public struct ParsedReply: Sendable, Hashable {
    public var content: String
    public var calls: [ParsedToolCall]
    /// Parts of the output that looked like calls but were not usable (cut off, missing a name, invalid JSON).
    public var problems: [String]

    /// Joins streamed events, exactly as a client concatenating the deltas would.
    public init(events: [ToolCallStreamEvent], problems: [String] = [], incompleteCalls: Set<Int> = []) {
        content = ""
        calls = []
        for event in events {
            switch event {
            case .content(let text):
                content += text
            case .toolCall(let delta):
                if delta.index == calls.count {
                    calls.append(ParsedToolCall(index: delta.index, id: delta.id ?? "", name: delta.name ?? "", arguments: ""))
                }
                calls[delta.index].arguments += delta.arguments
            }
        }
        for index in incompleteCalls where index < calls.count { calls[index].isComplete = false }
        self.problems = problems
    }
}

public struct ParsedToolCall: Sendable, Hashable {
    public var index: Int
    public var id: String
    public var name: String
    /// The arguments' JSON text as the model wrote it (a string-valued `arguments` is unquoted, as vLLM does).
    public var arguments: String
    /// False when the output ended or broke off inside this call's arguments.
    public var isComplete = true

    public init(index: Int, id: String, name: String, arguments: String, isComplete: Bool = true) {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
        self.isComplete = isComplete
    }

    /// The arguments parsed (nil when they are not JSON, e.g. cut off).
    public var argumentsValue: JSONValue? { try? JSONValue(parsing: arguments) }
}

/// Finds tool calls in model output as it streams, in any of the call formats, and emits OpenAI-style deltas:
/// content text outside call blocks, and for each call its index, id and name, then its argument text in pieces
/// as soon as the bytes arrive. Wrapper text (fences, tags, the JSON array around calls) never reaches content.
///
/// The result never depends on how the text is cut into chunks: concatenating the events of any chunking gives
/// `StreamingToolCallParser.parse(wholeText)`. That rules out, by construction, the failures of vLLM's `xlam`
/// parser (#47901: arguments after an empty-arguments call lost; #51697: arguments duplicated at the end, markers
/// leaking into content).
///
/// What counts as a call: a JSON object with a string `name` and an `arguments` (or `parameters`) value, alone or
/// in a JSON array, either at the start of the reply (after `</think>` too, and right after another call block) or
/// inside a call wrapper: ```` ```json ```` fences, `<tool_call>…</tool_call>`, `[TOOL_CALLS]`, `<|python_tag|>`.
/// A wrapper may hold several such values one after another.
/// A wrapped JSON value with no call in it stays content. Content is trimmed of surrounding whitespace.
public struct StreamingToolCallParser {
    public let format: ToolCallFormat
    private let makeID: @Sendable (Int) -> String
    private var bytes: [UInt8] = []
    /// Next byte to examine.
    private var position = 0
    private var mode = Mode.text
    /// Start of text not yet emitted as content.
    private var textStart = 0
    /// Bare JSON may start a call block here (reply start, after `</think>`, after a call block).
    private var atReplyStart = true
    private var nextIndex = 0
    private var content = ContentTrimmer()
    public private(set) var problems: [String] = []
    /// Calls whose arguments were cut off.
    public private(set) var incompleteCalls: Set<Int> = []
    private var events: [ToolCallStreamEvent] = []

    public init(format: ToolCallFormat, makeID: @escaping @Sendable (Int) -> String = { _ in randomCallID() }) {
        self.format = format
        self.makeID = makeID
    }

    /// Parses a whole reply.
    public static func parse(_ text: String, format: ToolCallFormat,
                             makeID: @escaping @Sendable (Int) -> String = { _ in randomCallID() }) -> ParsedReply {
        var parser = StreamingToolCallParser(format: format, makeID: makeID)
        let events = parser.feed(text) + parser.finish()
        return ParsedReply(events: events, problems: parser.problems, incompleteCalls: parser.incompleteCalls)
    }

    /// Takes the next piece of output; returns what can be said for sure so far.
    public mutating func feed(_ text: String) -> [ToolCallStreamEvent] {
        bytes.append(contentsOf: text.utf8)
        run(final: false)
        flushArguments()
        return takeEvents()
    }

    /// Ends the output; returns the rest.
    public mutating func finish() -> [ToolCallStreamEvent] {
        run(final: true)
        flushArguments()
        finishMode()
        return takeEvents()
    }

    private mutating func takeEvents() -> [ToolCallStreamEvent] {
        defer { events.removeAll() }
        return events
    }

    // MARK: Modes

    private enum Mode {
        case text
        /// After an opening marker, before the JSON value.
        case opener(Opener, start: Int)
        case block(Block)
        /// After the JSON value, looking for the closing marker.
        case closer(Block, valueEnd: Int)
    }

    private struct Opener {
        var marker: [UInt8]
        var closer: [UInt8]
        var isFence = false
    }

    private var openers: [Opener] {
        let fence = Opener(marker: Array("```".utf8), closer: Array("```".utf8), isFence: true)
        switch format {
        case .xlam:
            return [fence, Opener(marker: Array("<tool_call>".utf8), closer: Array("</tool_call>".utf8)),
                    Opener(marker: Array("[TOOL_CALLS]".utf8), closer: [])]
        case .hermes:
            return [fence, Opener(marker: Array("<tool_call>".utf8), closer: Array("</tool_call>".utf8))]
        case .llama3:
            return [fence, Opener(marker: Array("<|python_tag|>".utf8), closer: [])]
        }
    }

    private static let thinkEnd = Array("</think>".utf8)

    private struct Block {
        var opener: Opener
        /// Where the opening marker (or the bare JSON) starts: if the block holds no call, content resumes here.
        var start: Int
        var scanner = JSONSyntaxScanner()
        var isList = false
        var item: Item?
        var calls = 0
        /// Reported only if the block turns out to hold calls (otherwise it is just text).
        var problems: [String] = []
    }

    /// A JSON object that may be a call.
    private struct Item {
        /// Depth of the object's keys.
        var memberDepth: Int
        var objectStart: Int
        var key: String?
        var keyStart = 0
        var valueStart = 0
        var valueOpener: UInt8 = 0
        var name: String?
        var argumentsStart: Int?
        var argumentsEnd: Int?
        var argumentsAreString = false
        var index: Int?
        var streamedUpTo = 0
    }

    // MARK: Scanning

    private mutating func run(final: Bool) {
        while position < bytes.count {
            let progressed: Bool
            switch mode {
            case .text: progressed = scanText(final: final)
            case .opener(let opener, let start): progressed = scanOpener(opener, start: start, final: final)
            case .block(var block):
                progressed = scanBlock(&block)
            case .closer(let block, let valueEnd): progressed = scanCloser(block, valueEnd: valueEnd, final: final)
            }
            if !progressed { break }
        }
        if case .text = mode { emitContent(upTo: final ? bytes.count : position) }
    }

    /// Text mode: returns false when it must wait for more bytes (a possible marker is cut off).
    private mutating func scanText(final: Bool) -> Bool {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "[") {
                switch match(Self.thinkEnd, at: position) {
                case .full:
                    position += Self.thinkEnd.count
                    atReplyStart = true
                    continue
                case .partial where !final:
                    emitContent(upTo: position)
                    return false
                default: break
                }
                for opener in openers {
                    switch match(opener.marker, at: position) {
                    case .full:
                        emitContent(upTo: position)
                        atReplyStart = false
                        mode = .opener(opener, start: position)
                        position += opener.marker.count
                        return true
                    case .partial where !final:
                        emitContent(upTo: position)
                        return false
                    default: continue
                    }
                }
            }
            if atReplyStart {
                if isWhitespace(byte) { position += 1; continue }
                atReplyStart = false
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    emitContent(upTo: position)
                    startBlock(Opener(marker: [], closer: []), start: position)
                    return true
                }
            }
            position += 1
        }
        return false
    }

    /// After a marker: an optional fence language, whitespace, then the JSON value must begin.
    private mutating func scanOpener(_ opener: Opener, start: Int, final: Bool) -> Bool {
        var cursor = position
        if opener.isFence && cursor == start + opener.marker.count {
            while cursor < bytes.count, isLetter(bytes[cursor]) { cursor += 1 }
            if cursor == bytes.count && !final { return false }
            let language = String(decoding: bytes[position..<cursor], as: UTF8.self).lowercased()
            guard language.isEmpty || language == "json" else { return notABlock(start: start, resumeAt: cursor) }
        }
        while cursor < bytes.count, isWhitespace(bytes[cursor]) { cursor += 1 }
        position = cursor
        guard cursor < bytes.count else { return false }
        guard bytes[cursor] == UInt8(ascii: "[") || bytes[cursor] == UInt8(ascii: "{") else {
            return notABlock(start: start, resumeAt: start + opener.marker.count)
        }
        startBlock(opener, start: start)
        return true
    }

    private mutating func notABlock(start: Int, resumeAt: Int) -> Bool {
        textStart = start
        position = resumeAt
        mode = .text
        return true
    }

    private mutating func startBlock(_ opener: Opener, start: Int) {
        var block = Block(opener: opener, start: start)
        block.isList = bytes[position] == UInt8(ascii: "[")
        mode = .block(block)
    }

    private mutating func scanBlock(_ block: inout Block) -> Bool {
        var scanned: [JSONSyntaxScanner.Event] = []
        while position < bytes.count {
            let at = position
            scanned.removeAll(keepingCapacity: true)
            block.scanner.feed(bytes[at], into: &scanned)
            position += 1
            for event in scanned {
                if handle(event, at: at, in: &block) { return true }
            }
        }
        mode = .block(block)
        return false
    }

    /// Returns true when the block ended (mode changed).
    private mutating func handle(_ event: JSONSyntaxScanner.Event, at: Int, in block: inout Block) -> Bool {
        switch event {
        case .start(let depth, let isKey, let opener):
            if depth == 0 && !block.isList {
                block.item = Item(memberDepth: 1, objectStart: at)
            } else if block.isList && depth == 1 && !isKey {
                if opener == UInt8(ascii: "{") {
                    block.item = Item(memberDepth: 2, objectStart: at)
                } else {
                    block.problems.append("item at byte \(at) of a call list is not an object; skipped")
                }
            } else if var item = block.item, depth == item.memberDepth {
                if isKey {
                    item.keyStart = at
                } else {
                    item.valueStart = at
                    item.valueOpener = opener
                    if item.argumentsStart == nil, let key = item.key, key == "arguments" || key == "parameters" {
                        item.argumentsStart = at
                        item.argumentsAreString = opener == UInt8(ascii: "\"")
                    }
                }
                block.item = item
                commitIfReady(&block)
            }
        case .end(let depth, let isKey, let atEnd):
            let end = atEnd ? at + 1 : at
            if var item = block.item, depth == item.memberDepth {
                if isKey {
                    item.key = decodeString(item.keyStart, end)
                } else {
                    if item.key == "name", item.name == nil, item.valueOpener == UInt8(ascii: "\"") {
                        item.name = decodeString(item.valueStart, end)
                    } else if item.argumentsStart == item.valueStart, item.argumentsEnd == nil,
                              item.key == "arguments" || item.key == "parameters" {
                        item.argumentsEnd = end
                    }
                    item.key = nil
                }
                block.item = item
                commitIfReady(&block)
                flushArguments(of: &block)
            } else if let item = block.item, depth == item.memberDepth - 1, !isKey {
                if item.index == nil {
                    block.problems.append("object at byte \(item.objectStart) has no string \"name\" and \"arguments\"; skipped")
                }
                block.item = nil
            }
            if depth == 0 && !isKey {
                mode = .closer(block, valueEnd: end)
                position = end
                return true
            }
        case .error:
            return endBlockOnError(&block, at: at)
        }
        return false
    }

    private mutating func commitIfReady(_ block: inout Block) {
        guard var item = block.item, item.index == nil, let name = item.name, let start = item.argumentsStart else { return }
        let index = nextIndex
        nextIndex += 1
        block.calls += 1
        item.index = index
        item.streamedUpTo = start
        block.item = item
        events.append(.toolCall(ToolCallDelta(index: index, id: makeID(index), name: name, arguments: "")))
    }

    /// Emits the argument bytes that arrived since the last emission (string arguments only once complete).
    private mutating func flushArguments(of block: inout Block) {
        guard var item = block.item, let index = item.index, let start = item.argumentsStart else { return }
        if item.argumentsAreString {
            if let end = item.argumentsEnd, item.streamedUpTo == start {
                events.append(.toolCall(ToolCallDelta(index: index, arguments: decodeString(start, end) ?? "")))
                item.streamedUpTo = end
            }
        } else {
            let limit = item.argumentsEnd ?? position
            if limit > item.streamedUpTo {
                events.append(.toolCall(ToolCallDelta(index: index, arguments: String(decoding: bytes[item.streamedUpTo..<limit], as: UTF8.self))))
                item.streamedUpTo = limit
            }
        }
        block.item = item
    }

    private mutating func flushArguments() {
        if case .block(var block) = mode {
            flushArguments(of: &block)
            mode = .block(block)
        }
    }

    private mutating func endBlockOnError(_ block: inout Block, at: Int) -> Bool {
        position = at
        flushArguments(of: &block)
        abandon(block, at: at, cutOff: "arguments cut off by invalid JSON at byte \(at)")
        position = at
        mode = .text
        return true
    }

    /// Ends a block that stopped before its closer, at byte `at`: one without calls is ordinary text; one with
    /// calls keeps them, and a call whose arguments were still open is marked incomplete, `cutOff` saying why.
    private mutating func abandon(_ block: Block, at: Int, cutOff: String) {
        if block.calls == 0 {
            textStart = block.start
        } else {
            problems += block.problems
            if let item = block.item, let index = item.index, item.argumentsEnd == nil {
                problems.append("call \(index): \(cutOff)")
                incompleteCalls.insert(index)
            }
            textStart = at
        }
    }

    private mutating func scanCloser(_ block: Block, valueEnd: Int, final: Bool) -> Bool {
        var cursor = position
        while cursor < bytes.count, isWhitespace(bytes[cursor]) { cursor += 1 }
        let closer = block.opener.closer
        var closed = false
        if !closer.isEmpty {
            if block.calls > 0, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "{") || bytes[cursor] == UInt8(ascii: "[") {
                // Several calls one after another in one wrapper (```json {…} {…} ```): the wrapper stays open.
                endBlock(block, resumeAt: cursor)
                startBlock(block.opener, start: cursor)
                return true
            }
            switch match(closer, at: cursor) {
            case .full:
                closed = true
                cursor += closer.count
            case .partial where !final:
                return false
            case .partial, .none:
                if cursor == bytes.count && !final { return false }
            }
        }
        endBlock(block, resumeAt: closed ? cursor : valueEnd)
        return true
    }

    private mutating func endBlock(_ block: Block, resumeAt: Int) {
        mode = .text
        position = resumeAt
        if block.calls > 0 {
            problems += block.problems
            textStart = resumeAt
            atReplyStart = true
        } else {
            // A JSON value that holds no call is ordinary text, wrapper included.
            textStart = block.start
        }
    }

    private mutating func finishMode() {
        switch mode {
        case .text:
            break
        case .opener(_, let start):
            textStart = start
        case .block(var block):
            var scanned: [JSONSyntaxScanner.Event] = []
            block.scanner.finish(into: &scanned)
            for event in scanned { _ = handle(event, at: bytes.count, in: &block) }
            if case .closer(let ended, let valueEnd) = mode {
                endBlock(ended, resumeAt: valueEnd)
                break
            }
            abandon(block, at: bytes.count, cutOff: "output ended inside its arguments")
        case .closer(let block, let valueEnd):
            endBlock(block, resumeAt: block.calls > 0 ? bytes.count : valueEnd)
            if block.calls == 0 { textStart = block.start }
        }
        mode = .text
        emitContent(upTo: bytes.count)
    }

    // MARK: Helpers

    private enum Match { case full, partial, none }

    /// Whether `marker` is at `index`: wholly, cut off by the end of the bytes so far, or not.
    private func match(_ marker: [UInt8], at index: Int) -> Match {
        for (offset, expected) in marker.enumerated() {
            guard index + offset < bytes.count else { return .partial }
            if bytes[index + offset] != expected { return .none }
        }
        return .full
    }

    private mutating func emitContent(upTo end: Int) {
        guard end > textStart else { return }
        if let text = content.add(bytes[textStart..<end]) { events.append(.content(text)) }
        textStart = end
    }

    private func decodeString(_ start: Int, _ end: Int) -> String? {
        guard end <= bytes.count, case .string(let text)? = try? JSONValue(parsing: Array(bytes[start..<end])) else { return nil }
        return text
    }
}

/// Content is trimmed: leading whitespace dropped, trailing whitespace held back until more text follows it.
private struct ContentTrimmer {
    private var started = false
    private var heldWhitespace: [UInt8] = []

    mutating func add(_ piece: ArraySlice<UInt8>) -> String? {
        var body = piece
        if !started {
            body = body.drop(while: isWhitespace)
            if body.isEmpty { return nil }
        }
        var trailing = body.endIndex
        while trailing > body.startIndex, isWhitespace(body[trailing - 1]) { trailing -= 1 }
        let core = body[body.startIndex..<trailing]
        if core.isEmpty {
            heldWhitespace += body
            return nil
        }
        started = true
        let text = String(decoding: heldWhitespace + core, as: UTF8.self)
        heldWhitespace = Array(body[trailing...])
        return text
    }
}

@inline(__always) private func isLetter(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
}

/// An OpenAI-style call id: "call_" and 24 random letters and digits.
public func randomCallID() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
}
