import Foundation
import Logging
import Model
import Robots
import Testing
import TestSupport
@testable import Fetcher
@testable import Queue

/// The worker over a real queue file and the hostile server: every URL ends where it should.
@Suite("Fetch worker", .serialized)
struct FetchWorkerTests {
    static func queue(in directory: TemporaryDirectory) throws -> JobQueue {
        try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
    }

    static func worker(_ queue: JobQueue, policy: AddressPolicy = .allowLoopback) -> (FetchWorker, FetchEngine) {
        var fetch = FetchConfiguration()
        fetch.addressPolicy = policy
        fetch.totalTimeout = 3
        fetch.maxBodyBytes = 1 << 20
        let engine = FetchEngine(configuration: fetch)
        // Leases far longer than the work: these tests are not about expiry, and the whole suite
        // running at once on two cores can hold a test up for half a minute.
        var configuration = FetchWorker.Configuration(workerID: "test-fetcher", leaseSeconds: 300)
        configuration.exitWhenIdle = true
        return (FetchWorker(queue: FileQueue(queue), engine: engine, configuration: configuration, logger: Logger(label: "test")), engine)
    }

    func fetchJob(_ queue: JobQueue, _ url: String) throws -> JobSummary? {
        try queue.jobs(matching: JobFilter(stage: .fetch)).first { $0.url == url }
    }

    @Test("pages become parse jobs with their payload; failures are retried or dead with their class")
    func outcomes() async throws {
        let server = try LocalServer.hostile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try Self.queue(in: directory)
        let paths = ["/ok", "/404", "/503", "/429", "/binary", "/pdf-as-html", "/huge", "/redirect-file", "/bad-gzip",
                     "/charset-lie", "/charset-none", "/nul-bytes"]
        _ = try queue.add(paths.map { server.url($0) })
        let (worker, engine) = Self.worker(queue)
        try await worker.run()
        engine.shutdown()

        let expected: [String: (JobState, String?)] = [
            "/ok": (.done, nil), "/binary": (.done, nil), "/pdf-as-html": (.done, nil),
            "/404": (.dead, "http-4xx"), "/503": (.retry, "http-5xx"), "/429": (.retry, "http-4xx"),
            "/huge": (.dead, "too-large"), "/redirect-file": (.dead, "scheme-refused"), "/bad-gzip": (.dead, "decoding"),
            "/charset-lie": (.done, nil), "/charset-none": (.done, nil), "/nul-bytes": (.done, nil),
        ]
        for (path, (expectedState, errorClass)) in expected {
            let job = try #require(try fetchJob(queue, server.url(path)), "\(path)")
            #expect(job.state == expectedState, "\(path): \(job.lastError ?? "")")
            if let errorClass { #expect(job.lastError?.hasPrefix(errorClass + ":") == true, "\(path): \(job.lastError ?? "")") }
        }
        // Only the HTML pages go on to the parser, with their bytes untouched and their metadata;
        // decoding charsets is the parser's work, so the declared label travels with the page.
        let parse = try queue.lease(stage: .parse, worker: "p", limit: 20, leaseSeconds: 30)
        #expect(Set(parse.map(\.url)) == Set(["/ok", "/charset-lie", "/charset-none", "/nul-bytes"].map { server.url($0) }))
        let byPath = Dictionary(uniqueKeysWithValues: parse.map { (String($0.url.dropFirst(server.url("").count)), $0) })
        let page = try #require(try byPath["/ok"]?.payload?.decodeMetadata(FetchedPage.self))
        #expect(page.status == 200 && page.contentType == "text/html" && page.charset == "utf-8")
        let okBody = String(decoding: byPath["/ok"]?.payload?.body ?? Data(), as: UTF8.self)
        #expect(okBody.contains("<html"))
        let lie = try #require(byPath["/charset-lie"]?.payload)
        #expect(try lie.decodeMetadata(FetchedPage.self).charset == "utf-8", "the label as the server sent it")
        #expect(lie.body.contains(0xF0) && String(data: lie.body, encoding: .utf8) == nil, "windows-1251 bytes, not re-encoded")
        #expect(byPath["/nul-bytes"]?.payload?.body.contains(0) == true, "NUL bytes are kept for the parser to handle")
        // 503 with an HTTP-date Retry-After one hour ahead: retried no sooner than that.
        let unavailable = try #require(try fetchJob(queue, server.url("/503")))
        #expect(unavailable.notBefore.timeIntervalSinceNow > 3000, "\(unavailable.notBefore)")
        // 429 with Retry-After: 120 holds back the job (and its host) for two minutes.
        let limited = try #require(try fetchJob(queue, server.url("/429")))
        #expect(limited.notBefore.timeIntervalSinceNow > 100)
        #expect(try queue.liveWorkers().isEmpty, "the worker unregisters when it stops")
    }

    @Test("without --allow-loopback a loopback URL is refused and parked, not fetched")
    func refusedAddress() async throws {
        let server = try LocalServer.hostile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try Self.queue(in: directory)
        _ = try queue.add([server.url("/ok")])
        let (worker, engine) = Self.worker(queue, policy: .publicOnly)
        try await worker.run()
        engine.shutdown()
        let job = try #require(try fetchJob(queue, server.url("/ok")))
        #expect(job.state == .dead)
        #expect(job.lastError?.hasPrefix("private-address-refused:") == true)
    }
}

@Suite("Fetch worker process")
struct FetchWorkerProcessTests {
    @Test("SIGTERM: the worker stops leasing, records the transfers in flight and exits; no lease is left behind")
    func sigtermDrains() throws {
        let server = try LocalServer.hostile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        _ = try queue.add((0..<5).map { server.url("/hang?\($0)") } + (0..<5).map { server.url("/ok?\($0)") })
        let fetcher = try BackgroundProduct("fetcher", ["run", "--db", directory.path("queue.sqlite"), "--allow-loopback", "--timeout", "3",
                                                        "--in-flight", "4"])
        try waitUntil(10, "transfers in flight") { try queue.count(.fetch, .leased) > 0 }
        let exit = fetcher.terminate()
        #expect(exit.status == 0)
        #expect(exit.seconds < 5, "bounded by the transfer timeout")
        #expect(try queue.count(.fetch, .leased) == 0, "every leased job was settled")
        #expect(try queue.count(.fetch, .queued) > 0, "jobs not yet leased stay queued for the next worker")
    }
}

@Suite("Fetch worker and robots.txt", .serialized)
struct FetchWorkerRobotsTests {
    @Test("robots.txt decides per RFC 9309", arguments: [
        ("allow", JobState.done, nil), ("disallow", .dead, "robots-denied"), ("404", .done, nil),
        ("500", .retry, "robots-unavailable"), ("huge", .done, nil), ("hang", .retry, "robots-unavailable"),
    ] as [(String, JobState, String?)])
    func robots(mode: String, expected: JobState, errorClass: String?) async throws {
        let server = try LocalServer.hostile(robots: mode)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        _ = try queue.add([server.url("/ok")])
        let (worker, engine) = FetchWorkerTests.worker(queue)
        try await worker.run()
        engine.shutdown()
        let job = try #require(try queue.jobs(matching: JobFilter(stage: .fetch)).first)
        #expect(job.state == expected, "robots \(mode): \(job.lastError ?? "")")
        if let errorClass { #expect(job.lastError?.hasPrefix(errorClass + ":") == true) }
        let stored = try queue.robots(host: "127.0.0.1:\(server.port)")
        if mode == "500" || mode == "hang" {
            #expect(stored == nil, "a failed robots.txt is not cached for a day")
        } else {
            #expect(stored != nil)
            #expect((stored?.body.count ?? 0) <= RobotsTxt.parseLimit, "read up to 500 KiB")
        }
    }
}

@Suite("Conditional GET and content encoding", .serialized)
struct ConditionalGetTests {
    @Test("a re-fetch sends the stored ETag; 304 is recorded as unchanged and not parsed again")
    func notModified() async throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        let url = "http://127.0.0.1:\(server.port)/story"
        _ = try queue.add([url])
        let (first, firstEngine) = FetchWorkerTests.worker(queue)
        try await first.run()
        firstEngine.shutdown()
        #expect(try queue.count(.parse, .queued) == 1)

        _ = try queue.add([url], reschedule: true)
        let leased = try #require(try queue.lease(stage: .fetch, worker: "probe", limit: 1, leaseSeconds: 30).first)
        #expect(leased.validators == URLValidators(etag: "\"story-v1\"", lastModified: "Sat, 21 Nov 2026 10:00:00 GMT"))
        _ = try queue.release(jobIDs: [leased.id], leaseToken: leased.leaseToken)

        let (second, secondEngine) = FetchWorkerTests.worker(queue)
        try await second.run()
        secondEngine.shutdown()
        #expect(try queue.count(.fetch, .done) == 2)
        #expect(try queue.count(.parse, .queued) == 1, "the 304 created no second parse job")
    }

    @Test("gzip is requested and decoded")
    func gzip() async throws {
        let server = try LocalServer.fixture("site_server.py")
        let engine = FetchEngineTests.engine()
        defer { engine.shutdown() }
        let response = try await engine.fetch(FetchRequest(url: "http://127.0.0.1:\(server.port)/gzip")).get()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("Unchanged story text."))
    }
}

@Suite("WARC output", .serialized)
struct WARCTests {
    @Test("every fetch is archived as a request and a response record, one gzip member each, readable by Python's gzip")
    func records() async throws {
        let server = try LocalServer.hostile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        _ = try queue.add([server.url("/ok"), server.url("/404")])
        var fetch = FetchConfiguration()
        fetch.addressPolicy = .allowLoopback
        fetch.keepRawHeads = true
        let engine = FetchEngine(configuration: fetch)
        let writer = try WARCWriter(directory: directory.path("warc"), maxFileBytes: 1 << 20)
        var configuration = FetchWorker.Configuration(workerID: "warc-test", leaseSeconds: 300)  // as in `worker(_:)`
        configuration.exitWhenIdle = true
        configuration.warc = writer
        try await FetchWorker(queue: FileQueue(queue), engine: engine, configuration: configuration, logger: Logger(label: "test")).run()
        engine.shutdown()

        let files = writer.files()
        #expect(files.count == 1)
        let script = """
            import gzip, sys
            data = gzip.open(sys.argv[1]).read().decode('latin-1')
            records = data.split('WARC/1.1\\r\\n')[1:]
            print(' '.join(r.split('\\r\\n')[0].split(': ')[1] for r in records))
            print('GET /ok' in data, 'HTTP/1.1 200' in data, 'HTTP/1.1 404' in data, 'Normal' in data,
                  data.count('WARC-Payload-Digest: sha1:') == 2)
            """
        let output = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, files[0]]).stdout
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ").sorted() == ["request", "request", "response", "response", "warcinfo"])
        #expect(lines.last == "True True True True True", "request head, status lines, body and digests are archived: \(output)")
    }
}

@Suite("Small fetch decisions")
struct FetchDecisionTests {
    @Test("Retry-After as seconds or as an HTTP date")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RetryAfter.seconds("120", now: now) == 120)
        let later = now.addingTimeInterval(3600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(RetryAfter.seconds(formatter.string(from: later), now: now) == 3600)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("Thu, 01 Jan 1970 00:00:00 GMT", now: now) == 0, "a past date means now")
    }

    @Test("what goes to the parser")
    func parseable() {
        let html = Data("<html>".utf8)
        #expect(ContentKind.isParseable(contentType: "text/html; charset=utf-8", body: html))
        #expect(ContentKind.isParseable(contentType: "application/rss+xml", body: html))
        #expect(ContentKind.isParseable(contentType: nil, body: html))
        #expect(!ContentKind.isParseable(contentType: "image/jpeg", body: html))
        #expect(!ContentKind.isParseable(contentType: "text/html", body: Data("%PDF-1.4".utf8)), "a PDF labelled HTML")
        #expect(ContentKind.charset("text/html; charset=\"Windows-1251\"") == "windows-1251")
    }

    @Test("a garbage status line is a protocol error, final")
    func badStatus() async throws {
        let server = try LocalServer.hostile()
        let engine = FetchEngineTests.engine()
        defer { engine.shutdown() }
        guard case .failure(let failure) = await engine.fetch(FetchRequest(url: server.url("/bad-status"))) else {
            Issue.record("a garbage status line was accepted")
            return
        }
        #expect(failure.errorClass == "protocol", "\(failure)")
        #expect(!failure.retryable)
    }

    @Test("WARC digests are SHA-1 in base32")
    func digests() {
        #expect(WARCWriter.sha1Digest(Data("abc".utf8)) == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5")
        #expect(WARCWriter.sha1Digest(Data()) == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")
    }

    @Test("WARC response heads keep the wire-encoding headers renamed, as Common Crawl does")
    func decodedPayloadHead() {
        var response = FetchResponse(status: 200, finalURL: "http://127.0.0.1/x", headers: [], body: Data("hello".utf8), bodySize: 5,
                                     connectedAddress: "127.0.0.1", seconds: 0.01, httpVersion: "1.1")
        response.rawResponseHead = Data("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: 25\r\n\r\n".utf8)
        let head = String(decoding: WARCWriter.responseHead(response), as: UTF8.self)
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Crawler-Content-Encoding: gzip\r\n"
                + "X-Crawler-Content-Length: 25\r\nContent-Length: 5\r\n\r\n")
    }

    @Test("WARC files rotate past their size limit")
    func rotation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try WARCWriter(directory: directory.path("warc"), maxFileBytes: 600)
        let response = FetchResponse(status: 200, finalURL: "http://127.0.0.1/x", headers: [("Content-Type", "text/html")],
                                     body: Data(String(repeating: "story ", count: 50).utf8), bodySize: 300,
                                     connectedAddress: "127.0.0.1", seconds: 0.01, httpVersion: "1.1")
        for _ in 0..<3 { try await writer.write(response, requestedURL: "http://127.0.0.1/x") }
        #expect(writer.files().count == 3)
        #expect(writer.files().allSatisfy { $0.hasSuffix(".warc.gz") })
    }
}

@Suite("Retry-After", .serialized)
struct RetryAfterTests {
    static func heldUntil(_ queue: JobQueue, host: String) throws -> Date? {
        try queue.read { db in
            try Double.fetchOne(db, sql: "SELECT next_fetch_at FROM hosts WHERE name = ?", arguments: [host]).map(Date.init(timeIntervalSince1970:))
        }
    }

    @Test("honoured on 429 and 503 only, capped at six hours, and held against the host that sent it, not the one that redirected")
    func scopedAndCapped() async throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        let redirector = "127.0.0.1:\(server.port)", sender = "localhost:\(server.port)"
        let huge = "http://localhost:\(server.port)/status/503?retry-after=99999999999"
        let urls = [server.url("/redirect?to=" + huge.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!),
                    server.url("/status/404?retry-after=3600"), server.url("/status/500?retry-after=3600")]
        _ = try queue.add(urls)
        let started = Date()
        let (worker, engine) = FetchWorkerTests.worker(queue)
        try await worker.run()
        engine.shutdown()

        let held = try #require(try Self.heldUntil(queue, host: sender))
        #expect(held.timeIntervalSince(started) > 5 * 3600 && held.timeIntervalSince(started) <= 6 * 3600 + 60, "\(held)")
        #expect(try Self.heldUntil(queue, host: redirector).map { $0.timeIntervalSince(started) < 60 } ?? true,
                "the host that only redirected is not held back")
        let redirected = try #require(try queue.jobs(matching: JobFilter(stage: .fetch)).first { $0.url.contains("/redirect") })
        #expect(redirected.state == .retry && redirected.notBefore.timeIntervalSince(started) <= 6 * 3600 + 60)
        let notFound = try #require(try queue.jobs(matching: JobFilter(stage: .fetch)).first { $0.url == urls[1] })
        #expect(notFound.state == .dead, "a 404 is final, whatever Retry-After says")
        let serverError = try #require(try queue.jobs(matching: JobFilter(stage: .fetch)).first { $0.url == urls[2] })
        #expect(serverError.state == .retry && serverError.notBefore.timeIntervalSince(started) < 600, "a 500's Retry-After is not honoured")
    }

    @Test("the queue holds no job or host back for more than a week, whatever a worker sends")
    func queueCeiling() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try FetchWorkerTests.queue(in: directory)
        _ = try queue.add(["https://a.example/1", "https://b.example/1"])
        let jobs = try queue.lease(stage: .fetch, worker: "w", limit: 2, leaseSeconds: 30)
        for (job, wait) in zip(jobs, [1e308, Double.infinity]) {
            try queue.fail(jobID: job.id, leaseToken: job.leaseToken,
                           failure: JobFailure(errorClass: "http-5xx", message: "x", retryable: true, retryAfter: wait, retryAfterHost: "[a b]"))
        }
        for job in jobs {
            let held = try #require(try Self.heldUntil(queue, host: job.host))
            #expect(held.timeIntervalSinceNow <= JobQueue.maximumRetryAfter + 60)
        }
    }
}
