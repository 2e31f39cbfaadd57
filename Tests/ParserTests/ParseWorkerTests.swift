import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

@Suite("Parse worker", .serialized)
struct ParseWorkerTests {
    /// A queue whose fetch jobs for `pages` have completed, handing each page to the parse stage.
    static func queue(with pages: [String: Data], kind: URLKind = .auto, in directory: TemporaryDirectory) throws -> JobQueue {
        let queue = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        _ = try queue.add(pages.keys.map { URLRequestSpec(url: $0, kind: kind) })
        for job in try queue.lease(stage: .fetch, worker: "f", limit: pages.count, leaseSeconds: 30) {
            let page = FetchedPage(status: 200, finalURL: job.url, contentType: "text/html", charset: nil, headers: [:],
                                   fetchedAt: Date(timeIntervalSince1970: 1_750_000_000))
            try queue.complete(jobID: job.id, leaseToken: job.leaseToken,
                               followOns: [.next(.parse, payload: Payload(metadata: page, body: pages[job.url] ?? Data()))])
        }
        return queue
    }

    /// Runs a parse worker until no parse job is ready.
    static func drain(_ queue: JobQueue, batchSize: Int = 16) async throws {
        var configuration = ParseWorker.Configuration(workerID: "test-parser")
        configuration.exitWhenIdle = true
        configuration.batchSize = batchSize
        try await ParseWorker(queue: FileQueue(queue), configuration: configuration, logger: Logger(label: "test")).run()
    }

    @Test("articles become store jobs; pages without article text complete; unparseable pages are parked as dead")
    func outcomes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pages = [
            "https://news.example/2024/05/06/harbour": page(head: "<title>Harbour plan | City Post</title>", body: "<article>\(story())</article>"),
            "https://news.example/": page(body: "<nav><a href=\"/a\">Home</a></nav>"),
            "https://news.example/empty": Data(),
        ]
        let queue = try Self.queue(with: pages, in: directory)
        try await ParseWorkerTests.drain(queue)

        let parse = try queue.jobs(matching: JobFilter(stage: .parse))
        #expect(parse.first { $0.url.hasSuffix("/harbour") }?.state == .done)
        #expect(parse.first { $0.url == "https://news.example/" }?.state == .done)
        let empty = try #require(parse.first { $0.url.hasSuffix("/empty") })
        #expect(empty.state == .dead && empty.lastError?.hasPrefix("unparseable:") == true, "\(empty.lastError ?? "")")

        let store = try queue.lease(stage: .store, worker: "s", limit: 10, leaseSeconds: 30)
        #expect(store.map(\.url) == ["https://news.example/2024/05/06/harbour"])
        let payload = try #require(store.first?.payload)
        let article = try JSONDecoder().decode(Article.self, from: payload.body)
        #expect(article.title == "Harbour plan")
        #expect(article.published == "2024-05-06")
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"))
        #expect(try payload.decodeMetadata(ParsedPage.self).fetchedAt == Date(timeIntervalSince1970: 1_750_000_000))
        #expect(try queue.liveWorkers().isEmpty, "the worker unregisters when it stops")
    }

    @Test("one completion the queue refuses is parked as dead; the rest of the batch completes")
    func refusedCompletion() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = page(head: "<title>Harbour plan</title>", body: "<article>\(story())</article>")
        let queue = try Self.queue(with: ["https://news.example/2024/05/06/a": good, "https://poison.example/2024/05/06/b": good,
                                          "https://news.example/2024/05/06/c": good], in: directory)
        let trigger = """
            CREATE TRIGGER poison BEFORE INSERT ON jobs WHEN NEW.stage = 'store'
                AND NEW.url_id IN (SELECT id FROM urls WHERE url LIKE '%poison%') BEGIN SELECT RAISE(ABORT, 'refused on purpose'); END
            """
        let injected = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                                      ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
                                       directory.path("queue.sqlite"), trigger])
        #expect(injected.status == 0, "\(injected.stderr)")
        try await ParseWorkerTests.drain(queue)
        let parse = try queue.jobs(matching: JobFilter(stage: .parse))
        #expect(parse.filter { $0.state == .done }.count == 2)
        let dead = try #require(parse.first { $0.url.contains("poison") })
        #expect(dead.state == .dead && dead.lastError?.hasPrefix("completion-refused:") == true, "\(dead.lastError ?? "")")
        #expect(try queue.count(.store, .queued) == 2)
    }

    @Test("a feed whose links hold hostile bracketed hosts: the good links are followed, the rest refused, the worker goes on")
    func feedWithHostileLinks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
            <item><link>http://[fe80::1%25eth0]/a</link></item><item><link>http://[a b]/b</link></item>
            <item><link>http://[%41]/c</link></item><item><link>https://news.example/good</link></item></channel></rss>
            """
        let queue = try Self.queue(with: ["https://news.example/feed.xml": Data(feed.utf8)], kind: .feed, in: directory)
        try await ParseWorkerTests.drain(queue)
        #expect(try queue.jobs(matching: JobFilter(stage: .parse)).map(\.state) == [.done])
        #expect(try queue.jobs(matching: JobFilter(stage: .fetch, state: .queued)).map(\.url) == ["https://news.example/good"])
    }
}


@Suite("parser extract")
struct ExtractCommandTests {
    @Test("one JSON line per file, with an error line for a file that cannot be processed; exit 1 then")
    func lines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try page(head: "<title>Harbour plan</title>", body: "<article>\(story())</article>").write(to: URL(fileURLWithPath: directory.path("a.html")))
        try Data().write(to: URL(fileURLWithPath: directory.path("b.html")))
        let run = try runProduct("parser", ["extract", directory.path("")])
        #expect(run.status == 1)
        let lines = try run.output.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] ?? [:] }
        #expect(lines.count == 2)
        #expect((lines[0]["file"] as? String)?.hasSuffix("a.html") == true)
        #expect(lines[0]["title"] as? String == "Harbour plan")
        #expect(lines[0]["text"] as? String == storyParagraphs.joined(separator: "\n\n"))
        #expect((lines[1]["error"] as? String)?.contains("the page is empty") == true, "\(lines[1])")

        let missing = try runProduct("parser", ["extract", directory.path("nope.html")])
        #expect(missing.status != 0 && missing.stderr.contains("no such file or directory: \(directory.path("nope.html"))"))
    }
}

@Suite("Boilerplate learnt across a host's pages", .serialized)
struct CrossPageBoilerplateTests {
    @Test("a block that recurs on the host's pages is dropped from later pages, and only on that host")
    func learnt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pitch = "Liked this story? The weekly digest brings the best of the week to you."
        func article(_ number: Int) -> Data {
            page(body: "<article><p>Story \(number): \(storyParagraphs[number % 3])</p><p>\(pitch)</p><p>\(storyParagraphs[(number + 1) % 3])</p></article>")
        }
        var pages: [String: Data] = [:]
        for number in 1...8 { pages["https://daily.example/story-\(number)"] = article(number) }
        pages["https://other.example/story"] = article(9)
        let queue = try ParseWorkerTests.queue(with: pages, in: directory)
        try await ParseWorkerTests.drain(queue, batchSize: 1)  // one page at a time, so each learns from the ones before

        let store = try queue.lease(stage: .store, worker: "s", limit: 20, leaseSeconds: 30)
        let articles = try store.map { try JSONDecoder().decode(Article.self, from: $0.payload?.body ?? Data()) }
        let daily = articles.filter { $0.url?.contains("daily.example") == true }
        #expect(daily.count == 8)
        let withPitch = daily.filter { $0.text.contains(pitch) }.count
        #expect(withPitch == 3, "kept until seen on three pages, dropped after: \(withPitch)")
        #expect(daily.allSatisfy { $0.text.contains("Story ") }, "the stories themselves stay")
        #expect(articles.first { $0.url?.contains("other.example") == true }?.text.contains(pitch) == true, "another host learns on its own")
    }

    @Test("a paragraph shared by two pages of a big host (a syndicated story) is not boilerplate")
    func share() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try JobQueue.open(at: directory.path("queue.sqlite"), creating: true)
        let pages = (0..<40).map { number in HostBlocks(host: "big.example", fingerprints: Set<Int64>([Int64(number + 1000), 999] + (number < 3 ? [7] : []))) }
        try queue.recordBlocks(pages)
        let known = try queue.boilerplate(hosts: ["big.example"])
        #expect(known == ["big.example": [999]], "on every page: yes; on 3 of 40: no — \(known)")
        #expect(try queue.boilerplate(hosts: ["unknown.example"]).isEmpty)
    }
}

@Suite("Parse worker process")
struct ParseWorkerProcessTests {
    @Test("SIGTERM: the parser finishes the batch in hand, records it and exits; the rest stays queued")
    func sigterm() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var pages: [String: Data] = [:]
        for number in 0..<1500 {  // every page its own text, so no block becomes the host's boilerplate
            pages["https://news.example/story-\(number)"] = page(body: "<article>\(story(storyParagraphs.map { "Report \(number): \($0)" }))</article>")
        }
        let queue = try ParseWorkerTests.queue(with: pages, in: directory)
        let parser = try BackgroundProduct("parser", ["run", "--db", directory.path("queue.sqlite"), "--batch", "4"])
        try waitUntil(20, "the first parsed batch", every: 0.01) { try queue.count(.parse, .done) > 0 }
        let exit = parser.terminate()
        #expect(exit.status == 0)
        #expect(exit.seconds < 5)
        #expect(try queue.count(.parse, .leased) == 0, "no lease is left behind")
        #expect(try queue.count(.parse, .queued) > 0, "what was not leased stays queued for the next parser")
        #expect(try queue.count(.store, .queued) == queue.count(.parse, .done), "every finished page handed on")
    }
}
