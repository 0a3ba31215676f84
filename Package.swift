// swift-tools-version: 6.0
// SwiftLAM: a Swift-native runtime for Large Action Models.
// Targets are listed bottom-up, in the order data flows through them (see README, "Layers").
import PackageDescription

let package = Package(
    name: "SwiftLAM",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lam", targets: ["lam"]),
        .library(name: "LAMJSON", targets: ["LAMJSON"]),
        .library(name: "LAMModelFiles", targets: ["LAMModelFiles"]),
        .library(name: "LAMKernels", targets: ["LAMKernels"]),
        .library(name: "LAMModels", targets: ["LAMModels"]),
        .library(name: "LAMTokenizer", targets: ["LAMTokenizer"]),
        .library(name: "LAMTemplates", targets: ["LAMTemplates"]),
        .library(name: "LAMToolCalling", targets: ["LAMToolCalling"]),
        .library(name: "LAMOpenAIAPI", targets: ["LAMOpenAIAPI"]),
        .library(name: "LAMEngine", targets: ["LAMEngine"]),
        .library(name: "LAMServer", targets: ["LAMServer"]),
        .library(name: "LAMEval", targets: ["LAMEval"]),
        .library(name: "LAMAgent", targets: ["LAMAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // The OpenAI-compatible server (LAMServer).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.0.0"),
    ],
    targets: [
        // 0. JSON with key order kept, parsed strictly and written exactly as Python's json.dumps.
        .target(name: "LAMJSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        // 1. Model files: GGUF, safetensors, Hugging Face folders.
        .target(name: "LAMModelFiles"),
        // 2. Kernels: quant block formats, dot products, matmul, norms, RoPE, attention.
        .target(name: "LAMKernels", dependencies: ["LAMModelFiles"]),
        // 3. Models: Qwen2 and Llama, KV cache, sampling.
        .target(name: "LAMModels", dependencies: ["LAMModelFiles", "LAMKernels"]),
        // 4. Text: tokenizer and chat templates.
        .target(name: "LAMTokenizer", dependencies: ["LAMModelFiles", "LAMJSON"]),
        .target(name: "LAMTemplates", dependencies: ["LAMJSON"]),
        // 5. Tool calling: tool schemas, call parsers (incl. streaming), constrained decoding, validation.
        .target(name: "LAMToolCalling", dependencies: ["LAMJSON"]),
        // 5½. The OpenAI chat-completions wire format, shared by the server and by clients of remote endpoints.
        .target(name: "LAMOpenAIAPI", dependencies: ["LAMJSON"]),
        // 6. Engine: loads a model with its tokenizer and template, builds prompts, generates (constrained when
        //    asked), streams text and call deltas, validates calls.
        .target(
            name: "LAMEngine",
            dependencies: ["LAMJSON", "LAMModelFiles", "LAMModels", "LAMTokenizer", "LAMTemplates", "LAMToolCalling"]),
        // 7. Agent: the multi-turn loop (model → validated calls → tools → model), Swift and MCP tools, backends.
        .target(
            name: "LAMAgent",
            dependencies: [
                "LAMJSON", "LAMToolCalling", "LAMModels", "LAMEngine",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // 8. Surfaces: the OpenAI-compatible HTTP server, and the `lam` command-line tool.
        .target(
            name: "LAMServer",
            dependencies: [
                "LAMJSON", "LAMOpenAIAPI", "LAMEngine", "LAMModels", "LAMToolCalling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "lam",
            dependencies: [
                "LAMJSON", "LAMModelFiles", "LAMKernels", "LAMModels", "LAMTokenizer", "LAMTemplates",
                "LAMToolCalling", "LAMOpenAIAPI", "LAMEngine", "LAMServer", "LAMEval", "LAMAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // 9. Evaluation: BFCL data, prompts, result files, a port of BFCL's AST checker, score reports.
        //    Runs models through the engine in process or through an OpenAI-compatible endpoint.
        .target(name: "LAMEval", dependencies: ["LAMJSON", "LAMEngine", "LAMToolCalling"]),

        // Tests. Golden files live in Tests/Golden and are produced by scripts/golden/*.
        .target(name: "LAMTestSupport", dependencies: ["LAMModelFiles"], path: "Tests/LAMTestSupport"),
        .testTarget(name: "LAMJSONTests", dependencies: ["LAMJSON", "LAMTestSupport"]),
        .testTarget(name: "LAMModelFilesTests", dependencies: ["LAMModelFiles", "LAMKernels", "LAMTestSupport"]),
        .testTarget(name: "LAMKernelsTests", dependencies: ["LAMKernels", "LAMTestSupport"]),
        .testTarget(name: "LAMModelsTests", dependencies: ["LAMModels", "LAMTestSupport"]),
        .testTarget(name: "LAMTokenizerTests", dependencies: ["LAMTokenizer", "LAMJSON", "LAMTestSupport"]),
        .testTarget(name: "LAMTemplatesTests", dependencies: ["LAMTemplates", "LAMTestSupport"]),
        .testTarget(name: "LAMToolCallingTests", dependencies: ["LAMToolCalling", "LAMTestSupport"]),
        .testTarget(name: "LAMOpenAIAPITests", dependencies: ["LAMOpenAIAPI", "LAMTestSupport"]),
        // The scripted (fake) chat backend serves the Swift server tests and, through LAMServerTestHost, the
        // Python real-client suite (scripts/test-server-client) until the engine can serve a real model.
        .target(name: "LAMServerTestSupport", dependencies: ["LAMServer", "LAMOpenAIAPI"], path: "Tests/LAMServerTestSupport"),
        .executableTarget(
            name: "LAMServerTestHost",
            dependencies: [
                "LAMServer", "LAMServerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LAMServerTestHost"
        ),
        .testTarget(
            name: "LAMServerTests",
            dependencies: [
                "LAMServer", "LAMOpenAIAPI", "LAMServerTestSupport", "LAMTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "LAMEvalTests",
            dependencies: [
                "LAMEval", "LAMJSON", "LAMEngine", "LAMTestSupport", "LAMServer", "LAMServerTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "LAMEngineTests",
            dependencies: ["LAMEngine", "LAMJSON", "LAMModels", "LAMTokenizer", "LAMToolCalling", "LAMTestSupport"]),
        .testTarget(
            name: "LAMAgentTests",
            dependencies: ["LAMAgent", "LAMEngine", "LAMJSON", "LAMToolCalling", "LAMTestSupport"],
            exclude: ["MCPServers", "Stubs"]
        ),
    ]
)
