import Fetcher
import Foundation
import Logging
import Model
import Parser
import Queue
import Store
import Testing
import TestSupport
import WorkerSupport

/// Worker loops make no blocking call on the cooperative pool: every SQLite transaction,
/// coordinator request, page parse and WARC write they cause runs through a `BlockingExecutor`.
/// `PoolGuard` counts the blocking primitives reached from a worker's own tasks.
@Suite("No blocking call from a worker loop's tasks")
struct PoolGuardTests {
    @Test("the guard counts a blocking call made from a task under its watch, and not one made through the queue's executor")
    func control() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        let watch = PoolWatch()
        try await PoolGuard.$watch.withValue(watch) {
            _ = try queue.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 10)
            #expect(watch.blockingCalls == 1, "a transaction on the pool is counted")
            _ = try await FileQueue(queue).lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 10)
            #expect(watch.blockingCalls == 1, "a transaction on the executor is not")
        }
    }

    @Test("fetch, parse and store workers crawl the sample site in-process without one blocking call on the pool")
    func workersOverTheSampleSite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = try LocalServer.sampleSite(in: directory.path("site"))
        let queue = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        _ = try queue.add(["koerier", "eastwire"].map { site.outlet($0, "/feed.xml") })
        let file = FileQueue(queue)
        let logger = Logger(label: "test")
        let watch = PoolWatch()
        try await PoolGuard.$watch.withValue(watch) {
            var fetch = FetchConfiguration()
            fetch.addressPolicy = .allowLoopback
            let engine = FetchEngine(configuration: fetch)
            defer { engine.shutdown() }
            var fetcher = FetchWorker.Configuration(workerID: "guard-fetcher", leaseSeconds: 300)
            fetcher.exitWhenIdle = true
            fetcher.warc = try WARCWriter(directory: directory.path("warc"))
            var parser = ParseWorker.Configuration(workerID: "guard-parser")
            parser.exitWhenIdle = true
            var store = BatchLeasing.store(workerID: "guard-store")
            store.exitWhenIdle = true
            let articles = try ArticleStore(path: directory.path("articles.sqlite"))
            for _ in 0..<2 {  // the feeds, then the articles they list
                try await FetchWorker(queue: file, engine: engine, configuration: fetcher, logger: logger).run()
                try await ParseWorker(queue: file, configuration: parser, logger: logger).run()
            }
            try await StoreWorker(queue: file, store: articles, leasing: store, logger: logger).run()
        }
        #expect(try queue.count(.store, .done) > 0, "the crawl stored nothing")
        #expect(watch.blockingCalls == 0, "\(watch.blockingCalls) blocking calls were made on the pool by the workers")
    }
}
