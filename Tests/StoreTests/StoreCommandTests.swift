import Dispatch
import Foundation
import Model
import Queue
import Synchronization
import Testing
import TestSupport
@testable import Store

@Suite("store commands", .serialized)
struct StoreCommandTests {
    @Test("store dedup: one line per input in order, ids as given, copies pointing at the first-seen member")
    func dedupContract() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = [
            ["id": "a", "title": "Council closes bridge", "text": Stories.original],
            ["id": 2, "title": "Other", "text": Stories.sameNamesOtherStory, "url": "https://b.example/", "language": "en"],
            ["id": "c", "title": "Bridge shut", "text": Stories.withChrome],
            ["id": 4, "title": "Edited", "text": Stories.edited],
        ] as [[String: Any]]
        let input = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        try input.write(toFile: directory.path("in.jsonl"), atomically: true, encoding: .utf8)
        let run = try runProduct("store", ["dedup", directory.path("in.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n") == [
            #"{"id":"a","cluster":"a","duplicate_of":null}"#,
            #"{"id":2,"cluster":2,"duplicate_of":null}"#,
            #"{"id":"c","cluster":"a","duplicate_of":"a"}"#,
            #"{"id":4,"cluster":"a","duplicate_of":"a"}"#,
        ])
    }

    @Test("store dedup: a copy published within --window-days of its story is found, a later one is not; a kept --index goes on numbering")
    func dedupWindow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func run(_ lines: [[String: Any]], _ arguments: [String] = []) throws -> [Substring] {
            let input = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
            let run = try runProduct("store", ["dedup", "-", "--index", directory.path("index.sqlite")] + arguments, stdin: Data(input.utf8))
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.split(separator: "\n")
        }
        #expect(try run([
            ["id": "a", "text": Stories.original, "published": "2025-03-01"],
            ["id": "b", "text": Stories.sameNamesOtherStory, "published": "2025-03-02T10:00:00Z"],
        ]) == [#"{"id":"a","cluster":"a","duplicate_of":null}"#, #"{"id":"b","cluster":"b","duplicate_of":null}"#])
        // A second run on the same index: 9 days later a copy of "a" is found; at day 41, "b" has left the window.
        #expect(try run([
            ["id": "c", "text": Stories.trimmed, "published": "2025-03-10"],
            ["id": "d", "text": Stories.shortStoryA, "published": "2025-04-11"],
        ], ["--window-days", "30"]) == [#"{"id":"c","cluster":"a","duplicate_of":"a"}"#, #"{"id":"d","cluster":"d","duplicate_of":null}"#])
        #expect(try run([["id": "e", "text": Stories.sameNamesOtherStory, "published": "2025-04-11"]]) == [#"{"id":"e","cluster":"e","duplicate_of":null}"#])
        let bad = try runProduct("store", ["dedup", "-"], stdin: Data(#"{"id": 1, "text": "x", "published": "last week"}"#.utf8))
        #expect(bad.status == 1 && bad.stdout.contains(#"\"published\" is not an ISO 8601 date or time"#), "\(bad.stdout)")
        let zero = try runProduct("store", ["dedup", "-", "--window-days", "0"], stdin: Data())
        #expect(zero.status != 0 && zero.stderr.contains("--window-days must be more than 0"))
    }

    @Test("store compact: stories stored longer ago than the window leave the dedup index and stay stored; store run compacts on its own")
    func compact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let old = article(Stories.original, title: "Bridge", url: "https://a.example/bridge", published: "2025-01-05")
        let new = article(Stories.sameNamesOtherStory, title: "Ferry", url: "https://b.example/ferry", published: "2025-03-01")
        _ = try Self.queue(with: [old, new], at: directory.path("queue.sqlite"))
        let store = ["--store-db", directory.path("articles.sqlite")]
        let run = try runProduct("store", ["run", "--db", directory.path("queue.sqlite"), "--exit-when-idle"] + store)
        #expect(run.status == 0, "\(run.stderr)")
        // The window counts from when stories were stored: both came in just now, whatever their
        // publication dates, so the worker's compaction after its first batch kept both.
        let articles = try ArticleStore(path: directory.path("articles.sqlite"))
        #expect(try articles.indexSize().documents == 2)
        // One more story, stored 40 days ago.
        let dedup = try DedupIndex()
        _ = try articles.store([incoming(article(Stories.shortStoryA, title: "Market", url: "https://c.example/market"), job: 99)],
                               dedup: dedup, now: Date().addingTimeInterval(-40 * 86_400))
        #expect(try articles.indexSize().documents == 3)

        let again = try runProduct("store", ["compact", "--window-days", "30"] + store)
        #expect(again.status == 0 && again.stdout.contains("removed 1 stories"), "\(again.stdout)\(again.stderr)")
        #expect(try articles.search("market", limit: 5).map(\.title).contains("Market"), "a story out of the window stays stored")
        let wide = try runProduct("store", ["compact", "--window-days", "0.5", "--vacuum"] + store)
        #expect(wide.status == 0 && wide.stdout.contains("the index holds 2 stories"), "\(wide.stdout)\(wide.stderr)")
        let missing = try runProduct("store", ["compact", "--store-db", directory.path("none.sqlite")])
        #expect(missing.status != 0 && missing.stderr.contains("no article database"))
    }

    @Test("store dedup: a bad line gets an error line naming it, the run goes on and exits 1")
    func dedupBadLines() throws {
        let input = """
            {"id": 1, "text": "\(Stories.shortStoryA)"}
            not json at all
            {"id": 3, "title": "no text"}
            {"id": [1], "text": "an id that is a list"}

            {"id": 5, "text": "\(Stories.shortStoryA)"}
            """
        let run = try runProduct("store", ["dedup", "-"], stdin: Data(input.utf8))
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(lines)")
        #expect(lines[0] == #"{"id":1,"cluster":1,"duplicate_of":null}"#)
        #expect(lines[1].hasPrefix(#"{"line":2,"error":"line 2: not JSON"#))
        #expect(lines[2] == #"{"line":3,"error":"line 3: missing \"text\""}"#)
        #expect(lines[3].hasPrefix(#"{"line":4,"error":"line 4: "#) && lines[3].contains("string or a number"))
        #expect(lines[4] == #"{"id":5,"cluster":1,"duplicate_of":1}"#)
        #expect(run.stderr.contains("3 line(s) could not be read"))
        let missing = try runProduct("store", ["dedup", "/nonexistent/input.jsonl"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/input.jsonl"))
    }

    /// A queue holding one store job per article, as the parse stage leaves them.
    static func queue(with articles: [Article], at path: String) throws -> JobQueue {
        let queue = try JobQueue.openWithoutPoliteness(at: path)
        _ = try queue.add(articles.compactMap(\.url))
        let byURL = Dictionary(uniqueKeysWithValues: articles.map { ($0.url ?? "", $0) })
        for job in try queue.lease(stage: .fetch, worker: "f", limit: articles.count, leaseSeconds: 60) {
            let body = try byURL[job.url].map { try JSONEncoder().encode($0) } ?? Data("not an article".utf8)
            let payload = try Payload(metadata: ParsedPage(finalURL: job.url, fetchedAt: Date(timeIntervalSince1970: 1_760_000_000)), body: body)
            try queue.complete(jobID: job.id, leaseToken: job.leaseToken, followOns: [.next(.store, payload: payload)])
        }
        return queue
    }

    @Test("two store workers racing over copies of the same stories make one cluster and one canonical article per story, and one event of its reports in three languages")
    func racingWorkers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var articles: [Article] = []
        for copy in 0..<30 {
            let bridge = [Stories.original, Stories.trimmed, Stories.withChrome, Stories.edited][copy % 4]
            articles.append(article(bridge, title: "Bridge \(copy)", url: "https://outlet\(copy).example/bridge"))
            articles.append(article(Stories.sameNamesOtherStory, title: "Ferry \(copy)", url: "https://outlet\(copy).example/ferry"))
        }
        let reports = [(EventStories.accidentDE, "de"), (EventStories.accidentEN, "en"), (EventStories.accidentFR, "fr")]
        for (offset, (text, language)) in reports.enumerated() {
            articles.insert(article(text, title: "Nordlicht \(language)", url: "https://\(language).example/nordlicht", published: "2025-11-04T21:00:00Z",
                                    language: language), at: offset * 20)
        }
        let queue = try Self.queue(with: articles, at: directory.path("queue.sqlite"))
        let arguments = ["run", "--db", directory.path("queue.sqlite"), "--store-db", directory.path("articles.sqlite"),
                         "--batch", "4", "--exit-when-idle"]
        let runs = Mutex<[ProcessRun]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let run = try? runProduct("store", arguments + ["--worker-id", "store-\(worker)"])
            runs.withLock { $0.append(contentsOf: run.map { [$0] } ?? []) }
        }
        for run in runs.withLock({ $0 }) { #expect(run.status == 0, "\(run.stderr)") }
        #expect(try queue.count(.store, .done) == 63)

        let store = try ArticleStore(path: directory.path("articles.sqlite"))
        let summary = try store.summary()
        #expect(summary.articles == 63 && summary.clusters == 5 && summary.duplicates == 58)
        var canonical: [String?] = []
        var events: [String: Int64] = [:]
        try store.export(since: nil, includeDuplicates: false) { article in
            canonical.append(article.title)
            if article.url.hasSuffix("/nordlicht") { events[article.url] = article.event }
        }
        #expect(canonical.count == 5, "\(canonical)")
        #expect(events.count == 3 && Set(events.values).count == 1, "the three reports are one event: \(events)")
    }

    @Test("one article the article database refuses is parked as dead; the rest of its batch is stored and the worker goes on")
    func poisonArticle() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = [
            article(Stories.original, title: "Bridge", url: "https://a.example/bridge"),
            article(Stories.sameNamesOtherStory, title: "Poison", url: "https://poison.example/ferry"),
            article(Stories.shortStoryA, title: "Other", url: "https://c.example/other"),
        ]
        let queue = try Self.queue(with: articles, at: directory.path("queue.sqlite"))
        let storePath = directory.path("articles.sqlite")
        // A fault injected into the article database: it refuses one URL's article.
        _ = try ArticleStore(path: storePath)
        let trigger = "CREATE TRIGGER poison BEFORE INSERT ON articles WHEN NEW.url LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'refused on purpose'); END"
        let injected = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                                      ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", storePath, trigger])
        #expect(injected.status == 0, "\(injected.stderr)")
        let run = try runProduct("store", ["run", "--db", directory.path("queue.sqlite"), "--store-db", storePath, "--exit-when-idle"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try queue.count(.store, .done) == 2)
        let dead = try #require(try queue.jobs(matching: JobFilter(stage: .store, state: .dead)).first)
        #expect(dead.url.contains("poison") && dead.lastError?.hasPrefix("store-error:") == true, "\(dead.lastError ?? "")")
        #expect(try ArticleStore(path: storePath).summary().articles == 2)
    }

    @Test("store search prints control characters of stored text escaped, never raw")
    func searchEscapesControls() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ArticleStore(path: directory.path("articles.sqlite"))
        try store.store([incoming(article("Harbour \u{1B}[2J\u{1B}]0;owned\u{07} corrosion " + Stories.original, title: "Evil\u{1B}[31m title",
                                          url: "https://a.example/x"), job: 1)], dedup: try DedupIndex())
        let search = try runProduct("store", ["search", "corrosion", "--store-db", directory.path("articles.sqlite")])
        #expect(search.status == 0 && !search.stdout.unicodeScalars.contains("\u{1B}") && !search.stdout.unicodeScalars.contains("\u{07}"))
        #expect(search.stdout.contains("Evil\\u{1b}[31m title"), "\(search.stdout)")
    }

    @Test("store run parks a job whose article is unreadable as dead, with the reason, and stores the rest")
    func badPayload() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try Self.queue(with: [article(Stories.original, title: "Bridge", url: "https://a.example/bridge")], at: directory.path("queue.sqlite"))
        // A second URL whose store job carries no article JSON.
        _ = try queue.add(["https://b.example/broken"])
        for job in try queue.lease(stage: .fetch, worker: "f", limit: 1, leaseSeconds: 60) {
            let payload = try Payload(metadata: ParsedPage(finalURL: job.url, fetchedAt: Date()), body: Data("{".utf8))
            try queue.complete(jobID: job.id, leaseToken: job.leaseToken, followOns: [.next(.store, payload: payload)])
        }
        let run = try runProduct("store", ["run", "--db", directory.path("queue.sqlite"), "--store-db", directory.path("articles.sqlite"), "--exit-when-idle"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try queue.count(.store, .done) == 1)
        let dead = try #require(try queue.jobs(matching: JobFilter(stage: .store, state: .dead)).first)
        #expect(dead.url == "https://b.example/broken" && dead.lastError?.hasPrefix("bad-payload:") == true, "\(dead.lastError ?? "")")

        let stats = try runProduct("store", ["stats", "--json", "--store-db", directory.path("articles.sqlite")])
        #expect(stats.status == 0 && stats.stdout.contains(#""articles":1"#), "\(stats.stdout)")
        let search = try runProduct("store", ["search", "corrosion", "--store-db", directory.path("articles.sqlite")])
        #expect(search.status == 0 && search.stdout.contains("Bridge") && search.stdout.contains("[corrosion]"), "\(search.stdout)")
        let export = try runProduct("store", ["export", "--since", "2020-01-01", "--store-db", directory.path("articles.sqlite")])
        #expect(export.stdout.split(separator: "\n").count == 1 && export.stdout.contains(#""url":"https://a.example/bridge""#)
                && export.stdout.contains(#""provenance":{"site_name":"url-host"}"#), "\(export.stdout)")
        let badSince = try runProduct("store", ["export", "--since", "yesterday", "--store-db", directory.path("articles.sqlite")])
        #expect(badSince.status != 0 && badSince.stderr.contains("ISO 8601"))
        let missing = try runProduct("store", ["stats", "--store-db", directory.path("nothing.sqlite")])
        #expect(missing.status != 0 && missing.stderr.contains("no article database at \(directory.path("nothing.sqlite"))"))
    }

    @Test("SIGTERM: store run finishes the batch in hand, stores it, completes its jobs and exits; the rest stays queued")
    func sigterm() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = (0..<3000).map { number in
            article("Report \(number): " + Stories.original, title: "Bridge \(number)", url: "https://outlet\(number).example/bridge")
        }
        let queue = try Self.queue(with: articles, at: directory.path("queue.sqlite"))
        let worker = try BackgroundProduct("store", ["run", "--db", directory.path("queue.sqlite"), "--store-db", directory.path("articles.sqlite"),
                                                     "--batch", "8"])
        try waitUntil(20, "the first stored batch", every: 0.01) { try queue.count(.store, .done) > 0 }
        let exit = worker.terminate()
        #expect(exit.status == 0)
        #expect(exit.seconds < 5)
        #expect(try queue.count(.store, .leased) == 0, "no lease is left behind")
        #expect(try queue.count(.store, .queued) > 0, "what was not leased stays queued for the next store worker")
        let stored = try ArticleStore(path: directory.path("articles.sqlite")).summary().articles
        #expect(stored == (try queue.count(.store, .done)), "every completed job's article is stored, and only those")
        #expect(try queue.liveWorkers().isEmpty, "the worker unregisters when it stops")
    }
}
