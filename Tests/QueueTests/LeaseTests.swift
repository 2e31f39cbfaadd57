import Foundation
import Model
import Testing
import TestSupport
@testable import Queue

@Suite("Leases, completion and failure")
struct LeaseTests {
    @Test("a lease hands out a batch atomically and no job twice")
    func leaseBatch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add((0..<30).map { "https://h\($0 % 3).example/\($0)" })
        let first = try queue.lease(stage: .fetch, worker: "a", limit: 20, leaseSeconds: 60)
        let second = try queue.lease(stage: .fetch, worker: "b", limit: 20, leaseSeconds: 60)
        #expect(first.count == 20)
        #expect(second.count == 10)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(try queue.count(.fetch, .leased) == 30)
        #expect(try queue.lease(stage: .fetch, worker: "c", limit: 20, leaseSeconds: 60).isEmpty)
    }

    @Test("stale lease cannot complete: expired and re-leased, the first holder is rejected")
    func staleLeaseRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        _ = try queue.add(["https://example.com/a"])
        let old = try #require(try queue.lease(stage: .fetch, worker: "slow", limit: 1, leaseSeconds: 10).first)
        clock.advance(11)
        let new = try #require(try queue.lease(stage: .fetch, worker: "fast", limit: 1, leaseSeconds: 10).first)
        #expect(new.id == old.id)
        #expect(new.attempt == 1, "an expired lease gives its try back")
        #expect(throws: QueueError.staleLease(jobID: old.id)) {
            try queue.complete(jobID: old.id, leaseToken: old.leaseToken)
        }
        #expect(throws: QueueError.staleLease(jobID: old.id)) {
            try queue.fail(jobID: old.id, leaseToken: old.leaseToken,
                           failure: JobFailure(errorClass: "timeout", message: "late", retryable: true))
        }
        try queue.complete(jobID: new.id, leaseToken: new.leaseToken)
        #expect(try queue.complete([Completion(jobID: new.id, leaseToken: new.leaseToken)]) == [.staleLease])
        #expect(try queue.count(.fetch, .done) == 1)
        #expect(try queue.stats().throughput["fetch"]?.donePerSecond15m ?? 0 > 0)
        let history = try queue.job(id: old.id).errors
        #expect(history.map(\.errorClass) == ["lease-expired"])
    }

    @Test("expired leases return to the queue by themselves; a job that keeps expiring ends dead")
    func expiredLeasesReturn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock) { $0.maxLeaseExpirations = 2 }
        _ = try queue.add(["https://example.com/crashes-the-worker"])
        for _ in 0..<2 {
            #expect(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 5).count == 1)
            clock.advance(6)
        }
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 5).isEmpty)
        let job = try #require(try queue.jobs(matching: JobFilter(state: .dead)).first)
        #expect(job.lastError?.hasPrefix("lease-expired:") == true)
        #expect(try queue.job(id: job.id).errors.count == 2)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("our own trouble uses up no tries: expired leases and robots.txt outages give the try back")
    func uncountedTrouble() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock) { $0.maxAttempts = 2 }
        _ = try queue.add(["https://example.com/good"])
        for _ in 0..<4 {  // a worker in a crash loop: four leases expire
            #expect(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 5).first?.attempt == 1)
            clock.advance(6)
        }
        for _ in 0..<6 {  // robots.txt answers 503 for a while
            let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 5).first)
            #expect(job.attempt == 1)
            try queue.fail(jobID: job.id, leaseToken: job.leaseToken,
                           failure: JobFailure(errorClass: "robots-unavailable", message: "robots.txt answered 503", retryable: true))
            clock.advance(7 * 3600)
        }
        let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 5).first)
        #expect(job.attempt == 1, "still the first counted try")
        try queue.fail(jobID: job.id, leaseToken: job.leaseToken, failure: JobFailure(errorClass: "http-5xx", message: "503", retryable: true))
        #expect(try queue.jobs(matching: JobFilter(state: .retry)).count == 1, "one counted try of two used")
        #expect(try queue.job(id: job.id).errors.count == 11)
    }

    @Test("heartbeat extends a lease; a lost lease is reported")
    func heartbeat() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        _ = try queue.add(["https://example.com/a", "https://example.com/b"])
        let jobs = try queue.lease(stage: .fetch, worker: "w", limit: 2, leaseSeconds: 10)
        clock.advance(8)
        #expect(try queue.extend(jobIDs: jobs.map(\.id), leaseToken: jobs[0].leaseToken, leaseSeconds: 10) == jobs.map(\.id))
        clock.advance(8)
        #expect(try queue.lease(stage: .fetch, worker: "other", limit: 2, leaseSeconds: 10).isEmpty)
        try queue.complete(jobID: jobs[0].id, leaseToken: jobs[0].leaseToken)
        #expect(try queue.extend(jobIDs: jobs.map(\.id), leaseToken: jobs[0].leaseToken, leaseSeconds: 10) == [jobs[1].id])
        #expect(try queue.extend(jobIDs: [jobs[1].id], leaseToken: "wrong", leaseSeconds: 10).isEmpty)
    }

    @Test("a retryable failure backs off, then runs again; past its last try it is dead with its error")
    func retryThenDead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock) {
            $0.maxAttempts = 3
            $0.retryBaseDelay = 10
        }
        _ = try queue.add(["https://example.com/flaky"])
        let failure = JobFailure(errorClass: "http-5xx", message: "HTTP 503 from https://example.com/flaky", retryable: true)
        for attempt in 1...3 {
            let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first,
                                   "attempt \(attempt) should get the job")
            #expect(job.attempt == attempt)
            try queue.fail(jobID: job.id, leaseToken: job.leaseToken, failure: failure)
            if attempt < 3 {
                #expect(try queue.count(.fetch, .retry) == 1)
                #expect(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).isEmpty, "still backing off")
                clock.advance(10 * pow(2, Double(attempt - 1)) + 0.001)
            }
        }
        #expect(try queue.count(.fetch, .dead) == 1)
        let dead = try #require(try queue.jobs(matching: JobFilter(state: .dead)).first)
        #expect(dead.lastError == "http-5xx: HTTP 503 from https://example.com/flaky")
        #expect(try queue.job(id: dead.id).errors.map(\.attempt) == [1, 2, 3])
        let stats = try queue.stats()
        #expect(stats.topErrors.first?.errorClass == "http-5xx")
        #expect(stats.topErrors.first?.count == 3)
        #expect(stats.topHostsByErrors.first == QueueStats.HostCount(host: "example.com", count: 3))

        #expect(try queue.retry(matching: JobFilter(errorClass: "timeout")) == 0)
        #expect(try queue.retry(matching: JobFilter(errorClass: "http-5xx")) == 1)
        let again = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first)
        #expect(again.attempt == 1)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("a final failure goes straight to dead")
    func finalFailure() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add(["https://example.com/gone"])
        let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first)
        try queue.fail(jobID: job.id, leaseToken: job.leaseToken,
                       failure: JobFailure(errorClass: "http-4xx", message: "HTTP 404", retryable: false))
        #expect(try queue.count(.fetch, .dead) == 1)
    }

    @Test("released jobs are ready at once and the try is not counted")
    func release() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add(["https://example.com/a"])
        let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first)
        #expect(try queue.release(jobIDs: [job.id], leaseToken: job.leaseToken) == [job.id])
        let again = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first)
        #expect(again.attempt == 1)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("completing hands off to the next stage in the same transaction, with the payload")
    func handOff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add(["https://example.com/story"])
        let fetch = try #require(try queue.lease(stage: .fetch, worker: "f", limit: 1, leaseSeconds: 30).first)
        let page = Data(String(repeating: "<p>Clean article text.</p>", count: 400).utf8)
        let payload = try Payload(metadata: ["status": "200", "final_url": fetch.url], body: page)
        try queue.complete(jobID: fetch.id, leaseToken: fetch.leaseToken, followOns: [.next(.parse, payload: payload)])

        let parse = try #require(try queue.lease(stage: .parse, worker: "p", limit: 10, leaseSeconds: 30).first)
        #expect(parse.url == "https://example.com/story")
        #expect(parse.payload?.body == page)
        #expect(try parse.payload?.decodeMetadata([String: String].self)["status"] == "200")
        let stored = try queue.stats().payloads
        #expect(stored.count == 1)
        #expect(stored.bytes < page.count / 10, "bodies are stored compressed")

        try queue.complete(jobID: parse.id, leaseToken: parse.leaseToken,
                           followOns: [.next(.store, payload: Payload(metadata: Data("{}".utf8), body: Data("article".utf8)))])
        #expect(try queue.stats().payloads.count == 1, "the parse payload is deleted once parsed; the store payload waits")
        #expect(try queue.job(id: fetch.id).followOnJobIDs == [parse.id])
    }

    @Test("payloads are written as zstd frames; zlib bodies of older databases still read")
    func payloadCompression() throws {
        let page = Data(String(repeating: "<p>Clean article text.</p>", count: 400).utf8)
        let compressed = try PayloadCompression.compress(page)
        #expect(compressed.starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        #expect(try PayloadCompression.decompress(compressed, originalSize: page.count) == page)
        let zlib = Data([120, 156, 115, 206, 73, 77, 204, 83, 72, 44, 42, 201, 76, 206, 73, 85, 40, 73, 173, 40, 209, 81, 40, 46,
                         201, 47, 74, 77, 81, 72, 170, 84, 0, 74, 229, 231, 164, 164, 22, 41, 132, 103, 22, 165, 22, 229, 231, 231,
                         234, 1, 0, 170, 115, 17, 108])  // Python's zlib.compress of the text below
        let text = "Clean article text, stored by an older Wireroom."
        #expect(try PayloadCompression.decompress(zlib, originalSize: text.utf8.count) == Data(text.utf8))
        #expect(throws: CompressionFailure.self) { try PayloadCompression.decompress(compressed, originalSize: page.count + 1) }
        #expect(throws: CompressionFailure.self) { try PayloadCompression.decompress(Data("garbage".utf8), originalSize: 10) }
    }

    @Test("with a retention period, payloads outlive their job until purged")
    func payloadRetention() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(Date())
        let queue = try makeQueue(in: directory, clock: clock) { $0.payloadRetention = 3600 }
        _ = try queue.add(["https://example.com/story"])
        let fetch = try #require(try queue.lease(stage: .fetch, worker: "f", limit: 1, leaseSeconds: 30).first)
        try queue.complete(jobID: fetch.id, leaseToken: fetch.leaseToken,
                           followOns: [.next(.parse, payload: Payload(metadata: Data("{}".utf8), body: Data("x".utf8)))])
        let parse = try #require(try queue.lease(stage: .parse, worker: "p", limit: 1, leaseSeconds: 30).first)
        try queue.complete(jobID: parse.id, leaseToken: parse.leaseToken)
        #expect(try queue.stats().payloads.count == 1)
        clock.advance(7200)
        let report = try queue.purge(before: clock.now.addingTimeInterval(-3600))
        #expect(report == PurgeReport(jobs: 2, payloads: 1, errors: 0, workers: 0))
        #expect(try queue.stats().payloads.count == 0)
        #expect(try queue.add(["https://example.com/story"]) == [.known(url: "https://example.com/story")],
                "purged URLs stay in the seen-set")
    }

    @Test("discovered links go through the seen-set; re-polls are scheduled")
    func discoveredAndScheduled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock)
        _ = try queue.add(["https://example.com/feed.xml", "https://example.com/old"], kind: .feed)
        let feed = try #require(try queue.lease(stage: .fetch, worker: "f", limit: 1, leaseSeconds: 30).first)
        try queue.complete(jobID: feed.id, leaseToken: feed.leaseToken, followOns: [
            .discovered(url: "https://example.com/new?utm_source=rss", kind: .page, priority: 5),
            .discovered(url: "https://example.com/old", kind: .page, priority: 5),
            .discovered(url: "not a url", kind: .page, priority: 5),
            .refetch(at: clock.now.addingTimeInterval(900)),
        ])
        #expect(try queue.count(.fetch, .scheduled) == 1)
        let ready = try queue.lease(stage: .fetch, worker: "f", limit: 10, leaseSeconds: 30)
        #expect(ready.map(\.url) == ["https://example.com/new", "https://example.com/old"], "higher priority first")
        _ = try queue.complete(ready.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken) })
        clock.advance(901)
        #expect(try queue.lease(stage: .fetch, worker: "f", limit: 10, leaseSeconds: 30).map(\.url) == ["https://example.com/feed.xml"])
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("adding: new, known and invalid URLs; --again re-queues a known URL once")
    func adding() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        let outcomes = try queue.add(["https://example.com/a", "HTTPS://EXAMPLE.com/a#x", "gopher://x"])
        guard case .added = outcomes[0] else { Issue.record("first should be added"); return }
        #expect(outcomes[1] == .known(url: "https://example.com/a"))
        #expect(outcomes[2] == .invalid(input: "gopher://x", reason: .unsupportedScheme("gopher")))
        #expect(try queue.add(["https://example.com/a"], reschedule: true) == [.known(url: "https://example.com/a")],
                "a fetch is already pending")
        let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 30).first)
        try queue.complete(jobID: job.id, leaseToken: job.leaseToken)
        guard case .added = try queue.add(["https://example.com/a"], reschedule: true)[0] else {
            Issue.record("a done URL can be re-queued with reschedule")
            return
        }
    }
}

@Suite("Politeness")
struct PolitenessTests {
    @Test("a host gets at most one fetch lease per its delay")
    func delay() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock, hostDelay: 2, concurrency: 4)
        _ = try queue.add(["https://a.example/1", "https://a.example/2", "https://a.example/3", "https://b.example/1"])
        let first = try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60)
        #expect(first.map(\.host).sorted() == ["a.example", "b.example"])
        clock.advance(1)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).isEmpty)
        clock.advance(1)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).map(\.url) == ["https://a.example/2"])
    }

    @Test("per-host concurrency limits leases in flight")
    func concurrency() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory, hostDelay: 0, concurrency: 2)
        _ = try queue.add((0..<5).map { "https://a.example/\($0)" })
        let first = try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60)
        #expect(first.count == 2)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).isEmpty)
        try queue.complete(jobID: first[0].id, leaseToken: first[0].leaseToken)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).count == 1)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("a paused host gives no jobs until resumed")
    func pause() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add(["https://a.example/1", "https://b.example/1"])
        #expect(try queue.setPaused(true, host: "a.example"))
        #expect(try !queue.setPaused(true, host: "a.example"))
        #expect(try queue.stats().pausedHosts == ["a.example"])
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).map(\.host) == ["b.example"])
        #expect(try queue.setPaused(false, host: "a.example"))
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).map(\.host) == ["a.example"])
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("Retry-After holds back the whole host")
    func retryAfter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock, hostDelay: 0, concurrency: 1)
        _ = try queue.add(["https://a.example/1", "https://a.example/2"])
        let job = try #require(try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 60).first)
        try queue.fail(jobID: job.id, leaseToken: job.leaseToken,
                       failure: JobFailure(errorClass: "http-429", message: "HTTP 429", retryable: true, retryAfter: 120))
        clock.advance(60)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).isEmpty)
        clock.advance(61)
        #expect(try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60).count == 1)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }
}

@Suite("Workers")
struct WorkerTests {
    @Test("registered workers are live while they heartbeat or lease, and drop out when silent or gone")
    func liveness() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let queue = try makeQueue(in: directory, clock: clock) { $0.workerLiveness = 60 }
        try queue.registerWorker(id: "fetcher-a", stage: .fetch, hostname: "box1", pid: 101)
        try queue.registerWorker(id: "parser-a", stage: .parse, hostname: "box2", pid: 202)
        #expect(try queue.stats().liveWorkers == ["fetch": 1, "parse": 1, "store": 0])

        clock.advance(45)
        try queue.workerHeartbeat(id: "fetcher-a")
        clock.advance(30)
        _ = try queue.lease(stage: .parse, worker: "parser-a", limit: 1, leaseSeconds: 10)
        #expect(try queue.liveWorkers().map(\.id) == ["fetcher-a", "parser-a"], "a lease counts as a heartbeat")

        clock.advance(50)
        #expect(try queue.liveWorkers().map(\.id) == ["parser-a"], "fetcher-a was silent for 80 s")
        try queue.unregisterWorker(id: "parser-a")
        #expect(try queue.liveWorkers().isEmpty)
        let worker = try queue.stats().workers
        #expect(worker.isEmpty)
    }
}
