import Foundation
import Synchronization
@testable import Queue

/// A clock the test moves by hand, so lease expiry and backoff need no sleeping.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A fresh directory under the system temp dir, removed by the caller's `defer`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wireroom-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Opens a new queue in `directory` with a manual clock and no politeness delay unless asked.
func makeQueue(
    in directory: TemporaryDirectory, clock: ManualClock = ManualClock(), hostDelay: TimeInterval = 0,
    concurrency: Int = 1000, tweak: (inout QueueConfiguration) -> Void = { _ in }
) throws -> JobQueue {
    var configuration = QueueConfiguration()
    configuration.clock = { clock.now }
    configuration.defaultHostDelay = hostDelay
    configuration.defaultHostConcurrency = concurrency
    tweak(&configuration)
    return try JobQueue.open(at: directory.path("queue.sqlite"), creating: true, configuration: configuration)
}

extension JobQueue {
    /// The count of `stage` jobs in `state`.
    func count(_ stage: Stage, _ state: JobState) throws -> Int {
        try stats().stages[stage.rawValue]?[state.rawValue] ?? 0
    }
}

/// Where `swift build` put the package's executables (beside the test bundle).
func builtProduct(_ name: String) -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
}
