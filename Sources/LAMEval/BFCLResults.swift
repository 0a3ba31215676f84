import Foundation
import LAMJSON

/// One line of a BFCL result file (`result/<model>/<non_live|live>/BFCL_v4_<category>_result.json`), the
/// format BFCL's own generator writes and its checker reads.
public struct BFCLResultLine: Sendable {
    public var id: String
    public var result: String
    public var inputTokenCount: Int?
    public var outputTokenCount: Int?
    public var latency: Double?
    /// Seconds spent on the output tokens after the first (when the backend knows). Not written to the file:
    /// BFCL's format has no such field; the report of the run that produced it shows the decode rate.
    public var decodeTime: Double?

    public init(id: String, result: String, inputTokenCount: Int? = nil, outputTokenCount: Int? = nil, latency: Double? = nil,
                decodeTime: Double? = nil) {
        self.id = id
        self.result = result
        self.inputTokenCount = inputTokenCount
        self.outputTokenCount = outputTokenCount
        self.latency = latency
        self.decodeTime = decodeTime
    }

    public init(json: JSONValue) throws {
        guard let id = json["id"]?.stringValue else { throw BFCLDataError.badLine(file: "result", line: 0, reason: "no id") }
        self.id = id
        // A non-string result (BFCL writes lists for multi-turn) cannot decode for single-turn categories.
        result = json["result"]?.stringValue ?? (json["result"]?.compactJSON ?? "")
        inputTokenCount = json["input_token_count"]?.integerValue
        outputTokenCount = json["output_token_count"]?.integerValue
        latency = json["latency"]?.doubleValue
    }

    public var json: JSONValue {
        var object: JSONObject = ["id": .string(id), "result": .string(result)]
        if let inputTokenCount { object["input_token_count"] = .integer(inputTokenCount) }
        if let outputTokenCount { object["output_token_count"] = .integer(outputTokenCount) }
        if let latency { object["latency"] = .double(latency) }
        return .object(object)
    }
}

/// Where a run's files go, in BFCL's layout under `--out`:
/// `result/<model>/<group>/BFCL_v4_<category>_result.json` and `score/<model>/<group>/BFCL_v4_<category>_score.json`,
/// plus our `report.json` and `report.txt` at the top.
public struct BFCLOutputLayout: Sendable {
    public let root: URL
    public let modelDirectoryName: String

    public init(root: URL, modelName: String) {
        self.root = root
        modelDirectoryName = modelName.replacingOccurrences(of: "/", with: "_")
    }

    public func resultFile(_ category: BFCLCategory) -> URL {
        root.appendingPathComponent("result").appendingPathComponent(modelDirectoryName)
            .appendingPathComponent(category.resultGroup).appendingPathComponent(category.resultFileName)
    }

    public func scoreFile(_ category: BFCLCategory) -> URL {
        root.appendingPathComponent("score").appendingPathComponent(modelDirectoryName)
            .appendingPathComponent(category.resultGroup)
            .appendingPathComponent("\(BFCLCategory.versionPrefix)_\(category.rawValue)_score.json")
    }

    public var reportJSON: URL { root.appendingPathComponent("report.json") }
    public var reportText: URL { root.appendingPathComponent("report.txt") }

    /// Writes JSON Lines, creating folders as needed.
    public static func write(_ lines: [JSONValue], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = lines.map { $0.pythonJSON() + "\n" }.joined()
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}

/// A category's result file while a run writes it. Like BFCL's generator, a run keeps the answers a
/// previous run left there (an interrupted or shorter run: only the missing entries are generated) unless
/// told to overwrite. Kept lines stay byte for byte; a last line cut off mid-write is dropped, any other line
/// that does not read as a result is an error rather than something to overwrite.
struct BFCLResultFileWriter {
    /// The kept answers by entry id (the first one where an id repeats).
    let kept: [String: BFCLResultLine]
    private let handle: FileHandle

    init(url: URL, keepExisting: Bool) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var keptLines: [BFCLResultLine] = []
        var keptText = Data()
        if keepExisting, let data = FileManager.default.contents(atPath: url.path) {
            let chunks = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            for (index, chunk) in chunks.enumerated() where chunk.contains(where: { !Self.isBlank($0) }) {
                do {
                    keptLines.append(try BFCLResultLine(json: JSONValue(parsing: Array(chunk))))
                    keptText.append(contentsOf: chunk)
                    keptText.append(UInt8(ascii: "\n"))
                } catch where index == chunks.count - 1 {
                    continue  // the last line has no newline after it: a write cut off; its entry is generated again
                } catch {
                    throw BFCLDataError.badLine(
                        file: url.path, line: index + 1,
                        reason: "not a result line (\(error)); fix or remove the file, or --allow-overwrite to generate it again")
                }
            }
        }
        try keptText.write(to: url, options: .atomic)
        kept = Dictionary(keptLines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    func append(_ line: BFCLResultLine) throws {
        try handle.write(contentsOf: Data((line.json.pythonJSON() + "\n").utf8))
    }

    func close() {
        try? handle.close()
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}

/// The BFCL result files under a folder, at any depth (`lam eval bfcl --results`): what BFCL's generator or
/// `lam eval bfcl` wrote, e.g. `OUT/result` or `OUT/result/<model>`, one model's files.
public struct BFCLResultFolder: Sendable {
    public let root: URL
    public let files: [BFCLCategory: URL]

    public init(root: URL) throws {
        let found = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var files: [BFCLCategory: URL] = [:]
        for category in BFCLCategory.allCases {
            let matches = found.filter { $0.lastPathComponent == category.resultFileName }
            guard matches.count <= 1 else {
                throw BFCLCheckerError("\(matches.count) files named \(category.resultFileName) under \(root.path) (several models' results?); point at one model's folder")
            }
            files[category] = matches.first
        }
        self.root = root
        self.files = files
    }

    /// The model the results are filed under: in BFCL's layout, the folder above `non_live` and `live`.
    public var modelName: String {
        guard let file = BFCLCategory.allCases.lazy.compactMap({ files[$0] }).first else { return root.lastPathComponent }
        let group = file.deletingLastPathComponent()
        let isBFCLLayout = group.lastPathComponent == "non_live" || group.lastPathComponent == "live"
        return isBFCLLayout ? group.deletingLastPathComponent().lastPathComponent : group.lastPathComponent
    }

    /// Scores those of `categories` that have a result file, the first `limit` lines of each.
    public func score(_ categories: [BFCLCategory], evaluator: BFCLEvaluator, limit: Int? = nil) throws -> BFCLReport {
        let scores = try categories.compactMap { category -> BFCLCategoryScore? in
            guard let file = files[category] else { return nil }
            let lines = try BFCLDataset.readJSONLines(file).map(BFCLResultLine.init(json:))
            return try evaluator.score(category, lines: limit.map { Array(lines.prefix($0)) } ?? lines)
        }
        return BFCLReport(model: modelName, categories: scores)
    }
}
