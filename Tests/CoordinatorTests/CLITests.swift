import Foundation
import Model
import Queue
import Store
import Testing
import TestSupport

/// The `coordinator` executable run as a user runs it: real process, real database file.
@Suite("coordinator command line")
struct CLITests {
    /// Runs `coordinator` with `arguments` (optionally as another user id, via setpriv).
    static func coordinator(_ arguments: [String], stdin: Data? = nil, asUser: Int? = nil) throws -> ProcessRun {
        guard let asUser else { return try runProduct("coordinator", arguments, stdin: stdin) }
        return try runProcess(URL(fileURLWithPath: "/usr/bin/setpriv"),
                              ["--reuid=\(asUser)", "--regid=\(asUser)", "--clear-groups", builtProduct("coordinator").path] + arguments,
                              stdin: stdin)
    }

    @Test("add --file: comments and blank lines skipped; bad URLs and non-UTF-8 lines reported by line; the rest added")
    func addFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        var list = Data("# sources\nhttps://example.com/a\n\n  https://example.com/b  \r\nftp://example.com/c\n".utf8)
        list.append(contentsOf: [0x68, 0x74, 0x74, 0x70, 0xFF, 0xFE, 0x0A])
        list.append(Data("https://example.com/a?utm_source=x\nhttps://example.com/d".utf8))
        let file = directory.path("urls.txt")
        try list.write(to: URL(fileURLWithPath: file))

        let run = try Self.coordinator(["add", "--db", db, "--file", file])
        #expect(run.status == 1, "refused lines make the exit status 1")
        #expect(run.stdout.contains("added 3, already known 1, invalid 2"))
        #expect(run.stderr.contains("line 5: ftp://example.com/c: scheme 'ftp' is not crawled"))
        #expect(run.stderr.contains("line 6: not valid UTF-8"))

        let again = try Self.coordinator(["add", "--db", db, "--file", "-"], stdin: Data("https://example.com/e\n".utf8))
        #expect(again.status == 0)
        #expect(again.stdout.contains("added 1, already known 0, invalid 0"))
    }

    @Test("processes creating the same new queue file at once all get it (a worker and the coordinator started together)")
    func concurrentCreation() throws {
        for round in 0..<3 {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let db = directory.path("queue.sqlite")
            let runs = try (0..<6).map { index in
                let process = Process()
                process.executableURL = builtProduct("coordinator")
                process.arguments = ["add", "--db", db, "https://example.com/\(round)/\(index)"]
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                return (process, errors)
            }
            for (process, errors) in runs {
                process.waitUntilExit()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "\(message)")
            }
            #expect(try JobQueue.open(at: db).count(.fetch, .queued) == 6)
        }
    }

    @Test("add and pause refuse bracketed hosts that are no IPv6 address, with the reason; the process does not abort")
    func hostileHosts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        let urls = ["http://[fe80::1%25eth0]/", "http://[a b]/", "http://[::1%25lo]/", "http://[%41]/"]
        let add = try Self.coordinator(["add", "--db", db] + urls + ["http://[::1]:8080/ok"])
        #expect(add.status == 1, "refused URLs make the exit status 1: \(add.stderr)")
        #expect(add.stdout.contains("added 1, already known 0, invalid 4"), "\(add.stdout)")
        for url in urls { #expect(add.stderr.contains("\(url): invalid host"), "\(add.stderr)") }
        let pause = try Self.coordinator(["pause", "--db", db, "http://[a b]/"])
        #expect(pause.status != 0 && pause.status < 128, "exit \(pause.status)")
        #expect(pause.stderr.contains("invalid host"), "\(pause.stderr)")
    }

    @Test("add without any URL, or with a missing list file, is a clear error")
    func addErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        let none = try Self.coordinator(["add", "--db", db])
        #expect(none.status != 0)
        #expect(none.stderr.contains("give URLs as arguments or --file FILE"))
        let missing = try Self.coordinator(["add", "--db", db, "--file", directory.path("absent.txt")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read URL list \(directory.path("absent.txt")): no such file"))
    }

    @Test("stats --json has per-stage counts keyed by stage then state")
    func statsJSON() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a", "https://example.org/b"])
        let run = try Self.coordinator(["stats", "--db", db, "--json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let stages = try #require(object["stages"] as? [String: [String: Int]])
        #expect(Set(stages.keys) == ["fetch", "parse", "store"])
        #expect(stages["fetch"]?["queued"] == 2)
        #expect(Set(stages["parse"]?.keys.map { $0 } ?? []) == ["queued", "scheduled", "leased", "retry", "done", "dead"])
        #expect(object["top_hosts_by_queued"] != nil && object["throughput"] != nil && object["live_workers"] != nil)

        #expect(object["articles"] is NSNull, "no article database yet")

        let table = try Self.coordinator(["stats", "--db", db])
        #expect(table.stdout.contains("fetch       2"))
        #expect(table.stdout.contains("top hosts by queued: example.com (1), example.org (1)"))
        #expect(table.stdout.contains("articles stored: none yet"))
    }

    @Test("wait returns once no job is queued, leased or waiting to retry; it gives up after --timeout saying how many are open")
    func wait() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a", "https://example.org/b"])
        let early = try Self.coordinator(["wait", "--db", db, "--timeout", "0.3"])
        #expect(early.status == 1 && early.stderr.contains("2 job(s) still open"), "\(early.stderr)")
        #expect(try Self.coordinator(["stats", "--db", db, "--json"]).stdout.contains(#""open_jobs":2"#))

        // A worker finishes both in the background while `wait` watches.
        let waiting = try BackgroundProduct("coordinator", ["wait", "--db", db, "--timeout", "60", "--interval", "0.1"])
        let queue = try JobQueue.open(at: db)
        for job in try queue.lease(stage: .fetch, worker: "w", limit: 10, leaseSeconds: 60) {
            try queue.complete(jobID: job.id, leaseToken: job.leaseToken)
        }
        #expect(waiting.waitForExit() == 0)
        let bad = try Self.coordinator(["wait", "--db", db, "--interval", "0"])
        #expect(bad.status != 0 && bad.stderr.contains("--interval must be 0.05 to 3600 seconds"))
    }

    @Test("stats --watch redraws the table in place until interrupted, showing what changed meanwhile")
    func statsWatch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a"])
        let output = directory.path("watch.out")
        let watch = try BackgroundProduct("coordinator", ["stats", "--db", db, "--watch", "--interval", "0.3"], output: .log(output))
        let screensSoFar = { ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").components(separatedBy: "\u{1B}[H\u{1B}[2J") }
        try waitUntil(10, "two screens of the first count") { screensSoFar().count > 2 }
        _ = try Self.coordinator(["add", "--db", db, "https://example.org/b"])
        try waitUntil(10, "two screens of the new count") { screensSoFar().filter { $0.contains("fetch       2") }.count >= 2 }
        watch.stop(signal: SIGINT)
        let screens = screensSoFar().filter { !$0.isEmpty }
        #expect(screens.count >= 4, "\(screens.count) screens")
        #expect(screens.first?.contains("fetch       1") == true)
        #expect(screens.last?.contains("fetch       2") == true, "the later screens show the URL added meanwhile")
        #expect(screens.allSatisfy { $0.contains("Ctrl-C to stop") })
        #expect(try Self.coordinator(["stats", "--db", db, "--watch", "--json"]).stderr.contains("--watch shows the table"))
    }

    @Test("stats counts the articles stored beside the queue: articles, duplicates found, stories")
    func statsArticles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a"])
        let text = "The council voted on Tuesday to close the old harbour bridge for eighteen months after engineers found corrosion in two of its steel supports."
        let article = { (url: String) in
            Article(url: url, title: "Bridge", authors: [], published: nil, modified: nil, language: "en", text: text, canonicalURL: nil,
                    siteName: nil, description: nil, image: nil, tags: [], encoding: "utf-8", bodySource: "article", pageKind: .article, provenance: [:])
        }
        let store = try ArticleStore(path: directory.path("articles.sqlite"))
        try store.store(["https://a.example/1", "https://b.example/2"].enumerated().map { offset, url in
            ArticleStore.Incoming(job: ArticleStore.JobKey(queueID: "test", jobID: Int64(offset)), article: article(url), url: url, fetchedAt: Date())
        }, dedup: try DedupIndex())

        let run = try Self.coordinator(["stats", "--db", db, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let articles = try #require(object["articles"] as? [String: Any])
        #expect(articles["articles"] as? Int == 2 && articles["duplicates"] as? Int == 1 && articles["clusters"] as? Int == 1)
        let table = try Self.coordinator(["stats", "--db", db])
        #expect(table.stdout.contains("articles stored: 2, duplicates found: 1, stories: 1 (1 with copies)"), "\(table.stdout)")
    }

    @Test("a missing database is an error for stats and is not created")
    func missingDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("typo.sqlite")
        let run = try Self.coordinator(["stats", "--db", db])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no queue database at \(db)"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test("a corrupt database file: clear message, file unchanged")
    func corruptDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        let garbage = Data(String(repeating: "not a database ", count: 500).utf8)
        try garbage.write(to: URL(fileURLWithPath: db))
        let run = try Self.coordinator(["add", "--db", db, "https://example.com/"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(db) is not a usable SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == garbage)
    }

    @Test("a read-only database: clear message, nothing written")
    func readOnlyDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a"])
        _ = try Self.coordinator(["stats", "--db", db])  // checkpoints nothing new; the WAL may remain
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.url.path)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.url.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: directory.path(file))
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.url.path) }
        // root ignores file modes, so as root the command runs as the unprivileged user nobody (65534).
        let run = try Self.coordinator(["add", "--db", db, "https://example.com/b"], asUser: getuid() == 0 ? 65534 : nil)
        #expect(run.status != 0)
        #expect(run.stderr.contains("cannot write the database \(db)") || run.stderr.contains("cannot open the queue database \(db)"),
                "got: \(run.stderr)")
        let check = try Self.coordinator(["jobs", "--db", db, "--json"])
        #expect(!check.stdout.contains("https://example.com/b"))
    }

    @Test("jobs, retry, pause/resume and purge print what they changed")
    func operatingCommands() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a"])
        #expect(try Self.coordinator(["pause", "--db", db, "https://Example.com/x"]).stdout == "paused example.com\n")
        #expect(try Self.coordinator(["pause", "--db", db, "example.com"]).stdout == "example.com was already paused\n")
        #expect(try Self.coordinator(["resume", "--db", db, "example.com"]).stdout == "resumed example.com\n")
        #expect(try Self.coordinator(["retry", "--db", db]).stdout == "sent 0 dead jobs back to the queue\n")
        let badState = try Self.coordinator(["retry", "--db", db, "--state", "queued"])
        #expect(badState.status != 0 && badState.stderr.contains("retry applies to dead jobs only"))
        let list = try Self.coordinator(["jobs", "--db", db, "--stage", "fetch", "--host", "example.com"])
        #expect(list.stdout.contains("https://example.com/a"))
        let show = try Self.coordinator(["jobs", "show", "--db", db, "1"])
        #expect(show.stdout.contains("job 1  fetch queued"))
        let unknown = try Self.coordinator(["jobs", "show", "--db", db, "99"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no job with id 99"))
        #expect(try Self.coordinator(["purge", "--db", db, "--older-than", "7d"]).stdout
            == "purged 0 jobs, 0 payloads, 0 error records, 0 stale workers\n")
        let badDuration = try Self.coordinator(["purge", "--db", db, "--older-than", "soon"])
        #expect(badDuration.status != 0 && badDuration.stderr.contains("'soon' is not a duration"))
        let badStage = try Self.coordinator(["jobs", "--db", db, "--stage", "render"])
        #expect(badStage.status != 0 && badStage.stderr.contains("render"))
    }

    @Test("hosts lists politeness and fetch jobs per host, and sets a host's delay and concurrency")
    func hosts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("queue.sqlite")
        _ = try Self.coordinator(["add", "--db", db, "https://example.com/a", "https://example.com/b", "https://example.org/"])
        let list = try Self.coordinator(["hosts", "--db", db]).stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(list == [
            "host delay concurrency paused queued leased pages 24h short body 24h no title 24h no date 24h no author 24h median chars 24h drift alarm",
            "example.com 1 s 1 no 2 0 - - - - - - -", "example.org 1 s 1 no 1 0 - - - - - - -",
        ], "no pages parsed yet: no health figures")
        let set = try Self.coordinator(["hosts", "--db", db, "https://EXAMPLE.org/x", "--delay", "0.25", "--concurrency", "4", "--json"])
        #expect(set.stdout == #"{"concurrency":4,"delay":0.25,"health":null,"leased":0,"name":"example.org","paused":false,"queued":1}"# + "\n")
        let unknown = try Self.coordinator(["hosts", "--db", db, "example.net"])
        #expect(unknown.status != 0 && unknown.stderr.contains("the queue has no host example.net"))
        let bad = try Self.coordinator(["hosts", "--db", db, "example.com", "--concurrency", "0"])
        #expect(bad.status != 0 && bad.stderr.contains("--concurrency must be at least 1, got 0"))
        let noHost = try Self.coordinator(["hosts", "--db", db, "--delay", "2"])
        #expect(noHost.status != 0 && noHost.stderr.contains("--delay and --concurrency need a HOST"))
    }
}
