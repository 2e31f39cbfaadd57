import Foundation
import Model
import Testing
import TestSupport
@testable import Queue

@Suite("Extraction health")
struct ExtractionHealthTests {
    static let good = ExtractionOutcome(bodyCharacters: 2400, hasTitle: true, hasPublished: true, hasAuthor: true)
    static let empty = ExtractionOutcome(bodyCharacters: 0, hasTitle: true, hasPublished: false, hasAuthor: false)

    /// Parses `outcomes` as pages of `host`, in order, one completion each.
    static func parse(_ outcomes: [ExtractionOutcome], host: String, queue: JobQueue) throws {
        let urls = outcomes.indices.map { "https://\(host)/story/\($0)-\(UUID().uuidString)" }
        _ = try queue.add(urls)
        while true {
            let fetched = try queue.lease(stage: .fetch, worker: "f", limit: 100, leaseSeconds: 60)
            if fetched.isEmpty { break }
            let payload = try Payload(metadata: FetchedPage(status: 200, finalURL: "x", contentType: "text/html", charset: nil, headers: [:],
                                                            fetchedAt: Date()), body: Data("<p>page</p>".utf8))
            _ = try queue.complete(fetched.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken, followOns: [.next(.parse, payload: payload)]) })
        }
        let parsed = try queue.lease(stage: .parse, worker: "p", limit: 1000, leaseSeconds: 60).sorted { $0.id < $1.id }
        #expect(parsed.count == outcomes.count)
        for (job, outcome) in zip(parsed, outcomes) {
            #expect(try queue.complete([Completion(jobID: job.id, leaseToken: job.leaseToken, extraction: outcome)]) == [.accepted])
        }
    }

    @Test("figures per host over 24 hours and 7 days; the alarm when a host's latest pages turn empty, for that host only; a week later it is forgotten")
    func driftAlarm() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        // Three days ago both hosts were fine (one page in fifty an empty one).
        let usual = Array(repeating: Self.good, count: 49) + [Self.empty]
        try Self.parse(usual + usual, host: "redesigned.example", queue: queue)
        try Self.parse(usual + usual, host: "steady.example", queue: queue)
        clock.advance(3 * 86_400)
        // Today one of them is redesigned: its articles come out empty.
        try Self.parse(Array(repeating: Self.good, count: 10) + Array(repeating: Self.empty, count: 50), host: "redesigned.example", queue: queue)
        try Self.parse(usual, host: "steady.example", queue: queue)

        let health = try queue.extractionHealth()
        #expect(health.map(\.host) == ["redesigned.example", "steady.example"], "the host in alarm first")
        let redesigned = health[0], steady = health[1]
        #expect(redesigned.inAlarm && !steady.inAlarm)
        #expect(redesigned.alarm.contains("short or empty body 2% → 100%"), "\(redesigned.alarm)")
        #expect(redesigned.alarm.contains { $0.hasPrefix("median body 2400 → 0") }, "\(redesigned.alarm)")
        #expect(redesigned.last24Hours.pages == 60 && redesigned.last24Hours.shortBody == 50.0 / 60 && redesigned.last24Hours.missingAuthor == 50.0 / 60)
        #expect(redesigned.last7Days.pages == 160 && redesigned.last7Days.medianBodyCharacters == 2400, "the median of the bodies there are")
        #expect(redesigned.recent.pages == 50 && redesigned.history.pages == 110)
        #expect(steady.last24Hours == ExtractionFigures.of(pages: 50, short: 0.02, median: 2400))
        #expect(try queue.extractionHealth(host: "steady.example").map(\.host) == ["steady.example"])
        #expect(try queue.extractionHealth(host: "nowhere.example").isEmpty)

        // Thresholds are the caller's: asking for more recent pages than a day holds compares nothing;
        // a rise of 99 points is not reached by the shares (98), the fall of the median still alarms.
        var patient = HealthThresholds()
        patient.recentPages = 70
        #expect(try queue.extractionHealth(thresholds: patient).allSatisfy { !$0.inAlarm })
        var lenient = HealthThresholds()
        lenient.rise = 0.99
        #expect(try queue.extractionHealth(host: "redesigned.example", thresholds: lenient).first?.alarm.count == 1)

        // Eight days on, the outcomes are gone once the next page is recorded.
        clock.advance(8 * 86_400)
        try Self.parse([Self.good], host: "steady.example", queue: queue)
        let later = try queue.extractionHealth()
        #expect(later.map(\.host) == ["steady.example"] && later[0].last7Days.pages == 1)
    }

    @Test("thresholds out of range are refused with the threshold named")
    func thresholds() {
        var thresholds = HealthThresholds()
        thresholds.rise = 0
        #expect(throws: QueueError.self) { try thresholds.validate() }
        thresholds = HealthThresholds()
        thresholds.lengthRatio = 1.5
        #expect(throws: QueueError.self) { try thresholds.validate() }
    }
}

extension ExtractionFigures {
    static func of(pages: Int, short: Double, median: Int) -> ExtractionFigures {
        var figures = ExtractionFigures()
        figures.pages = pages
        figures.shortBody = short
        figures.missingPublished = short
        figures.missingAuthor = short
        figures.medianBodyCharacters = median
        return figures
    }
}
