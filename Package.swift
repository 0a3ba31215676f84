// swift-tools-version: 6.0
// SwiftLAM: a Swift-native runtime for Large Action Models.
// Targets are listed bottom-up, in the order data flows through them (see README, "Layers").
import PackageDescription

let package = Package(
    name: "SwiftLAM",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lam", targets: ["lam"]),
        .library(name: "LAMModelFiles", targets: ["LAMModelFiles"]),
        .library(name: "LAMKernels", targets: ["LAMKernels"]),
        .library(name: "LAMModels", targets: ["LAMModels"]),
        .library(name: "LAMTokenizer", targets: ["LAMTokenizer"]),
        .library(name: "LAMTemplates", targets: ["LAMTemplates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // 1. Model files: GGUF, safetensors, Hugging Face folders.
        .target(name: "LAMModelFiles"),
        // 2. Kernels: quant block formats, dot products, matmul, norms, RoPE, attention.
        .target(name: "LAMKernels", dependencies: ["LAMModelFiles"]),
        // 3. Models: Qwen2 and Llama, KV cache, sampling.
        .target(name: "LAMModels", dependencies: ["LAMModelFiles", "LAMKernels"]),
        // 4. Text: tokenizer and chat templates.
        .target(name: "LAMTokenizer", dependencies: ["LAMModelFiles"]),
        .target(name: "LAMTemplates"),
        // 8. Surfaces: the `lam` command-line tool.
        .executableTarget(
            name: "lam",
            dependencies: [
                "LAMModelFiles", "LAMKernels", "LAMModels", "LAMTokenizer", "LAMTemplates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests. Golden files live in Tests/Golden and are produced by scripts/golden/*.
        .target(name: "LAMTestSupport", path: "Tests/LAMTestSupport"),
        .testTarget(name: "LAMModelFilesTests", dependencies: ["LAMModelFiles", "LAMKernels", "LAMTestSupport"]),
        .testTarget(name: "LAMKernelsTests", dependencies: ["LAMKernels", "LAMTestSupport"]),
        .testTarget(name: "LAMModelsTests", dependencies: ["LAMModels", "LAMTestSupport"]),
        .testTarget(name: "LAMTokenizerTests", dependencies: ["LAMTokenizer", "LAMTestSupport"]),
        .testTarget(name: "LAMTemplatesTests", dependencies: ["LAMTemplates", "LAMTestSupport"]),
    ]
)
