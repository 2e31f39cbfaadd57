import Foundation
import Model
import Queue
import Testing
import TestSupport
@testable import Store

/// An article as the parser would hand it over.
func article(_ text: String, title: String, url: String, published: String? = nil, language: String = "en") -> Article {
    Article(url: url, title: title, authors: ["Anna Berg"], published: published, modified: nil, language: language, text: text,
            canonicalURL: nil, siteName: nil, description: nil, image: nil, tags: [], encoding: "utf-8", bodySource: "article",
            pageKind: .article, provenance: [:])
}

func incoming(_ article: Article, job: Int64, queue: String = "test-queue") -> ArticleStore.Incoming {
    ArticleStore.Incoming(job: ArticleStore.JobKey(queueID: queue, jobID: job), article: article, url: article.url ?? "", fetchedAt: Date(timeIntervalSince1970: 1_760_000_000))
}

@Suite("Article store")
struct ArticleStoreTests {
    /// A new article database in a temporary directory, and a dedup index to store with.
    static func emptyStore() throws -> (TemporaryDirectory, ArticleStore, DedupIndex) {
        let directory = try TemporaryDirectory()
        return (directory, try ArticleStore(path: directory.path("articles.sqlite")), try DedupIndex())
    }

    @Test("a copy of an old story that arrives after newer stories still finds it: the window runs on the time of storing")
    func oldStoryAfterNewOnes() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        let placed = try store.store([
            incoming(article(Stories.original, title: "Bridge", url: "https://a.example/1", published: "2020-08-16T08:00:00Z"), job: 1),
            incoming(article(Stories.shortStoryA, title: "Market", url: "https://b.example/1", published: "2021-01-15T10:00:00Z"), job: 2),
        ], dedup: dedup)
        _ = try store.compact(dedup: dedup)
        let copy = try store.store([incoming(article(Stories.trimmed, title: "Bridge (copy)", url: "https://c.example/1",
                                                     published: "2020-08-16T13:00:00Z"), job: 3)], dedup: dedup)
        #expect(try store.article(id: copy[0].id)?.duplicateOf == placed[0].id)
    }

    @Test("when a later-stored article is the first published, the copy it replaces as canonical carries the similarity")
    func similarityFollowsTheCopy() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        let copy = try store.store([incoming(article(Stories.trimmed, title: "Copy", url: "https://c.example/1", published: "2024-05-02"), job: 1)],
                                   dedup: dedup)
        let original = try store.store([incoming(article(Stories.original, title: "Original", url: "https://a.example/1", published: "2024-05-01"), job: 2)],
                                       dedup: dedup)
        let (storedCopy, storedOriginal) = (try store.article(id: copy[0].id), try store.article(id: original[0].id))
        #expect(storedCopy?.duplicateOf == original[0].id)
        #expect((storedCopy?.similarity ?? 0) > 0.6)
        #expect(storedOriginal?.similarity == nil && storedOriginal?.duplicateOf == nil)
    }

    @Test("copies point to the first-published article, even when it is stored after them")
    func canonicalIsFirstPublished() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        let ids = try store.store([
            incoming(article(Stories.withChrome, title: "Bridge to close", url: "https://coastal.example/bridge", published: "2025-05-14"), job: 1),
            incoming(article(Stories.trimmed, title: "Harbour bridge shut for repairs", url: "https://post.example/b", published: "2025-05-13T18:00:00Z"), job: 2),
            incoming(article(Stories.sameNamesOtherStory, title: "New ferry", url: "https://coastal.example/ferry", published: "2025-05-20"), job: 3),
        ], dedup: dedup).map(\.id)
        let later = try store.store([incoming(article(Stories.original, title: "Council closes bridge", url: "https://wire.example/1"), job: 4)], dedup: dedup).map(\.id)

        let first = try #require(try store.article(id: ids[0]))
        let second = try #require(try store.article(id: ids[1]))
        let unpublished = try #require(try store.article(id: later[0]))
        #expect(first.cluster == ids[0] && second.cluster == ids[0] && unpublished.cluster == ids[0])
        #expect(second.duplicateOf == nil, "the earliest published copy is canonical")
        #expect(first.duplicateOf == ids[1] && unpublished.duplicateOf == ids[1])
        #expect((unpublished.similarity ?? 0) >= DedupSettings().threshold)
        #expect(try store.article(id: ids[2])?.duplicateOf == nil)
        #expect(first.authors == ["Anna Berg"] && first.site == "coastal.example", "the site falls back to the URL's host")

        let summary = try store.summary()
        #expect(summary.articles == 4 && summary.duplicates == 2 && summary.clusters == 2 && summary.clustersWithCopies == 1)
        #expect(summary.languages == ["en": 4])
    }

    @Test("a job stored again after a crash is not stored twice")
    func idempotentByJob() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        let first = try store.store([incoming(article(Stories.original, title: "A", url: "https://a.example/1"), job: 7)], dedup: dedup)
        let again = try store.store([incoming(article(Stories.original, title: "A", url: "https://a.example/1"), job: 7)], dedup: dedup)
        #expect(first.map(\.id) == again.map(\.id))
        #expect(first.map(\.isNew) == [true] && again.map(\.isNew) == [false])
        #expect(try store.summary().articles == 1)
    }

    @Test("the same job id from another queue file is another job: its article is stored")
    func jobIDsOfAnotherQueue() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        let first = try store.store([incoming(article(Stories.original, title: "A", url: "https://a.example/1"), job: 1, queue: "queue-a")], dedup: dedup)
        let other = try store.store([incoming(article(Stories.sameNamesOtherStory, title: "B", url: "https://b.example/1"), job: 1, queue: "queue-b")],
                                    dedup: dedup)
        #expect(first[0].isNew && other[0].isNew && first[0].id != other[0].id)
        #expect(try store.article(id: other[0].id)?.queueID == "queue-b")
        #expect(try store.summary().articles == 2)
    }

    @Test("search finds stories by words and phrases with a snippet, one hit a story; a malformed query is searched as words")
    func search() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        try store.store([
            incoming(article(Stories.original, title: "Council closes harbour bridge", url: "https://a.example/1"), job: 1),
            incoming(article(Stories.edited, title: "Bridge closed", url: "https://b.example/2"), job: 2),
            incoming(article(Stories.sameNamesOtherStory, title: "New ferry opens", url: "https://a.example/3"), job: 3),
        ], dedup: dedup)
        let hits = try store.search("corrosion", limit: 10)
        #expect(hits.count == 1, "the copy is folded into its story")
        #expect(hits.first?.title == "Council closes harbour bridge" && hits.first?.duplicates == 1)
        #expect(hits.first?.snippet.contains("[corrosion]") == true, "\(hits.first?.snippet ?? "")")
        #expect(try store.search("\"ferry bridge\"", limit: 10).isEmpty)
        #expect(try store.search("ferry", limit: 10).count == 2)
        #expect(try store.search("Peter AND bakery", limit: 10).count == 2)
        #expect(try store.search("north-side (quay", limit: 10).map(\.title) == ["Council closes harbour bridge"], "not FTS5 syntax: searched as words")
        #expect(throws: ArticleStore.SearchError.self) { try store.search("   ", limit: 10) }
    }

    @Test("each field's source is kept and exported; a site named after the URL's host says so")
    func provenance() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        var sourced = article(Stories.original, title: "Bridge", url: "https://a.example/bridge", published: "2024-05-01")
        sourced.provenance = ["title": "meta:og", "published": "json-ld", "authors": "meta:name", "language": "cld2"]
        let id = try #require(try store.store([incoming(sourced, job: 1)], dedup: dedup).first?.id)
        let stored = try #require(try store.article(id: id))
        #expect(stored.site == "a.example")
        #expect(stored.provenance == ["title": "meta:og", "published": "json-ld", "authors": "meta:name", "language": "cld2", "site_name": "url-host"])
        var exported: [StoredArticle] = []
        try store.export(since: nil, includeDuplicates: true) { exported.append($0) }
        #expect(exported.map(\.provenance) == [stored.provenance])
    }

    @Test("export gives canonical articles, copies on request, and those stored since a time")
    func export() throws {
        let (directory, store, dedup) = try Self.emptyStore()
        defer { directory.remove() }
        try store.store([incoming(article(Stories.original, title: "A", url: "https://a.example/1"), job: 1)], dedup: dedup,
                        now: Date(timeIntervalSince1970: 1_000))
        try store.store([incoming(article(Stories.trimmed, title: "B", url: "https://b.example/1"), job: 2),
                         incoming(article(Stories.shortStoryA, title: "C", url: "https://c.example/1"), job: 3)], dedup: dedup,
                        now: Date(timeIntervalSince1970: 2_000))
        func titles(since: Date?, copies: Bool) throws -> [String?] {
            var titles: [String?] = []
            try store.export(since: since, includeDuplicates: copies) { titles.append($0.title) }
            return titles
        }
        #expect(try titles(since: nil, copies: false) == ["A", "C"])
        #expect(try titles(since: nil, copies: true) == ["A", "B", "C"])
        #expect(try titles(since: Date(timeIntervalSince1970: 1_500), copies: true) == ["B", "C"])
    }
}
