import Fetcher
import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

/// A feed on a real server that answers 304 keeps being read, by real fetch and parse workers.
@Suite("Feed polling against a server that answers 304", .serialized)
struct FeedPollingTests {
    static func hits(_ server: LocalServer) throws -> (count: Int, lastHeaders: [String: String]) {
        let object = try #require(try JSONSerialization.jsonObject(with: try server.get("/hits")) as? [String: Any])
        let count = (object["hits"] as? [String: Int])?["/feed.xml"] ?? 0
        let headers = (object["headers"] as? [String: [String: String]])?["/feed.xml"] ?? [:]
        return (count, headers)
    }

    /// One round: the due fetch jobs fetched, their pages parsed.
    static func round(_ queue: JobQueue) async throws {
        var fetch = FetchConfiguration()
        fetch.addressPolicy = .allowLoopback
        let engine = FetchEngine(configuration: fetch)
        var configuration = FetchWorker.Configuration(workerID: "poll-fetcher", leaseSeconds: 300)
        configuration.exitWhenIdle = true
        try await FetchWorker(queue: FileQueue(queue), engine: engine, configuration: configuration, logger: Logger(label: "test")).run()
        engine.shutdown()
        var parse = ParseWorker.Configuration(workerID: "poll-parser")
        parse.exitWhenIdle = true
        parse.feedPollInterval = 1
        try await ParseWorker(queue: FileQueue(queue), configuration: parse, logger: Logger(label: "test")).run()
    }

    /// Waits for the feed's scheduled reading to come due; fails if there is none. Returns the
    /// interval it was scheduled with (from when it was scheduled to when it is due).
    static func waitForNextReading(_ queue: JobQueue) throws -> TimeInterval {
        // Scheduled, or already due and queued when the round took longer than the interval.
        let pending = try [JobState.scheduled, .queued].flatMap { try queue.jobs(matching: JobFilter(stage: .fetch, state: $0)) }
        let next = try #require(pending.first { $0.url.hasSuffix("/feed.xml") }, "the feed has no next reading")
        Thread.sleep(forTimeInterval: max(0, next.notBefore.timeIntervalSinceNow) + 0.05)
        return next.notBefore.timeIntervalSince(next.createdAt)
    }

    /// The interval each reading of the feed was scheduled with, in the order of the readings
    /// (the first job, added by hand, has none).
    static func scheduledIntervals(_ queue: JobQueue) throws -> [TimeInterval] {
        try queue.jobs(matching: JobFilter(stage: .fetch), limit: 1000).filter { $0.url.hasSuffix("/feed.xml") }
            .sorted { $0.id < $1.id }.dropFirst().map { $0.notBefore.timeIntervalSince($0.createdAt).rounded() }
    }

    @Test("read, 304s, changed: every answer schedules the next reading, doubling while unchanged, at the base after a change")
    func keepsPolling() async throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        _ = try queue.add([URLRequestSpec(url: server.url("/feed.xml"), kind: .feed)])

        try await Self.round(queue)  // 200: read, its three articles queued and fetched
        // Readings go on while the feed answers 304 (a slow round may take in more than one).
        for _ in 0..<10 where try Self.hits(server).count < 3 {
            _ = try Self.waitForNextReading(queue)
            try await Self.round(queue)
        }
        #expect(try Self.hits(server).count >= 3)
        #expect(try Self.hits(server).lastHeaders["If-None-Match"] == "\"feed-v1\"")
        let unchanged = try Self.scheduledIntervals(queue)
        // The first reading's time is set when the page is parsed and its job created when the
        // batch is recorded, so under load its measured interval comes out below the 1 s set
        // (even below 0 when recording took over a second).
        #expect(unchanged.count >= 3, "\(unchanged)")
        #expect(unchanged.first.map { $0 <= 1 } == true && unchanged.dropFirst().first == 2, "\(unchanged)")
        #expect(zip(unchanged.dropFirst(), unchanged.dropFirst(2)).allSatisfy { $1 == min($0 * 2, 86_400) }, "the wait doubles while unchanged: \(unchanged)")

        _ = try server.get("/bump-feed")
        _ = try Self.waitForNextReading(queue)
        try await Self.round(queue)  // 200 with a new article
        #expect(try queue.jobs(matching: JobFilter(stage: .fetch)).contains { $0.url.hasSuffix("/article/4") }, "the new article is found")
        let afterChange = try Self.scheduledIntervals(queue)
        #expect(afterChange.dropFirst(unchanged.count).first.map { $0 <= 1 } == true, "back to the base interval after a change: \(afterChange)")
    }
}
