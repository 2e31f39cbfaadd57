import Foundation
import Testing
import TestSupport

/// The README's first command (`scripts/demo.sh`), run as a newcomer runs it: in a copy of the
/// repository with nothing beside it, non-interactively, on the sample site, with
/// the binaries this test run built; judged against the site's own truth.
@Suite("The first command")
struct FirstRunTests {
    struct Page: Decodable {
        var url: String
        var story: String
        var copy_of: String?
        var paragraphs: [String]
        var chrome: [String]
    }

    struct Stored: Decodable {
        var id: Int64
        var event: Int64
        var url: String
        var title: String?
        var text: String
        var duplicate_of: Int64?
    }

    /// The repository as a clone has it (no build products, no state), copied to `directory/repo`.
    static func copyOfRepository(in directory: TemporaryDirectory) throws -> String {
        let copy = directory.path("repo")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        let tar = "tar -C \"$0\" --exclude='./.git' --exclude='.build*' --exclude='./state' -cf - . | tar -C \"$1\" -xf -"
        let run = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", tar, packageRoot.path, copy])
        #expect(run.status == 0, "copying the repository: \(run.stderr)")
        return copy
    }

    static func collapse(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test("in a copy of the repository alone: every story stored once, whole and clean; every copy linked to its story, no two stories merged; a second run adds nothing")
    func sampleSite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let repository = try Self.copyOfRepository(in: directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["repo"], "nothing beside the copy")
        let state = directory.path("state")
        var environment = ProcessInfo.processInfo.environment
        environment["WIREROOM_DEMO_STATE"] = state
        environment["WIREROOM_DEMO_PORT"] = String(try LocalServer.freePort())
        environment["WIREROOM_DEMO_BIN"] = builtProduct("coordinator").deletingLastPathComponent().path
        let run = { try runProcess(URL(fileURLWithPath: "/bin/bash"), ["\(repository)/scripts/demo.sh"], environment: environment) }
        let first = try run()
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        for heading in ["== coordinator stats", "== the stories:", "== events: 2 reported in more than one language", "== page chrome:", "Try next:"] {
            #expect(first.stdout.contains(heading), "the first run prints \(heading)")
        }

        let site = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first { $0.hasPrefix("site-") })
        let pages = try String(contentsOfFile: "\(state)/\(site)/truth.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Page.self, from: Data($0.utf8)) }
        let truth = Dictionary(uniqueKeysWithValues: pages.map { ($0.url, $0) })
        let articles = try String(contentsOfFile: "\(state)/articles.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Stored.self, from: Data($0.utf8)) }
        #expect(articles.count == pages.count, "every article page stored once: \(articles.count) of \(pages.count)")
        #expect(Set(articles.map(\.url)).count == articles.count)
        let byID = Dictionary(uniqueKeysWithValues: articles.map { ($0.id, $0) })
        let seeds = try SampleStory.seeds().map(\.name)
        for seed in seeds {
            #expect(pages.filter { $0.story == seed }.count == 1, "seed \(seed) is one page of the site")
        }
        for article in articles {
            let page = try #require(truth[article.url], "\(article.url) is not an article page of the site")
            // The whole body, in order, from the first paragraph to the last, and nothing before it.
            let body = Self.collapse(article.text)
            var rest = Substring(body)
            for paragraph in page.paragraphs.map(Self.collapse) {
                guard let found = rest.range(of: paragraph) else {
                    Issue.record("\(article.url) lost or reordered: \(paragraph.prefix(70))")
                    break
                }
                rest = rest[found.upperBound...]
            }
            #expect(body.hasPrefix(Self.collapse(page.paragraphs[0])), "\(article.url) starts with: \(body.prefix(80))")
            #expect(rest.trimmingCharacters(in: .whitespaces).isEmpty, "\(article.url) ends with: \(rest.prefix(80))")
            for phrase in page.chrome {
                #expect(!article.text.contains(phrase), "\(article.url) kept chrome: \(phrase)")
            }
            if let story = page.copy_of {
                let original = try #require(article.duplicate_of.flatMap { byID[$0] }, "\(article.url) copies \(story) but is not linked to it")
                #expect(truth[original.url]?.story == story)
            } else {
                #expect(article.duplicate_of == nil, "\(article.url) is a story of its own but was merged into another")
                let copies = articles.filter { $0.duplicate_of == article.id }.compactMap { truth[$0.url]?.copy_of }
                #expect(copies.allSatisfy { $0 == page.story }, "\(article.url) has another story's copies: \(copies)")
            }
        }
        #expect(first.stdout.contains("0 kept in the stored articles"), "the report counts the chrome that survived")
        // The seeds' events: the leak (000, 001) and the prison visit (002, 003) each in Dutch and
        // English, the Putin call (004) alone; no other story of the site joins them.
        let storyOf = { (article: Stored) -> String in truth[article.url].map { $0.copy_of ?? $0.story } ?? "" }
        let eventOf = Dictionary(grouping: articles, by: \.event).mapValues { Set($0.map(storyOf)) }
        let seedEvents = Set(eventOf.values.filter { !$0.isDisjoint(with: seeds) })
        #expect(seedEvents == [[seeds[0], seeds[1]], [seeds[2], seeds[3]], [seeds[4]]], "the seeds' events: \(seedEvents)")

        let second = try run()
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("added 0"), "re-running adds nothing new")
        let again = try String(contentsOfFile: "\(state)/articles.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(again.count == articles.count, "re-running stores nothing twice")
    }
}
