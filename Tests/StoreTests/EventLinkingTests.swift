import Foundation
import Model
import Testing
import TestSupport
@testable import Store

@Suite("Event linking")
struct EventLinkingTests {
    /// The seeds, stored one by one in name order, all published `published` (nil: their own dates).
    static func storeSeeds(published: String? = nil) throws -> (TemporaryDirectory, ArticleStore, [Int64]) {
        let (directory, store, dedup) = try ArticleStoreTests.emptyStore()
        var ids: [Int64] = []
        for (offset, seed) in try SampleStory.seeds().enumerated() {
            let text = seed.paragraphs.joined(separator: "\n\n")
            let placed = try store.store([incoming(article(text, title: seed.fields["headline"] ?? seed.name, url: "https://\(seed.fields["outlet"] ?? "x").example/\(offset)",
                                                           published: published ?? seed.fields["published"], language: seed.fields["language"] ?? "en"),
                                                   job: Int64(offset + 1))], dedup: dedup)
            ids.append(placed[0].id)
        }
        return (directory, store, ids)
    }

    @Test("the five seeds are three events: the leak in Dutch and English, the prison visit in Dutch and English, the Putin call")
    func seedsAreThreeEvents() throws {
        for published in [nil, "2020-10-10T12:00:00Z"] {
            let (directory, store, ids) = try Self.storeSeeds(published: published)
            defer { directory.remove() }
            let events = try ids.map { try #require(try store.article(id: $0)).event }
            let clusters = try ids.map { try #require(try store.article(id: $0)).cluster }
            #expect(events == [ids[0], ids[0], ids[2], ids[2], ids[4]], "published \(published ?? "as given")")
            #expect(clusters == ids, "no seed is a copy of another")
        }
    }
}
