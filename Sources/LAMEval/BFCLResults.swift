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
