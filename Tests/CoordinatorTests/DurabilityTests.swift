import Foundation
import Model
import Queue
import Store
import Testing
import TestSupport

/// Work must never be lost to what operators do between runs: purging, new queue files.
@Suite("Durability across purges and queue files", .serialized)
struct DurabilityTests {
    static func storedArticles(_ storeDB: String) throws -> Int {
        try ArticleStore(path: storeDB).summary().articles
    }

    @Test("after coordinator purge, new jobs get new ids and their articles are stored")
    func purgeKeepsIDsUnique() throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.path("queue.sqlite"), storeDB = directory.path("articles.sqlite")
        _ = try JobQueue.openWithoutPoliteness(at: database).add([server.url("/article/1")])
        try drainPipeline(queue: database, storeDB: storeDB)
        #expect(try Self.storedArticles(storeDB) == 1)
        let highest = try #require(try JobQueue.open(at: database).jobs(matching: JobFilter()).map(\.id).max())

        let purge = try runProduct("coordinator", ["purge", "--db", database, "--older-than", "0s"])
        #expect(purge.status == 0 && purge.stdout.contains("purged 3 jobs"), "\(purge.stdout)\(purge.stderr)")
        _ = try JobQueue.open(at: database).add([server.url("/article/2")])
        let runs = try drainPipeline(queue: database, storeDB: storeDB)
        #expect(try JobQueue.open(at: database).jobs(matching: JobFilter()).allSatisfy { $0.id > highest }, "ids are not reused")
        #expect(try Self.storedArticles(storeDB) == 2, "\(runs[2].stderr)")
    }

    @Test("a new queue file beside an existing article database: its articles are stored, not taken for the old file's")
    func newQueueFileBesideOldStore() throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storeDB = directory.path("articles.sqlite")
        for (round, database) in [directory.path("first.sqlite"), directory.path("second.sqlite")].enumerated() {
            _ = try JobQueue.openWithoutPoliteness(at: database).add([server.url("/article/\(round + 10)")])
            try drainPipeline(queue: database, storeDB: storeDB)
        }
        #expect(try Self.storedArticles(storeDB) == 2)
    }

    @Test("a store job run twice is stored once, and the worker says so at info")
    func storedTwiceIsLogged() throws {
        let server = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.path("queue.sqlite"), storeDB = directory.path("articles.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: database)
        _ = try queue.add([server.url("/article/5")])
        _ = try runProduct("fetcher", ["run", "--db", database, "--allow-loopback", "--exit-when-idle"])
        _ = try runProduct("parser", ["run", "--db", database, "--exit-when-idle"])
        // Store the article as the worker would, then crash before completing the job: the lease
        // runs out and the job is leased again.
        let job = try #require(try queue.lease(stage: .store, worker: "crashed", limit: 1, leaseSeconds: 0.2).first)
        let payload = try #require(job.payload)
        let article = try JSONDecoder().decode(Article.self, from: payload.body)
        try ArticleStore(path: storeDB).store([ArticleStore.Incoming(job: ArticleStore.JobKey(queueID: job.queueID, jobID: job.id),
                                                                     article: article, url: job.url, fetchedAt: Date())],
                                             dedup: try DedupIndex())
        Thread.sleep(forTimeInterval: 0.3)
        let run = try runProduct("store", ["run", "--db", database, "--store-db", storeDB, "--exit-when-idle"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("article not stored again") || run.stdout.contains("article not stored again"), "\(run.stderr)")
        #expect(try Self.storedArticles(storeDB) == 1)
        #expect(try queue.count(.store, .done) == 1)
    }
}
