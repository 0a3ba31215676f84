import Foundation
import LAMJSON

/// One BFCL test entry: its id, the conversation (first turn only for single-turn categories) and the
/// functions offered. `functions` are as stored in the data file (the checker's view); the prompt adds
/// BFCL's language hints on top (see `BFCLPrompt`).
public struct BFCLEntry: Sendable {
    public var id: String
    public var category: BFCLCategory
    public var messages: [JSONValue]
    public var functions: [JSONValue]
    public var raw: JSONValue
}

public enum BFCLDataError: Error, Sendable, CustomStringConvertible {
    case missingFile(String)
    case badLine(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            "BFCL data file \(path) is missing; run scripts/fetch-bfcl (it puts the bfcl-eval data in ~/.cache/swiftlam/bfcl)"
        case .badLine(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}

/// The BFCL data folder of the `bfcl-eval` wheel (`bfcl_eval/data`): `BFCL_v4_<category>.json` with the
/// entries and `possible_answer/BFCL_v4_<category>.json` with the accepted answers, both JSON Lines.
public struct BFCLDataset: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$SWIFTLAM_BFCL_DATA`, else where scripts/fetch-bfcl unpacks it.
    public static var defaultDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["SWIFTLAM_BFCL_DATA"] { return URL(fileURLWithPath: path) }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/swiftlam/bfcl/wheel/bfcl_eval/data")
    }

    public func entries(_ category: BFCLCategory) throws -> [BFCLEntry] {
        try Self.readJSONLines(directory.appendingPathComponent(category.dataFileName)).enumerated().map { index, object in
            guard let id = object["id"]?.stringValue, let question = object["question"]?.arrayValue,
                  let firstTurn = question.first?.arrayValue, let functions = object["function"]?.arrayValue
            else {
                throw BFCLDataError.badLine(file: category.dataFileName, line: index + 1, reason: "not a BFCL entry")
            }
            return BFCLEntry(id: id, category: category, messages: firstTurn, functions: functions, raw: object)
        }
    }

    /// Possible answers by entry id (relevance categories have none).
    public func possibleAnswers(_ category: BFCLCategory) throws -> [String: [JSONValue]] {
        guard category.scoring == .ast else { return [:] }
        let url = directory.appendingPathComponent("possible_answer").appendingPathComponent(category.dataFileName)
        var answers: [String: [JSONValue]] = [:]
        for (index, object) in try Self.readJSONLines(url).enumerated() {
            guard let id = object["id"]?.stringValue, let truth = object["ground_truth"]?.arrayValue else {
                throw BFCLDataError.badLine(file: url.lastPathComponent, line: index + 1, reason: "not a possible answer")
            }
            answers[id] = truth
        }
        return answers
    }

    /// A JSON Lines file (blank lines skipped).
    public static func readJSONLines(_ url: URL) throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw BFCLDataError.missingFile(url.path) }
        var values: [JSONValue] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            do {
                values.append(try JSONValue(parsing: Array(line)))
            } catch {
                throw BFCLDataError.badLine(file: url.lastPathComponent, line: index + 1, reason: "\(error)")
            }
        }
        return values
    }
}
