/// The single-turn BFCL categories `lam eval bfcl` runs, and how each is scored.
public enum BFCLCategory: String, CaseIterable, Sendable, Codable {
    case simplePython = "simple_python"
    case simpleJava = "simple_java"
    case simpleJavaScript = "simple_javascript"
    case multiple
    case parallel
    case parallelMultiple = "parallel_multiple"
    case irrelevance
    case liveSimple = "live_simple"
    case liveMultiple = "live_multiple"
    case liveParallel = "live_parallel"
    case liveParallelMultiple = "live_parallel_multiple"
    case liveIrrelevance = "live_irrelevance"
    case liveRelevance = "live_relevance"

    public enum Scoring: Sendable { case ast, relevance, irrelevance }

    public var scoring: Scoring {
        switch self {
        case .irrelevance, .liveIrrelevance: .irrelevance
        case .liveRelevance: .relevance
        default: .ast
        }
    }

    public var language: BFCLLanguage {
        switch self {
        case .simpleJava: .java
        case .simpleJavaScript: .javascript
        default: .python
        }
    }

    public var isLive: Bool { rawValue.hasPrefix("live_") }

    /// The data and result file names BFCL uses (`BFCL_v4_<category>.json`).
    public static let versionPrefix = "BFCL_v4"
    public var dataFileName: String { "\(Self.versionPrefix)_\(rawValue).json" }
    public var resultFileName: String { "\(Self.versionPrefix)_\(rawValue)_result.json" }
    /// BFCL groups result files in `non_live/` and `live/` folders.
    public var resultGroup: String { isLive ? "live" : "non_live" }

    /// The category an entry id belongs to (`live_simple_12-3-4` → live_simple), longest name first.
    public static func of(entryID: String) -> BFCLCategory? {
        let base = entryID.split(separator: "_").last.map { entryID.dropLast($0.count + 1) }.map(String.init) ?? entryID
        return BFCLCategory(rawValue: base)
    }
}
