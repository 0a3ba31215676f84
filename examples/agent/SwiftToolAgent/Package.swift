// swift-tools-version: 6.0
// An agent whose tools are Swift functions, against any OpenAI-compatible endpoint (e.g. `lam serve`).
// Run: swift run --package-path examples/agent/SwiftToolAgent SwiftToolAgent http://localhost:8080/v1 xLAM-2-1b-fc-r
import PackageDescription

let package = Package(
    name: "SwiftToolAgent",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "../../..")],
    targets: [
        .executableTarget(
            name: "SwiftToolAgent",
            dependencies: [.product(name: "LAMAgent", package: "SwiftLAM")]
        )
    ]
)
