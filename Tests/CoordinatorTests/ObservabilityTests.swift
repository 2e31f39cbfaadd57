import Foundation
import GRDB
import Model
import Queue
@testable import Store
import Testing
import TestSupport
@testable import Coordinator

/// What the coordinator exposes stays bounded and current, and reading it changes nothing.
@Suite("Metrics series and the article store's reader")
struct ObservabilityTests {
    /// A queue whose clock the test moves.
    static func queue(in directory: TemporaryDirectory, clock: ManualClock) throws -> JobQueue {
        var configuration = QueueConfiguration()
        configuration.defaultHostDelay = 0
        configuration.defaultHostConcurrency = 100
        configuration.clock = { clock.now }
        return try JobQueue.open(at: directory.path("queue.sqlite"), creating: true, configuration: configuration)
    }

    @Test("an error class not seen in the last hour leaves /metrics; hosts' health series are those in alarm plus the busiest N")
    func staleAndBoundedSeries() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(Date())
        let queue = try Self.queue(in: directory, clock: clock)
        _ = try queue.add(["https://busy.example/1", "https://busy.example/2", "https://quiet.example/1", "https://gone.example/1"])
        let jobs = try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60)
        let outcome = ExtractionOutcome(bodyCharacters: 2000, hasTitle: true, hasPublished: true, hasAuthor: true)
        _ = try queue.complete(jobs.filter { !$0.url.contains("gone") }.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken, extraction: outcome) })
        let gone = try #require(jobs.first { $0.url.contains("gone") })
        try queue.fail(jobID: gone.id, leaseToken: gone.leaseToken, failure: JobFailure(errorClass: "odd-class", message: "x", retryable: true))

        let metrics = QueueMetrics(articleStorePath: nil, thresholds: HealthThresholds(), maxHealthHosts: 1)
        let first = try metrics.exposition(of: queue)
        #expect(first.contains(#"wireroom_job_errors_last_hour{class="odd-class"} 1"#), "\(first)")
        #expect(first.contains(#"wireroom_host_drift_alarm{host="busy.example"}"#))
        #expect(!first.contains(#"host="quiet.example""#), "past the busiest host, no series")

        clock.advance(2 * 3600)
        let later = try metrics.exposition(of: queue)
        #expect(!later.contains("odd-class"), "the class left the last hour: its series is gone")
        #expect(later.contains("wireroom_jobs{"), "the other series are still there")
    }

    @Test("the reader opens the article database once it exists and is migrated, read-only, and keeps that one connection; reading makes no file")
    func reader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("articles.sqlite")
        let reader = ArticleStoreReader(path: path)
        #expect(try reader.store() == nil)
        #expect(!FileManager.default.fileExists(atPath: path), "reading made no file")
        try Data().write(to: URL(fileURLWithPath: path))  // the store worker has made the file, not yet its tables
        #expect(try reader.store() == nil)
        // The store worker is migrating: the articles table exists, its later columns not yet.
        let migrating = try DatabaseQueue(path: path)
        try StoreDatabase.migrator(ArticleStore.registerMigrations).migrate(migrating, upTo: "articles-v4-job-identity")
        #expect(try reader.store() == nil, "a store still migrating is not read")
        try migrating.close()
        let writer = try ArticleStore(path: path)
        let opened = try #require(try reader.store())
        #expect(try opened.summary().articles == 0)
        #expect(try reader.store() === opened, "one connection, kept")
        #expect(throws: (any Error).self) { try opened.reclaimSpace(rewrite: false) }  // a write on the reader is refused
        _ = writer
    }
}
