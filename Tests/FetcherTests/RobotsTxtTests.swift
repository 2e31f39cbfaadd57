import Testing
@testable import Robots

@Suite("robots.txt (RFC 9309)")
struct RobotsTxtTests {
    let robots = RobotsTxt("""
        # comment
        User-agent: *
        Disallow: /private/
        Allow: /private/open
        Disallow: /*.pdf$
        Crawl-delay: 2

        User-agent: WireroomBot
        User-agent: otherbot
        Disallow: /only-for-us/
        Allow: /
        Crawl-delay: 5

        User-agent: strictbot
        Disallow: /

        Sitemap: https://example.com/sitemap.xml
        """)

    @Test("the * group applies to crawlers it does not name")
    func starGroup() {
        #expect(robots.allows("/news/1.html", for: "somebot"))
        #expect(!robots.allows("/private/x", for: "somebot"))
        #expect(robots.allows("/private/open/x", for: "somebot"), "longer allow wins")
        #expect(!robots.allows("/files/report.pdf", for: "somebot"))
        #expect(robots.allows("/files/report.pdf?x=1", for: "somebot"), "$ anchors the end")
        #expect(robots.crawlDelay(for: "somebot") == 2)
    }

    @Test("a named group replaces the * group, case-insensitively, and consecutive agents share rules")
    func namedGroup() {
        #expect(robots.allows("/private/x", for: "wireroombot"))
        #expect(!robots.allows("/only-for-us/a", for: "WireroomBot"))
        #expect(!robots.allows("/only-for-us/a", for: "otherbot"))
        #expect(robots.crawlDelay(for: "wireroombot") == 5)
        #expect(!robots.allows("/anything", for: "strictbot"))
        #expect(robots.allows("/robots.txt", for: "strictbot"), "robots.txt itself is always allowed")
    }

    @Test("empty disallow allows all; tie goes to allow; sitemaps are collected")
    func edges() {
        let open = RobotsTxt("User-agent: *\nDisallow:\n")
        #expect(open.allows("/x", for: "a"))
        let tie = RobotsTxt("User-agent: *\nDisallow: /page\nAllow: /page\n")
        #expect(tie.allows("/page", for: "a"))
        #expect(robots.sitemaps == ["https://example.com/sitemap.xml"])
        #expect(RobotsTxt("").allows("/x", for: "a"), "an empty file allows all")
    }

    @Test("wildcards", arguments: [
        ("/a*b", "/aXXb", true), ("/a*b", "/aXXbZ", true), ("/a*b$", "/aXXbZ", false), ("/*.php", "/x/y.php?q", true),
        ("/fish", "/Fish", false), ("/fish*", "/fishheads", true), ("/*", "/", true), ("/$", "/", true), ("/$", "/a", false),
    ])
    func wildcards(pattern: String, path: String, matches: Bool) {
        #expect(RobotsTxt.matches(pattern, path) == matches)
    }
}
