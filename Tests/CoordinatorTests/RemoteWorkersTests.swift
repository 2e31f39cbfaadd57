import Foundation
import Model
import Queue
import Store
import Testing
import TestSupport

@Suite("Workers over the coordinator's API", .serialized)
struct RemoteWorkersTests {

    @Test("fetch, parse and store processes crawl a local site through `coordinator serve`; a parser killed mid-batch and the coordinator restarted mid-run lose nothing")
    func crawlThroughTheAPI() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = try LocalServer.sampleSite(in: directory.path("site"))
        let pages = try String(contentsOfFile: directory.path("site/truth.jsonl"), encoding: .utf8).split(separator: "\n").count
        let database = directory.path("queue.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: database)
        let outlets = ["koerier", "eastwire", "northradio", "dispatch"]
        _ = try queue.add(outlets.flatMap { [site.outlet($0, "/feed.xml"), site.outlet($0, "/sitemap.xml")] })
        let server = try CoordinatorServer(database: database, directory: directory)
        let remote = ["--coordinator", server.url, "--token-file", server.tokenFile, "--lease-seconds", "3"]
        let fetcher = try BackgroundProduct("fetcher", ["run", "--allow-loopback", "--in-flight", "8"] + remote, output: .log(directory.path("fetcher.log")))
        let store = try BackgroundProduct("store", ["run", "--batch", "8", "--store-db", directory.path("articles.sqlite")] + remote,
                                          output: .log(directory.path("store.log")))
        let firstParser = try BackgroundProduct("parser", ["run", "--batch", "4", "--worker-id", "parser-1"] + remote,
                                                output: .log(directory.path("parser-1.log")))

        var batchInHand: [JobSummary] = []
        try waitUntil(60, "parser-1 holding a batch", every: 0.005) {
            batchInHand = try queue.jobs(matching: JobFilter(stage: .parse, state: .leased), limit: 100).filter { $0.leaseWorker == "parser-1" }
            return !batchInHand.isEmpty
        }
        firstParser.stop(signal: SIGKILL)  // mid-batch: its leases must expire and the pages be parsed again
        let secondParser = try BackgroundProduct("parser", ["run", "--batch", "4"] + remote, output: .log(directory.path("parser-2.log")))
        try waitUntil(60, "the first stored articles", every: 0.2) { try queue.count(.store, .done) >= 4 }
        try server.restart()  // SIGKILL and start again: workers retry until it answers

        try waitUntil(180, "the queue to drain", every: 0.2) {
            let stages = try queue.stats().stages
            let open = Stage.allCases.reduce(0) { sum, stage in
                sum + ["queued", "leased", "retry"].reduce(0) { $0 + (stages[stage.rawValue]?[$1] ?? 0) }
            }
            return open == 0 && (stages["store"]?["done"] ?? 0) >= pages
        }
        for worker in [fetcher, secondParser, store] {
            #expect(worker.stop(signal: SIGTERM) == 0, "a worker did not stop cleanly on SIGTERM")
        }

        // Every job ended done, dead with its reason, or (feeds) scheduled for its next reading.
        let unfinished = try queue.jobs(matching: JobFilter(), limit: 10_000).filter { ![.done, .dead, .scheduled].contains($0.state) }
        #expect(unfinished.isEmpty, "\(unfinished)")
        for dead in try queue.jobs(matching: JobFilter(state: .dead), limit: 10_000) {
            #expect(dead.lastError?.isEmpty == false, "dead without a reason: \(dead.url)")
        }
        // Each store job became exactly one article; no URL was stored twice.
        var articles: [StoredArticle] = []
        try ArticleStore(path: directory.path("articles.sqlite")).export(since: nil, includeDuplicates: true) { articles.append($0) }
        #expect(articles.count == (try queue.count(.store, .done)))
        #expect(Set(articles.compactMap(\.jobID)).count == articles.count)
        #expect(Set(articles.map(\.url)).count == articles.count)
        #expect(articles.count == pages, "every article page of the sample site stored once")
        for job in batchInHand {
            #expect(try queue.job(id: job.id).job.state == .done, "a page of the killed parser's batch was lost")
        }
        // The remote parsers' extraction outcomes reached each outlet's health figures.
        let health = try queue.extractionHealth()
        #expect(health.count == outlets.count, "\(health)")
        #expect(health.reduce(0) { $0 + $1.last24Hours.pages } >= articles.count, "\(health)")
        #expect(health.allSatisfy { $0.last24Hours.medianBodyCharacters > 300 }, "\(health)")
    }
}
