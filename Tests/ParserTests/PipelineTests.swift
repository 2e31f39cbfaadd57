import Fetcher
import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

/// Fetch and parse stages together over `Tests/Fixtures/hostile_server.py`: what its hostile pages
/// become once both workers have run over a real queue file.
@Suite("Fetch and parse over the hostile server", .serialized)
struct PipelineTests {
    @Test("lying charsets come out readable, NUL bytes vanish, an XXE feed reads no file, a billion-laughs feed stays bounded")
    func hostilePages() async throws {
        let server = try LocalServer.hostile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        let paths = ["/charset-lie", "/charset-meta", "/charset-none", "/nul-bytes", "/xxe.xml", "/xml-bomb.xml"]
        _ = try queue.add(paths.map { server.url($0) })

        var fetch = FetchConfiguration()
        fetch.addressPolicy = .allowLoopback
        fetch.totalTimeout = 5
        let engine = FetchEngine(configuration: fetch)
        var fetcher = FetchWorker.Configuration(workerID: "pipeline-fetcher", leaseSeconds: 300)
        fetcher.exitWhenIdle = true
        try await FetchWorker(queue: FileQueue(queue), engine: engine, configuration: fetcher, logger: Logger(label: "test")).run()
        engine.shutdown()
        let started = Date()
        try await ParseWorkerTests.drain(queue)
        #expect(Date().timeIntervalSince(started) < 10)

        let store = try queue.lease(stage: .store, worker: "s", limit: 20, leaseSeconds: 30)
        let articles = try Dictionary(uniqueKeysWithValues: store.map { job in
            (String(job.url.dropFirst(server.url("").count)), try JSONDecoder().decode(Article.self, from: job.payload?.body ?? Data()))
        })
        for path in ["/charset-lie", "/charset-meta", "/charset-none"] {
            #expect(articles[path]?.text.contains("Тысячи людей вышли на улицы Минска") == true, "\(path): \(articles[path]?.text.prefix(80) ?? "no article")")
            #expect(articles[path]?.encoding == "windows-1251", "\(path)")
        }
        #expect(articles["/nul-bytes"].map { !$0.text.contains("\u{0}") && !$0.text.isEmpty } == true)

        let parse = try queue.jobs(matching: JobFilter(stage: .parse))
        let xxe = try #require(parse.first { $0.url == server.url("/xxe.xml") })
        #expect(xxe.state == .done)
        let fetchJobs = try queue.jobs(matching: JobFilter(stage: .fetch)).map(\.url)
        #expect(fetchJobs.contains("http://127.0.0.1:8090/ok"), "the XXE feed's one link is followed")
        #expect(try queue.stats().payloads.count == store.count, "no feed became an article")
        let bomb = try #require(parse.first { $0.url == server.url("/xml-bomb.xml") })
        #expect(bomb.state == .done || bomb.state == .dead, "\(bomb.state): \(bomb.lastError ?? "")")
    }
}
