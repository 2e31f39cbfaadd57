// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Wireroom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "coordinator", targets: ["CoordinatorCLI"]),
        .executable(name: "fetcher", targets: ["FetcherCLI"]),
        .executable(name: "parser", targets: ["ParserCLI"]),
        .executable(name: "store", targets: ["StoreCLI"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Queue", targets: ["Queue"]),
        .library(name: "Fetcher", targets: ["Fetcher"]),
        .library(name: "WorkerSupport", targets: ["WorkerSupport"]),
        // The fuzz targets, for Benchmarks/Fuzz (libFuzzer) and the findings' regression test.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // zlib from Debian's zlib1g-dev: WARC gzip members, gzipped feeds, and payloads of databases written before zstd.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // zstd from Debian's libzstd-dev (libcurl links it already): payload bodies are stored as zstd frames.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // libidn2 from Debian's libidn2-dev: internationalized host names to their ASCII (punycode) form.
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        // OpenSSL's libcrypto (Debian's libssl-dev, which libcurl already links): SHA-1 for WARC digests.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libxml2 (Debian's libxml2-dev): the recovering HTML parser, and the XML parser for feeds and sitemaps.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // CLD2 (Debian's libcld2-dev), C++ only: a small extern "C" shim for language detection.
        .target(name: "CCLD2", path: "Sources/CCLD2", linkerSettings: [.linkedLibrary("cld2")]),
        // libcurl (Debian's libcurl4-openssl-dev) behind typed wrappers for its variadic calls.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // The values every stage shares (jobs, payloads, pages, articles), the queue's four seams
        // as workers see them, and the executor that keeps blocking work off the cooperative pool.
        .target(name: "Model", dependencies: ["CZlib", "CZstd"]),
        // robots.txt as RFC 9309 reads it: the fetcher's gate, and the sitemaps a source leads to.
        .target(name: "Robots"),
        // The job queue in its SQLite file: schema, leases, frontier (URL normalization, seen-set,
        // politeness), payloads, the shared robots and boilerplate tables, extraction health.
        .target(
            name: "Queue",
            dependencies: [
                "Model",
                "CIDN2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The coordinator's HTTP API as data: one type per request and answer, shared by the
        // server (Coordinator) and the client (WorkerSupport's RemoteQueue).
        .target(name: "QueueWire", dependencies: ["Model"]),
        // The coordinator's commands over the queue: add, stats (with the article store's counts), jobs, retry, pause/resume, purge.
        .target(
            name: "Coordinator",
            dependencies: [
                "Model", "Queue", "QueueWire", "Store", "WorkerSupport", "CCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The fetch stage: a libcurl multi-interface engine, its bounds and politeness, the worker.
        .target(
            name: "Fetcher",
            dependencies: [
                "CCurl", "CCrypto", "Model", "Queue", "Robots", "WorkerSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the command-line programs share: worker queue options (direct SQLite or the coordinator's HTTP API), settling finished jobs, the lease keeper, the service group every long-running command runs in, logging set-up, JSON output.
        .target(
            name: "WorkerSupport",
            dependencies: [
                "Model", "Queue", "QueueWire", "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Parser",
            dependencies: [
                "CLibXML2", "CCLD2", "Model", "Queue", "Robots", "WorkerSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The store stage: the article database (FTS5), near-duplicate detection (MinHash LSH in SQLite), the worker.
        .target(
            name: "Store",
            dependencies: [
                "Model", "Queue", "WorkerSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "CoordinatorCLI", dependencies: ["Coordinator"]),
        .executableTarget(name: "FetcherCLI", dependencies: ["Fetcher"]),
        // mimalloc (Debian's libmimalloc) replaces glibc's malloc in the parser: libxml2's tree and
        // the extractor's strings allocate and free millions of small blocks, and glibc's allocator
        // was a fifth of `parser extract`'s profile; mimalloc takes about 12% off its time on the
        // dev set (docs/BENCHMARKS.md). The library comes before libc among the binary's NEEDED
        // entries, so its malloc is the one every library binds to.
        .executableTarget(name: "ParserCLI", dependencies: ["Parser"], linkerSettings: [.linkedLibrary("mimalloc")]),
        .executableTarget(name: "StoreCLI", dependencies: ["Store"]),
        // A small worker process the tests start several times to race over one queue database.
        .executableTarget(
            name: "QueueExerciser",
            dependencies: ["Model", "Queue", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/QueueExerciser"
        ),
        .target(name: "TestSupport", dependencies: ["Model", "Queue"], path: "Tests/TestSupport"),
        .target(name: "FuzzTargets", dependencies: ["Model", "Queue", "Parser", "Robots", "Store"], path: "Tests/FuzzTargets"),
        .testTarget(name: "QueueTests", dependencies: ["Model", "Queue", "QueueExerciser", "TestSupport", "FuzzTargets"]),
        .testTarget(name: "CoordinatorTests", dependencies: [
            "Coordinator", "CoordinatorCLI", "Model", "Queue", "QueueWire", "Store", "WorkerSupport", "TestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "FetcherTests", dependencies: ["Fetcher", "FetcherCLI", "Model", "Queue", "Robots", "TestSupport"]),
        .testTarget(name: "ParserTests", dependencies: ["Parser", "ParserCLI", "Fetcher", "Model", "Store", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreCLI", "Model", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
