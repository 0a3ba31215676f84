/// Holds back generated text that might be the start of a stop string, and cuts the text before the first stop
/// string. Works on UTF-8 bytes; every cut falls on a character boundary because stop strings start with one.
struct StopStringFilter {
    private let stops: [[UInt8]]
    private var text: [UInt8] = []
    private var emitted = 0
    private(set) var stopped = false

    init(_ stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Appends `piece`; returns the text now certain not to be part of a stop string.
    mutating func append(_ piece: String) -> String {
        guard !stopped else { return "" }
        text.append(contentsOf: piece.utf8)
        guard !stops.isEmpty else { return release(upTo: text.count) }
        let searchStart = max(0, emitted - (stops.map(\.count).max()! - 1))
        if let cut = stops.compactMap({ firstOccurrence(of: $0, from: searchStart) }).min() {
            stopped = true
            text.removeSubrange(cut...)
            return release(upTo: cut)
        }
        return release(upTo: text.count - heldBack())
    }

    /// The rest of the text at the end of generation.
    mutating func finish() -> String { release(upTo: text.count) }

    private mutating func release(upTo end: Int) -> String {
        guard end > emitted else { return "" }
        defer { emitted = end }
        return String(decoding: text[emitted..<end], as: UTF8.self)
    }

    /// Length of the longest end of the text that begins some stop string.
    private func heldBack() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count - emitted), to: longest, by: -1)
            where text[(text.count - length)...].elementsEqual(stop[..<length]) {
                longest = length
                break
            }
        }
        return longest
    }

    private func firstOccurrence(of stop: [UInt8], from start: Int) -> Int? {
        guard text.count >= stop.count else { return nil }
        var i = start
        while i + stop.count <= text.count {
            if text[i..<(i + stop.count)].elementsEqual(stop) { return i }
            i += 1
        }
        return nil
    }
}
