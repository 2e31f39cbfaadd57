import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

/// A page can hold a parser only so long: attributes are filtered and capped before libxml2, and
/// a page over the time limit is abandoned while the worker goes on.
@Suite("Per-page budget", .serialized)
struct PageBudgetTests {
    /// `count` attributes the extractor reads (`title`), numbered.
    static func attributes(_ count: Int) -> String {
        (0..<count).map { "title=\"\($0)\"" }.joined(separator: " ")
    }

    static func filtered(_ html: String) -> String {
        String(decoding: AttributeFilter.filter(Data(html.utf8)), as: UTF8.self)
    }

    @Test("a start tag keeps its first 256 read attributes; quoted '>' stays inside values")
    func cap() {
        let limited = Self.filtered("<html><body><div \(Self.attributes(300_000))><p>kept</p></div></body></html>")
        #expect(limited.hasPrefix("<html><body><div title=\"0\""))
        #expect(limited.contains("title=\"255\" >") && !limited.contains("title=\"256\""), "\(limited.prefix(200))")
        #expect(limited.hasSuffix("><p>kept</p></div></body></html>"))

        let cut = Self.filtered("<p class=\"a > b\" \(Self.attributes(300)) id='>'>text</p><br>")
        #expect(cut.hasPrefix("<p class=\"a > b\" title=") && cut.hasSuffix(">text</p><br>") && !cut.contains("id='>'"), "\(cut.suffix(80))")

        // Attributes nobody reads do not count towards the cap: they are all dropped.
        let unread = (0..<300_000).map { "data-a\($0)=\"\($0)\"" }.joined(separator: " ")
        #expect(!Self.filtered("<div \(unread) class=x>story</div>").contains("data-a"))
        #expect(Self.filtered("<div \(unread) class=x>story</div>").hasSuffix(" class=x>story</div>"))
    }

    @Test("attributes the extractor never reads are dropped; names are matched in any case")
    func unreadAttributes() {
        #expect(Self.filtered("<p id=a data-x='1' onclick=\"go(1 > 0)\" CLASS=Lead>Hello</p>") == "<p id=a   CLASS=Lead>Hello</p>")
        #expect(Self.filtered("<img src=x.jpg alt=\"A harbour\" width=3 /><meta property=og:title content=\"T\">")
            == "<img    /><meta property=og:title content=\"T\">")
        #expect(Self.filtered("<html lang=nl xml:lang=nl><time datetime=\"2024-05-06\" data-v=2>6 mei</time>")
            == "<html lang=nl xml:lang=nl><time datetime=\"2024-05-06\" >6 mei</time>")
    }

    @Test("irregular tags, text and JSON-LD contents stay as they are")
    func irregularMarkupUntouched() {
        for html in [
            "<html><body class=x><p id=a>Hello <b>world</b> a<b</p></body>",
            "Our thanks to<a href=/about.html\n</font width=1>\n\nThe Ministry</a>",
            "<script type=\"application/ld+json\">{\"articleBody\": \"<b data-y=1>Bold</b>\"}</script>",
            "a < b and c<3 and <!doctype html> and </div data-x=1>",
        ] {
            #expect(Self.filtered(html) == html)
        }
        #expect(Self.filtered("<p class=x data-b=\"never closed") == "<p class=x ")
        // A `/` inside a tag ends the filtering: what follows is libxml2's to recover.
        #expect(Self.filtered("<p data-a/data-b=2 data-c>x</p>") == "<p /data-b=2 data-c>x</p>")
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
