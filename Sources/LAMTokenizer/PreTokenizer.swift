/// Splits text into the words that BPE encodes one at a time. Hugging Face and llama.cpp describe these rules as
/// regular expressions; here each one is a hand-written scanner over character classes (see `ScannedText`)
/// that returns exactly the pieces the regex would match, leftmost alternative first.
struct PreTokenizer: Sendable {
    /// One splitting step. Steps run in order, each one splitting the pieces of the step before.
    enum Step: Sendable, Equatable {
        /// Every \p{N} character becomes a piece of its own (Hugging Face's `Digits(individual_digits)`).
        case isolateDigits
        /// Qwen2's regex: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        case qwen2
        /// Llama 3's regex: as Qwen2's, but numbers in runs of up to three digits (`\p{N}{1,3}`).
        case llama3
        /// GPT-2's regex, also the one of the ByteLevel pre-tokenizer:
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
        case gpt2
    }

    let steps: [Step]

    /// Calls `emit` with the scalar range of every piece of `text`, in order.
    func split(_ text: ScannedText, emit: (Range<Int>) -> Void) {
        split(text, 0..<text.scalarCount, step: 0, emit: emit)
    }

    private func split(_ text: ScannedText, _ range: Range<Int>, step: Int, emit: (Range<Int>) -> Void) {
        guard !range.isEmpty else { return }
        guard step < steps.count else { return emit(range) }
        let next = { (piece: Range<Int>) in self.split(text, piece, step: step + 1, emit: emit) }
        switch steps[step] {
        case .isolateDigits: Self.isolateDigits(text, range, emit: next)
        case .qwen2: Self.splitLlamaStyle(text, range, maximumDigits: 1, emit: next)
        case .llama3: Self.splitLlamaStyle(text, range, maximumDigits: 3, emit: next)
        case .gpt2: Self.splitGPT2(text, range, emit: next)
        }
    }

    private static func isolateDigits(_ text: ScannedText, _ range: Range<Int>, emit: (Range<Int>) -> Void) {
        var start = range.lowerBound
        for index in range where text.classes[index].contains(.number) {
            if start < index { emit(start..<index) }
            emit(index..<(index + 1))
            start = index + 1
        }
        if start < range.upperBound { emit(start..<range.upperBound) }
    }

    /// Qwen2 and Llama 3 (they differ only in how many digits a number piece holds).
    private static func splitLlamaStyle(
        _ text: ScannedText, _ range: Range<Int>, maximumDigits: Int, emit: (Range<Int>) -> Void
    ) {
        let classes = text.classes
        let end = range.upperBound
        var index = range.lowerBound
        while index < end {
            let current = classes[index]
            let pieceEnd: Int
            if current.contains(.apostrophe), let length = contractionLength(text, at: index, end: end, ignoringCase: true) {
                // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                pieceEnd = index + length
            } else if current.contains(.letter) {
                // \p{L}+ (the optional prefix is absent)
                pieceEnd = runEnd(classes, from: index, end: end) { $0.contains(.letter) }
            } else if !current.contains(.lineBreak) && !current.contains(.number)
                        && index + 1 < end && classes[index + 1].contains(.letter) {
                // [^\r\n\p{L}\p{N}]\p{L}+
                pieceEnd = runEnd(classes, from: index + 1, end: end) { $0.contains(.letter) }
            } else if current.contains(.number) {
                // \p{N} or \p{N}{1,3}
                var position = index + 1
                while position < end && position - index < maximumDigits && classes[position].contains(.number) {
                    position += 1
                }
                pieceEnd = position
            } else if current.isOther || (current.contains(.space) && index + 1 < end && classes[index + 1].isOther) {
                //  ?[^\s\p{L}\p{N}]+[\r\n]*
                let symbols = runEnd(classes, from: current.isOther ? index : index + 1, end: end) { $0.isOther }
                pieceEnd = runEnd(classes, from: symbols, end: end) { $0.contains(.lineBreak) }
            } else {
                pieceEnd = whitespacePieceEnd(classes, from: index, end: end, lineBreaksFirst: true)
            }
            emit(index..<pieceEnd)
            index = pieceEnd
        }
    }

    private static func splitGPT2(_ text: ScannedText, _ range: Range<Int>, emit: (Range<Int>) -> Void) {
        let classes = text.classes
        let end = range.upperBound
        var index = range.lowerBound
        while index < end {
            let current = classes[index]
            // The class of the run that starts here, after an optional leading space.
            let runStart = current.contains(.space) && index + 1 < end && !classes[index + 1].contains(.whitespace)
                ? index + 1 : index
            let runClass = classes[runStart]
            let pieceEnd: Int
            if current.contains(.apostrophe), let length = contractionLength(text, at: index, end: end, ignoringCase: false) {
                pieceEnd = index + length
            } else if runClass.contains(.letter) {
                pieceEnd = runEnd(classes, from: runStart, end: end) { $0.contains(.letter) }
            } else if runClass.contains(.number) {
                pieceEnd = runEnd(classes, from: runStart, end: end) { $0.contains(.number) }
            } else if runClass.isOther {
                pieceEnd = runEnd(classes, from: runStart, end: end) { $0.isOther }
            } else {
                pieceEnd = whitespacePieceEnd(classes, from: index, end: end, lineBreaksFirst: false)
            }
            emit(index..<pieceEnd)
            index = pieceEnd
        }
    }

    /// Where the run of characters from `start` (stopping at `end`) whose classes satisfy `predicate` ends.
    private static func runEnd(
        _ classes: [ScannedText.Classes], from start: Int, end: Int, while predicate: (ScannedText.Classes) -> Bool
    ) -> Int {
        var position = start
        while position < end && predicate(classes[position]) { position += 1 }
        return position
    }

    /// The whitespace alternatives, at a whitespace character: `\s*[\r\n]+` (only when `lineBreaksFirst`),
    /// then `\s+(?!\S)`, then `\s+`.
    private static func whitespacePieceEnd(
        _ classes: [ScannedText.Classes], from start: Int, end: Int, lineBreaksFirst: Bool
    ) -> Int {
        var runEnd = start
        var lastLineBreak = -1
        while runEnd < end && classes[runEnd].contains(.whitespace) {
            if classes[runEnd].contains(.lineBreak) { lastLineBreak = runEnd }
            runEnd += 1
        }
        if lineBreaksFirst && lastLineBreak >= 0 { return lastLineBreak + 1 }
        // \s+(?!\S): the whole run at the end of the text; otherwise all but the last whitespace character,
        // which then leads the next piece. A single character falls through to \s+.
        if runEnd == end || runEnd - start == 1 { return runEnd }
        return runEnd - 1
    }

    /// The length in scalars of the contraction `'s|'t|'re|'ve|'m|'ll|'d` at `index` (an apostrophe), if any.
    private static func contractionLength(_ text: ScannedText, at index: Int, end: Int, ignoringCase: Bool) -> Int? {
        guard index + 1 < end else { return nil }
        let letter = { (position: Int) -> UInt8? in
            ignoringCase ? text.foldedASCII(at: position) : text.ascii(at: position)
        }
        switch letter(index + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return index + 2 < end && letter(index + 2) == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return index + 2 < end && letter(index + 2) == UInt8(ascii: "l") ? 3 : nil
        default:
            return nil
        }
    }
}
