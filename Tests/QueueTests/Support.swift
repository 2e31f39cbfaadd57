import Foundation
import GRDB
import Model
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
    /// Hosts whose kept `queued`/`leased` counts differ from a recount of their fetch jobs.
    func hostsWithWrongCounts() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM hosts
                WHERE queued != (SELECT count(*) FROM jobs WHERE host_id = hosts.id AND stage = 'fetch' AND state = 'queued')
                   OR leased != (SELECT count(*) FROM jobs WHERE host_id = hosts.id AND stage = 'fetch' AND state = 'leased')
                """)
        }
    }
}
