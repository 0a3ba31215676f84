import Foundation

/// A regular expression used the way Python's `re` module uses it in BFCL's type converters.
/// ICU (behind NSRegularExpression) agrees with Python on what matters here: `$` also matches before a
/// final newline, `.` stops at newlines unless `dotAll`, and `\d`, `\w`, `\s` are Unicode-aware.
struct PythonRegex: @unchecked Sendable {
    private let regex: NSRegularExpression

    init(_ pattern: String, dotAll: Bool = false) {
        // The patterns are constants of this module; a bad one is a programming error.
        regex = try! NSRegularExpression(pattern: pattern, options: dotAll ? [.dotMatchesLineSeparators] : [])
    }

    /// `re.match`: a match starting at the beginning of `text`; returns the groups (index 0 = whole match).
    func match(_ text: String) -> [String?]? {
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, options: [.anchored], range: range).map { groups(of: $0, in: text) }
    }

    /// `re.search`: the first match anywhere.
    func search(_ text: String) -> [String?]? {
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, range: range).map { groups(of: $0, in: text) }
    }

    /// `re.findall` as a list of group tuples (index 0 = whole match).
    func findAll(_ text: String) -> [[String?]] {
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { groups(of: $0, in: text) }
    }

    func matches(_ text: String) -> Bool { match(text) != nil }

    private func groups(of result: NSTextCheckingResult, in text: String) -> [String?] {
        (0..<result.numberOfRanges).map { index in
            let range = result.range(at: index)
            guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else { return nil }
            return String(text[swiftRange])
        }
    }
}
