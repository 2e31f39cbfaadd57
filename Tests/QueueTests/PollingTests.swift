import Foundation
import GRDB
import Model
import Testing
import TestSupport
@testable import Queue

/// Polled URLs (feeds, `--discover` sources) stay polled when they answer 304.
@Suite("Polling unchanged feeds")
struct PollingTests {
    /// Fetches the feed (answered `fetchFollowOns`), then parses it if a parse job came of it,
    /// scheduling the next reading `interval` ahead as the parser does.
    static func read(_ queue: JobQueue, clock: ManualClock, fetchFollowOns: [FollowOn], interval: TimeInterval) throws {
        let fetch = try #require(try queue.lease(stage: .fetch, worker: "f", limit: 1, leaseSeconds: 30).first)
        try queue.complete(jobID: fetch.id, leaseToken: fetch.leaseToken, followOns: fetchFollowOns)
        if let parse = try queue.lease(stage: .parse, worker: "p", limit: 1, leaseSeconds: 30).first {
            try queue.complete(jobID: parse.id, leaseToken: parse.leaseToken, followOns: [.refetch(at: clock.now.addingTimeInterval(interval))])
        }
    }

    /// When the feed's next reading is due, seconds from now; nil when none is scheduled.
    static func nextReading(_ queue: JobQueue, clock: ManualClock) throws -> TimeInterval? {
        try queue.jobs(matching: JobFilter(stage: .fetch, state: .scheduled)).first.map { $0.notBefore.timeIntervalSince(clock.now) }
    }

    @Test("a 304 schedules the next reading; each unchanged answer doubles the wait up to a day; a change brings the base back")
    func backoff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        _ = try queue.add([URLRequestSpec(url: "https://news.example/feed.xml", kind: .feed)])
        let page = Payload(metadata: Data("{}".utf8), body: Data("<rss/>".utf8))
        try Self.read(queue, clock: clock, fetchFollowOns: [.next(.parse, payload: page)], interval: 900)
        #expect(try Self.nextReading(queue, clock: clock) == 900)

        var waits: [TimeInterval] = []
        for _ in 0..<9 {
            clock.advance(try #require(try Self.nextReading(queue, clock: clock)))
            try Self.read(queue, clock: clock, fetchFollowOns: [.unchanged], interval: 900)
            waits.append(try #require(try Self.nextReading(queue, clock: clock), "no next reading after a 304"))
        }
        #expect(waits == [1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400, 86_400])

        clock.advance(86_400)
        try Self.read(queue, clock: clock, fetchFollowOns: [.next(.parse, payload: page)], interval: 900)
        #expect(try Self.nextReading(queue, clock: clock) == 900, "a changed feed is read at its base interval again")
        clock.advance(900)
        try Self.read(queue, clock: clock, fetchFollowOns: [.unchanged], interval: 900)
        #expect(try Self.nextReading(queue, clock: clock) == 1800)
    }

    @Test("a page fetched again by hand that answers 304 is not polled")
    func pagesAreNotPolled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        _ = try queue.add(["https://news.example/story"])
        try Self.read(queue, clock: clock, fetchFollowOns: [.unchanged], interval: 900)
        #expect(try Self.nextReading(queue, clock: clock) == nil)
        #expect(try queue.count(.fetch, .done) == 1)
    }
}
