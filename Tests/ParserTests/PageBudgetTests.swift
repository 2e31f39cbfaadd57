import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

/// A page can hold a parser only so long: attributes are capped before libxml2, and a page over
/// the time limit is abandoned while the worker goes on.
@Suite("Per-page budget", .serialized)
struct PageBudgetTests {
    static func attributes(_ count: Int) -> String {
        (0..<count).map { "a\($0)=\"\($0)\"" }.joined(separator: " ")
    }

    @Test("a start tag keeps its first 256 attributes; quoted '>' stays inside values; ordinary pages are untouched")
    func limiter() {
        let page = Data("<html><body><div \(Self.attributes(300_000))><p>kept</p></div></body></html>".utf8)
        let limited = String(decoding: AttributeLimiter.limit(page), as: UTF8.self)
        #expect(limited.hasPrefix("<html><body><div a0=\"0\""))
        #expect(limited.contains("a255=\"255\" >") && !limited.contains("a256="), "\(limited.prefix(200))")
        #expect(limited.hasSuffix("><p>kept</p></div></body></html>"))

        let quoted = Data("<p title=\"a > b\" \(Self.attributes(300)) x='>'>text</p><br>".utf8)
        let cut = String(decoding: AttributeLimiter.limit(quoted), as: UTF8.self)
        #expect(cut.hasPrefix("<p title=\"a > b\" a0=") && cut.hasSuffix(">text</p><br>") && !cut.contains("x='>'"), "\(cut.suffix(80))")

        let ordinary = Data("<html><body class=x><p id=a data-x='1'>Hello <b>world</b> a<b</p><!-- <x y> --></body>".utf8)
        #expect(AttributeLimiter.limit(ordinary) == ordinary)
        #expect(AttributeLimiter.limit(Data("<a b=\"never closed".utf8)) == Data("<a b=\"never closed".utf8))
    }

    @Test("a page with 300 000 attributes on one element is parsed like any other")
    func manyAttributes() throws {
        let story = (1...6).map { "<p>Paragraph \($0) of a story long enough to be kept as the body of the article on this page, with words.</p>" }.joined()
        let page = "<html><head><title>Attributes</title></head><body><div \(Self.attributes(300_000))><article>\(story)</article></div></body></html>"
        let article = try Extractor().extract(Data(page.utf8))
        #expect(article.text.hasPrefix("Paragraph 1 of a story"))
    }

    @Test("a page over the time limit is parked as dead (parse-timeout) and the next page of the batch is parsed")
    func timeout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // About 12 MB of paragraphs: far more than the limit below to parse on any machine.
        let slow = Data(("<html><body>" + String(repeating: "<div><p>word word word word</p><span>x</span></div>", count: 240_000) + "</body></html>").utf8)
        let good = page(head: "<title>Harbour plan | City Post</title>", body: "<article>\(story())</article>")
        let queue = try ParseWorkerTests.queue(with: ["https://news.example/slow": slow, "https://news.example/2024/05/06/harbour": good],
                                               in: directory)
        var configuration = ParseWorker.Configuration(workerID: "budget-parser")
        configuration.exitWhenIdle = true
        configuration.pageTimeout = .milliseconds(200)
        try await ParseWorker(queue: FileQueue(queue), configuration: configuration, logger: Logger(label: "test")).run()

        let jobs = try queue.jobs(matching: JobFilter(stage: .parse))
        let timedOut = try #require(jobs.first { $0.url.hasSuffix("/slow") })
        #expect(timedOut.state == .dead && timedOut.lastError?.hasPrefix("parse-timeout:") == true, "\(timedOut.lastError ?? "")")
        #expect(jobs.first { $0.url.hasSuffix("/harbour") }?.state == .done)
        #expect(try queue.count(.store, .queued) == 1)
    }
}
