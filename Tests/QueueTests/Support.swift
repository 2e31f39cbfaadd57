import Foundation
import TestSupport
@testable import Queue

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
