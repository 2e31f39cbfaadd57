// swift-tools-version: 6.1
// Benchmarks live in their own package so the product's build stays lean.
import PackageDescription

let package = Package(
    name: "WireroomBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "QueueBenchmark",
            dependencies: [
                .product(name: "Model", package: "main"),
                .product(name: "Queue", package: "main"),
                .product(name: "WorkerSupport", package: "main"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FetchBenchmark",
            dependencies: [
                .product(name: "Fetcher", package: "main"),
                .product(name: "Model", package: "main"),
                .product(name: "Queue", package: "main"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
