import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

/// A page can hold a parser only so long: only the attributes the extractor reads are kept, and a
/// page over the time limit is abandoned while the worker goes on.
@Suite("Per-page budget", .serialized)
struct PageBudgetTests {
    /// `count` attributes the extractor reads (`title`), numbered.
    static func attributes(_ count: Int) -> String {
        (0..<count).map { "title=\"\($0)\"" }.joined(separator: " ")
    }

    static func tree(_ html: String) -> String { HTMLTreeBuilderTests.byBuilder(html) }

    @Test("a start tag keeps the first of each attribute the extractor reads, in one pass over 300 000")
    func cap() {
        let many = Self.tree("<html><body><div \(Self.attributes(300_000)) class=x><p>kept</p></div></body></html>")
        #expect(many == "<html><body><div title=\"0\" class=\"x\"><p>[kept]</p></div></body></html>")
        let unread = (0..<300_000).map { "data-a\($0)=\"\($0)\"" }.joined(separator: " ")
        #expect(Self.tree("<div \(unread) class=x>story</div>") == "<html><body><div class=\"x\">[story]</div></body></html>")
        #expect(Self.tree("<p class=\"a > b\" \(Self.attributes(300)) id='>'>text</p><br>")
            == "<html><body><p class=\"a > b\" title=\"0\" id=\">\">[text]</p><br></br></body></html>")
    }

    @Test("attributes the extractor never reads are left out of the tree; names are matched in any case")
    func unreadAttributes() {
        #expect(Self.tree("<p id=a data-x='1' onclick=\"go(1 > 0)\" CLASS=Lead>Hello</p>") == "<html><body><p id=\"a\" class=\"Lead\">[Hello]</p></body></html>")
        #expect(Self.tree("<img src=x.jpg alt=\"A harbour\" width=3 /><meta property=og:title content=\"T\">")
            == "<html><body><img></img><meta property=\"og:title\" content=\"T\"></meta></body></html>")
        #expect(Self.tree("<html lang=nl xml:lang=nl><time datetime=\"2024-05-06\" data-v=2>6 mei</time>")
            == "<html lang=\"nl\" xml:lang=\"nl\"><body><time datetime=\"2024-05-06\">[6 mei]</time></body></html>")
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
