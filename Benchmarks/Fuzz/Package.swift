// swift-tools-version: 6.1
// libFuzzer over the project's parsers of untrusted input; built and run by Benchmarks/fuzz.sh
// with -sanitize=fuzzer,address. A package of its own: the product is never built that way.
import Foundation
import PackageDescription

// The project's root, by path; SwiftPM names a path dependency after its directory.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "WireroomFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "WireroomFuzz", dependencies: [.product(name: "FuzzTargets", package: root.lastPathComponent)],
            // gold fails on the sanitizers' objects (an internal error); LLVM's own linker does not.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
