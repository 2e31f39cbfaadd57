// swift-tools-version: 6.1
// Benchmarks live in their own package so the product's build stays lean.
import Foundation
import PackageDescription

// The project's root, by path; SwiftPM names a path dependency after its directory, so the
// products are looked up under that name (a clone may be called anything).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let project = root.lastPathComponent

let package = Package(
    name: "WireroomBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: root.path),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "QueueBenchmark",
            dependencies: [
                .product(name: "Model", package: project),
                .product(name: "Queue", package: project),
                .product(name: "WorkerSupport", package: project),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FetchBenchmark",
            dependencies: [
                .product(name: "Fetcher", package: project),
                .product(name: "Model", package: project),
                .product(name: "Queue", package: project),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
