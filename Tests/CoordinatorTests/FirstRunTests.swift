import Foundation
import Testing
import TestSupport

/// The README's first command (`scripts/demo.sh`), run as CI can: non-interactively, on the
/// sample site, with the binaries this test run built.
@Suite("The first command")
struct FirstRunTests {
    struct Truth: Decodable {
        var url: String
        var paragraphs: [String]
        var story: Int
        var copy_of_story: Int?
    }

    struct Stored: Decodable {
        var id: Int64
        var url: String
        var text: String
        var duplicate_of: Int64?
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Page chrome the sample site puts around every article (../shared/bench/make_site.py).
    static let chrome = [
        "Share on", "Leave a Reply", "We use cookies", "Related articles", "All rights reserved", "Accessibility links",
        "Skip to content", "Breaking News", "Photo: AP", "Sign up for our newsletter", "Akismet", "Required fields are marked",
    ]

    static func withoutNotices(_ paragraph: String) -> String {
        ["Your email address will not be published.", "Required fields are marked *", "This site uses Akismet to reduce spam.",
         "Learn how your comment data is processed."]
            .reduce(paragraph) { $0.replacingOccurrences(of: $1, with: " ") }
            .split(separator: " ").joined(separator: " ")
    }

    @Test("crawls the sample site to the end: clean bodies, no chrome, syndicated copies linked to their story; a second run adds nothing")
    func sampleSite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        var environment = ProcessInfo.processInfo.environment
        environment["WIREROOM_DEMO_STATE"] = state
        environment["WIREROOM_DEMO_PORT"] = String(try LocalServer.freePort())
        environment["WIREROOM_DEMO_BIN"] = builtProduct("coordinator").deletingLastPathComponent().path
        let script = Self.packageRoot.appendingPathComponent("scripts/demo.sh").path
        let run = { try runProcess(URL(fileURLWithPath: "/bin/bash"), [script], environment: environment) }
        let first = try run()
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("== coordinator stats") && first.stdout.contains("Try next:"))

        let site = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first { $0.hasPrefix("site-") })
        let truthLines = try String(contentsOfFile: "\(state)/\(site)/truth.jsonl", encoding: .utf8).split(separator: "\n")
        let truth = Dictionary(uniqueKeysWithValues: try truthLines.map { try JSONDecoder().decode(Truth.self, from: Data($0.utf8)) }.map { ($0.url, $0) })
        let articles = try String(contentsOfFile: "\(state)/articles.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Stored.self, from: Data($0.utf8)) }
        #expect(articles.count >= 15, "\(articles.count) articles stored")
        let byID = Dictionary(uniqueKeysWithValues: articles.map { ($0.id, $0) })
        var linkedCopies = 0
        for article in articles {
            let expected = try #require(truth[article.url], "\(article.url) is not a page of the site")
            // The seed texts the site is made of carry comment-form notices inside paragraphs; they must go too.
            let paragraphs = expected.paragraphs.map(Self.withoutNotices)
            #expect(article.text.contains(String(paragraphs[0].prefix(60))), "\(article.url): body does not start as the page's")
            #expect(article.text.contains(String(paragraphs.last!.suffix(60))) || expected.copy_of_story != nil,
                    "\(article.url): body does not end as the page's")
            for phrase in Self.chrome {
                #expect(!article.text.contains(phrase), "\(article.url) kept chrome: \(phrase)")
            }
            let originalStored = articles.contains { truth[$0.url]?.story == expected.copy_of_story && truth[$0.url]?.copy_of_story == nil }
            if let story = expected.copy_of_story, originalStored {
                let original = try #require(article.duplicate_of.flatMap { byID[$0] }, "\(article.url) copies story \(story) but is not linked")
                #expect(truth[original.url]?.story == story)
                linkedCopies += 1
            } else if expected.copy_of_story == nil {
                #expect(article.duplicate_of == nil, "\(article.url) is an original story but was merged")
            }
        }
        #expect(linkedCopies >= 1, "the sample site's syndicated copies are linked")

        let second = try run()
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("added 0"), "re-running adds nothing new")
        let again = try String(contentsOfFile: "\(state)/articles.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(again.count == articles.count, "re-running stores nothing twice")
    }
}
