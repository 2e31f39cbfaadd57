import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
@testable import Parser

@Suite("Feeds and sitemaps")
struct FeedTests {
    func read(_ text: String, base: String = "https://news.example/feed") throws -> FeedListing {
        try FeedReader.read(Data(text.utf8), baseURL: base)
    }

    @Test("RSS 2.0 with TTL, Atom, RSS 1.0 and JSON Feed list their article links, resolved and once each")
    func feeds() throws {
        let rss = try read("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><ttl>30</ttl>
            <item><title>A</title><link>https://news.example/a</link></item>
            <item><title>B</title><link>/b</link></item>
            <item><title>C</title><guid isPermaLink="true">https://news.example/c</guid></item>
            <item><title>A again</title><link>https://news.example/a</link></item></channel></rss>
            """)
        #expect(rss.format == .rss && rss.links == ["https://news.example/a", "https://news.example/b", "https://news.example/c"])
        #expect(rss.timeToLive == 1800 && rss.linkKind == .page)
        let atom = try read("""
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://news.example/x"/>
            <link rel="enclosure" href="https://news.example/x.mp3"/></entry><entry><link href="y"/></entry></feed>
            """)
        #expect(atom.format == .atom && atom.links == ["https://news.example/x", "https://news.example/y"])
        let rdf = try read("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <item rdf:about="https://news.example/r"><link>https://news.example/r</link></item></rdf:RDF>
            """)
        #expect(rdf.format == .rdf && rdf.links == ["https://news.example/r"])
        let json = try read(#"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://news.example/j"}]}"#)
        #expect(json.format == .jsonFeed && json.links == ["https://news.example/j"])
    }

    @Test("sitemaps: urlset (news sitemaps too), sitemap indexes, gzipped")
    func sitemaps() throws {
        let urlset = """
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://news.example/s1</loc><news:news><news:title>S1</news:title></news:news></url>
            <url><loc> https://news.example/s2 </loc></url></urlset>
            """
        let listing = try read(urlset)
        #expect(listing.format == .sitemap && listing.links == ["https://news.example/s1", "https://news.example/s2"])
        let index = try read(#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://news.example/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"#)
        #expect(index.format == .sitemapIndex && index.linkKind == .sitemap && index.links == ["https://news.example/sitemap-1.xml.gz"])
        let compressed = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-c"], stdin: Data(urlset.utf8)).output
        #expect(FeedReader.looksLikeFeed(compressed, contentType: "application/octet-stream"))
        #expect(try FeedReader.read(compressed, baseURL: "https://news.example/sitemap.xml.gz").links.count == 2)
    }

    @Test("an external entity is never loaded; a billion-laughs feed stops at the refused expansion, in bounded time")
    func hostileXML() throws {
        let xxe = try read("""
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>
            <title>&x;</title><item><link>http://127.0.0.1:8090/ok</link><description>&x;</description></item></channel></rss>
            """)
        #expect(xxe.links == ["http://127.0.0.1:8090/ok"])
        let entities = #"<!ENTITY a0 "lol">"# + (1..<10).map { level in "<!ENTITY a\(level) \"\(String(repeating: "&a\(level - 1);", count: 10))\">" }.joined()
        let bomb = #"<?xml version="1.0"?><!DOCTYPE rss [\#(entities)]><rss version="2.0"><channel><title>&a9;</title><item><link>https://news.example/a</link></item></channel></rss>"#
        let started = Date()
        let listing = try? read(bomb)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect((listing?.links ?? []).allSatisfy { $0 == "https://news.example/a" }, "refused, or read as far as the refused expansion")
        #expect(throws: FeedReader.Failure.self) { try read("<html><body>not a feed</body></html>") }
        #expect(throws: FeedReader.Failure.self) { try read(#"{"items": []}"#) }
    }
}

@Suite("Feeds in the parse worker", .serialized)
struct FeedWorkerTests {
    @Test("a feed's links become fetch jobs through the seen-set, and the feed is read again after its TTL")
    func feedJob() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let feed = Data("""
            <rss version="2.0"><channel><ttl>60</ttl><item><link>https://news.example/a</link></item>
            <item><link>https://news.example/b</link></item></channel></rss>
            """.utf8)
        let queue = try ParseWorkerTests.queue(with: ["https://news.example/feed.xml": feed], in: directory)
        try await ParseWorkerTests.drain(queue)

        let fetch = try queue.jobs(matching: JobFilter(stage: .fetch))
        #expect(Set(fetch.filter { $0.state == .queued }.map(\.url)) == ["https://news.example/a", "https://news.example/b"])
        let repoll = try #require(fetch.first { $0.url == "https://news.example/feed.xml" && $0.state == .scheduled })
        #expect(abs(repoll.notBefore.timeIntervalSinceNow - 3600) < 60, "TTL 60 minutes: \(repoll.notBefore)")
        #expect(try queue.count(.store, .queued) == 0, "a feed is not an article")
    }
}

@Suite("Discovering from a source page", .serialized)
struct DiscoverTests {
    @Test("a --discover source leads to its advertised feed, its robots.txt sitemaps and its own-host articles, and is read again")
    func source() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let front = page(head: #"<link rel="alternate" type="application/rss+xml" href="/feed.xml">"#, body: #"""
            <nav><a href="/politics">Politics</a></nav>
            <div class="teaser"><a href="/2024/05/06/harbour-plan-approved">Harbour plan approved by the council</a></div>
            <div class="teaser"><a href="https://news.example/2024/05/06/minister-heard-on-recording">Minister heard on a recording</a></div>
            <div class="teaser"><a href="https://elsewhere.example/story">A story on another site entirely</a></div>
            """#)
        let queue = try ParseWorkerTests.queue(with: ["https://news.example/": front], kind: .source, in: directory)
        try queue.storeRobots(host: "news.example", status: 200, body: Data("User-agent: *\nDisallow:\nSitemap: https://news.example/sitemap.xml\n".utf8))
        try await ParseWorkerTests.drain(queue)

        let queued = try queue.jobs(matching: JobFilter(stage: .fetch)).filter { $0.state == .queued }.map(\.url)
        #expect(Set(queued) == [
            "https://news.example/feed.xml", "https://news.example/sitemap.xml",
            "https://news.example/2024/05/06/harbour-plan-approved", "https://news.example/2024/05/06/minister-heard-on-recording",
        ])
        #expect(try queue.jobs(matching: JobFilter(stage: .fetch)).contains { $0.url == "https://news.example/" && $0.state == .scheduled })
        #expect(try queue.count(.store, .queued) == 0)
    }
}
