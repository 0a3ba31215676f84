// swift-tools-version: 6.0
// An agent whose tools are Swift functions, on a GGUF model in process or any OpenAI-compatible endpoint.
// Run: swift run -c release --package-path examples/agent/SwiftToolAgent SwiftToolAgent MODEL.gguf
//      swift run --package-path examples/agent/SwiftToolAgent SwiftToolAgent http://localhost:8080/v1 xLAM-2-1b-fc-r
import PackageDescription

let package = Package(
    name: "SwiftToolAgent",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "../../..")],
    targets: [
        .executableTarget(
            name: "SwiftToolAgent",
            dependencies: [
                .product(name: "LAMAgent", package: "SwiftLAM"), .product(name: "LAMEngine", package: "SwiftLAM"),
            ]
        )
    ]
)
