import Foundation
import GRDB
import Testing
import TestSupport
@testable import Store

/// A dedup index in a temporary SQLite file, fed texts in order.
struct IndexUnderTest {
    let directory: TemporaryDirectory
    let database: DatabaseQueue
    let index: DedupIndex

    init(settings: DedupSettings = DedupSettings()) throws {
        directory = try TemporaryDirectory()
        database = try StoreDatabase.open(at: directory.path("dedup.sqlite"), durable: false)
        index = try DedupIndex(settings: settings)
    }

    static let start = Date(timeIntervalSince1970: 1_760_000_000)

    /// Places each text as documents `first`, `first + 1`, …, dated `day` days after `start`;
    /// returns their placements.
    func place(_ texts: [String], first: Int64 = 1, day: Double = 0) throws -> [DedupPlacement] {
        try database.write { db in
            try index.batch(in: db) { batch in
                try texts.enumerated().map { offset, text in
                    try batch.place(doc: first + Int64(offset), text: text, time: Self.start.addingTimeInterval(day * 86_400))
                }
            }
        }
    }

    /// Rows of the index, and key rows whose document has left it (there should be none).
    func rows() throws -> (documents: Int, keys: Int, orphanKeys: Int) {
        try database.read { db in
            let size = try DedupIndex.size(in: db)
            let orphans = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dedup_keys WHERE doc NOT IN (SELECT doc FROM dedup_documents)") ?? 0
            return (size.documents, size.keys, orphans)
        }
    }
}

@Suite("Near-duplicate detection")
struct DeduplicationTests {
    @Test("a story's copies — re-headlined, trimmed, with other chrome, lightly edited — join the original's cluster")
    func copiesJoinTheStory() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let placements = try index.place([Stories.original, Stories.reheadlined, Stories.trimmed, Stories.withChrome, Stories.edited])
        #expect(placements[0] == DedupPlacement(cluster: 1, matched: nil, similarity: nil))
        for (name, placement) in zip(["re-headlined", "trimmed", "with chrome", "edited"], placements.dropFirst()) {
            #expect(placement.cluster == 1, "\(name) copy")
            #expect(placement.isDuplicate, "\(name) copy")
            #expect((placement.similarity ?? 0) >= DedupSettings().threshold, "\(name) copy")
        }
        #expect(placements[1].similarity == 1, "an exact copy is similarity 1")
    }

    @Test("the same people and places in a different story stay apart")
    func sameNamesDifferentStory() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let placements = try index.place([Stories.original, Stories.sameNamesOtherStory])
        #expect(placements.map(\.cluster) == [1, 2])
        #expect(!placements[1].isDuplicate)
    }

    @Test("different short stories inside one heavy site template stay apart; the template is learnt")
    func sharedTemplate() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let placements = try index.place([Stories.shortStoryA, Stories.shortStoryB, Stories.roadWorks, Stories.beachCleanUp].map { Stories.inTemplate($0) })
        #expect(placements.map(\.cluster) == [1, 2, 3, 4])
        let learnt = try index.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dedup_template_lines") ?? 0 }
        #expect(learnt > 0, "lines the pages share became template lines")
        // With the template known, a copy of the first story — indexed before the template was
        // learnt — still finds it, and so does the bare story.
        let copies = try index.database.write { db in
            try index.index.batch(in: db) { batch in
                try [Stories.inTemplate(Stories.shortStoryA), Stories.shortStoryA].enumerated().map { offset, text in
                    try batch.place(doc: Int64(5 + offset), text: text, time: IndexUnderTest.start)
                }
            }
        }
        #expect(copies.map(\.cluster) == [1, 1])
    }

    @Test("a short story inside heavy chrome — headline lists, other prose — matches its copy in another outlet's chrome")
    func shortStoryInHeadlineLists() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let headlines = { (seed: Int) in
            (0..<8).map { "Headline number \(seed * 10 + $0) about another story of the week" }.joined(separator: "\n")
        }
        let page = { (story: String, seed: Int, prose: String) in
            "Most read\n\(headlines(seed))\n\n\(story)\n\nMore from the site\n\(headlines(seed + 1))\n\(prose)"
        }
        let prose = "Our morning briefing brings the most important news straight to your inbox every weekday, free of charge."
        let otherProse = "Sign up and get the stories you need to start the day, picked by our editors, every single morning."
        let placements = try index.place([
            page(Stories.shortStoryA, 1, prose), page(Stories.shortStoryA, 5, otherProse),
            page(Stories.shortStoryB, 1, prose),
        ])
        #expect(placements.map(\.cluster) == [1, 1, 3], "the copy joins; another story between the same lists stays apart")
    }

    @Test("a learnt template line is template in its variants too: the copy on a sister site, whose notices name another outlet, matches the original")
    func templateVariants() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let others = [Stories.shortStoryB, Stories.roadWorks, Stories.beachCleanUp]
        let placements = try index.place(others.map { Stories.inTemplate($0) } + [
            Stories.inTemplate(Stories.shortStoryA), Stories.inTemplate(Stories.shortStoryA, outlet: "Millbrook Evening Gazette"),
        ])
        #expect(placements.map(\.cluster) == [1, 2, 3, 4, 4])
        #expect((placements[4].similarity ?? 0) > 0.9, "the sister site's notices are not counted as story")
    }

    @Test("a short story syndicated into another site's template still matches it, and unrelated stories never do")
    func storyAcrossTemplates() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        let placements = try index.place([Stories.original, Stories.shortStoryA, Stories.inTemplate(Stories.original)])
        #expect(placements.map(\.cluster) == [1, 2, 1])
    }

    @Test("the seed stories — one leak and one prison visit reported in Dutch and English, one other story — are five stories")
    func seeds() throws {
        let seeds = try SampleStory.seeds()
        #expect(seeds.count == 5)
        let texts = seeds.map { $0.paragraphs.joined(separator: "\n\n") }
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        #expect(try index.place(texts).map(\.cluster) == [1, 2, 3, 4, 5])
    }

    @Test("placing a document twice keeps its first placement")
    func idempotent() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        _ = try index.place([Stories.original, Stories.trimmed])
        let again = try index.database.write { db in
            try index.index.batch(in: db) { try $0.place(doc: 2, text: "something else entirely", time: IndexUnderTest.start) }
        }
        #expect(again.cluster == 1 && again.isDuplicate)
    }

    @Test("the window: stories older than 30 days before the newest leave the index with their keys; a copy inside it still finds its story")
    func window() throws {
        let index = try IndexUnderTest()
        defer { index.directory.remove() }
        _ = try index.place([Stories.original], first: 1, day: 0)
        _ = try index.place([Stories.sameNamesOtherStory], first: 2, day: 5)
        #expect(try index.place([Stories.trimmed], first: 3, day: 20).first?.cluster == 1)
        // The newest story is 20 days old: nothing is older than the window yet, even with a later clock.
        let early = try index.database.write { db in try index.index.compact(in: db, now: IndexUnderTest.start.addingTimeInterval(90 * 86_400)) }
        #expect(early.documents == 0 && early.keys == 0)
        _ = try index.place([Stories.shortStoryA], first: 4, day: 45)
        let before = try index.rows()
        // A document indexed before keys were kept: its keys are found again from its words. Two
        // template candidates, one last seen on day 1, one on day 44.
        try index.database.write { db in
            try db.execute(sql: "UPDATE dedup_documents SET keys = NULL WHERE doc = 1")
            try db.execute(sql: "INSERT INTO dedup_template_candidates (line, pairs, last_seen) VALUES (11, 1, ?), (44, 1, ?)",
                           arguments: [IndexUnderTest.start.addingTimeInterval(86_400).timeIntervalSince1970,
                                       IndexUnderTest.start.addingTimeInterval(44 * 86_400).timeIntervalSince1970])
        }
        let removed = try index.database.write { db in try index.index.compact(in: db) }
        #expect(removed.documents == 2 && removed.cutoff == IndexUnderTest.start.addingTimeInterval(15 * 86_400))
        let after = try index.rows()
        #expect(after.documents == 2 && after.orphanKeys == 0 && after.keys > 0 && before.keys - after.keys == removed.keys)
        #expect(try index.database.read { db in try Int64.fetchAll(db, sql: "SELECT line FROM dedup_template_candidates") } == [44],
                "a template candidate not seen again within the window is forgotten")

        // A copy of the story whose first article left: found through the copy still inside the window,
        // under the story's first label.
        let late = try index.place([Stories.edited, Stories.sameNamesOtherStory], first: 5, day: 46)
        #expect(late[0].cluster == 1 && late[0].matched == 3)
        // The other story left the index entirely: its copy founds a new story.
        #expect(late[1].cluster == 6 && !late[1].isDuplicate)
    }

    @Test("settings that do not fit together are refused with the reason")
    func badSettings() throws {
        var settings = DedupSettings()
        settings.bins = 100
        settings.bands = 24
        #expect(throws: SettingsError.self) { try DedupIndex(settings: settings) }
        settings = DedupSettings()
        settings.threshold = 1.5
        #expect(throws: SettingsError.self) { try DedupIndex(settings: settings) }
    }
}

@Suite("Story text normalization")
struct StoryTextTests {
    /// The stored form without its headline marks.
    func words(_ text: String) -> String {
        String(decoding: StoryText(text: text).normalized.filter { $0 != StoryText.headlineMark }, as: UTF8.self)
    }

    @Test("lines of up to 14 words that do not end as a sentence are headlines: kept and marked, not signed")
    func headlines() {
        let text = StoryText(text: """
            Trending now
            Ferry timetable changes for the summer season
            Council votes to close the old harbour bridge
            The council voted to close the bridge for repairs this summer.
            "We had no choice," the mayor said.
            """)
        #expect(text.lines.map(\.isHeadline) == [true, true, false, false])
        #expect(text.storyWordHashes == StoryText(text: "The council voted to close the bridge for repairs this summer.\n\"We had no choice,\" the mayor said.").wordHashes)
        let stored = StoryText(normalized: text.normalized, template: .empty)
        #expect(stored.lines.map(\.isHeadline) == text.lines.map(\.isHeadline), "the stored form keeps the marks")
    }

    @Test("a line ends as a sentence before closing quotes and brackets, not before a letter that ends in a quote's last byte (ę, Й, 这)")
    func sentenceEnds() {
        func ends(_ line: String) -> Bool { Array(line.utf8).withUnsafeBufferPointer { StoryText.endsSentence($0, 0, $0.count) } }
        #expect(ends("The council voted to close the bridge."))
        #expect(ends("The mayor said: “We had no choice.”"))
        #expect(ends("“Stay,” she said. ‘Please.’ "))
        #expect(ends("It rained all day (again.)"))
        #expect(!ends("Punkt 1. ę"))
        #expect(!ends("Глава 2. Й"))
        #expect(!ends("他说. 这"))
        #expect(!ends("Trending now"))
    }

    @Test("case, punctuation, quote styles, spacing and Unicode forms do not matter")
    func normalization() {
        let plain = words("\"Don't panic,\" said the Mayor — calmly, in Zürich's café.")
        #expect(plain == "don t panic said the mayor calmly in zürich s café")
        #expect(words("\u{201C}Don\u{2019}t   PANIC,\u{201D} said the mayor – calmly, in Zu\u{0308}rich\u{2019}s cafe\u{0301}.") == plain)
        #expect(words("The ﬁnal ＡＢＣ of it all") == "the final abc of it all")
    }

    @Test("chrome lines are left out: bylines, share and follow prompts, copyright, credits, read-more links, short lines")
    func chrome() {
        let text = """
            By Anna Berg
            Share on Facebook
            Delen op WhatsApp
            Photo: Jan Smit/ANP
            Home
            LONDON (Reuters) - The council voted to close the bridge for repairs this summer.
            Read more: Ferry timetable for the summer season
            © 2025 Coastal Times
            Copyright Harbourton Courier 2024
            Sign up for our daily newsletter
            """
        #expect(words(text) == "the council voted to close the bridge for repairs this summer")
    }

    @Test("a sentence of a story that mentions a newsletter is story, not chrome")
    func longLinesAreStory() {
        let sentence = "The newsletter, which the council sends to every household twice a year, announced the closure of the bridge in March."
        #expect(words(sentence) == "the newsletter which the council sends to every household twice a year announced the closure of the bridge in march")
    }

    @Test("a text made only of short lines is still compared: nothing is left out then")
    func onlyShortLines() {
        #expect(words("Home\nNews\nSport") == "home\nnews\nsport")
    }
}
