import Foundation

/// The real models the tests run on (see ../shared/models.md and scripts/fetch-models).
public enum TestModel: String, CaseIterable, Sendable {
    case qwen05b = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    case qwen15b = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    case smollm2 = "smollm2-135m-instruct-q4_1.gguf"
    case gemma3 = "gemma-3-270m-q4_k_m.gguf"

    /// The short name scripts/fetch-models takes.
    public var fetchName: String {
        switch self {
        case .qwen05b: "qwen0.5b"
        case .qwen15b: "qwen1.5b"
        case .smollm2: "smollm2"
        case .gemma3: "gemma3"
        }
    }

    public static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["SWIFTLAM_MODELS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swiftlam/models")
    }

    /// The model file's path. A missing model is a test failure that says how to fetch it, never a silent pass.
    public func path() throws -> String {
        let url = Self.directory.appendingPathComponent(rawValue)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingTestModel(model: self, path: url.path)
        }
        return url.path
    }
}

public struct MissingTestModel: Error, CustomStringConvertible {
    public let model: TestModel
    public let path: String
    public var description: String {
        "test model \(model.fetchName) not found at \(path); run: scripts/fetch-models \(model.fetchName)"
    }
}

/// Golden reference files committed under Tests/Golden, produced by the scripts in scripts/golden.
public enum Golden {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }
}
