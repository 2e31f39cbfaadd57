import Foundation
import GRDB
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

/// Hand-made reports for the linking tests: a ferry accident reported in German, English and
/// French, the next day's rescue of the same people (a near miss), and an unrelated story.
enum EventStories {
    static let accidentDE = """
        Vor der Insel Sylt ist am Dienstagabend die Fähre „Nordlicht“ mit 212 Passagieren auf eine Sandbank gelaufen. Nach Angaben der Reederei Wyker Dampfschiffs-Reederei wurden 14 Menschen leicht verletzt.

        Kapitän Jörn Petersen habe bei Sturm die Kontrolle über das Schiff verloren, sagte ein Sprecher der Wasserschutzpolizei in Husum. Die Seenotretter der DGzRS brachten 38 Kinder einer Schulklasse aus Flensburg an Land.
        """
    static let accidentEN = """
        The ferry Nordlicht ran aground on a sandbank off the island of Sylt on Tuesday evening with 212 passengers on board, and 14 people suffered minor injuries, the operator Wyker Dampfschiffs-Reederei said.

        Captain Jörn Petersen lost control of the ship in a storm, a spokesman for the water police in Husum said. Lifeboat crews of the DGzRS took 38 children of a school class from Flensburg ashore.
        """
    static let accidentFR = """
        Le ferry Nordlicht s'est échoué mardi soir sur un banc de sable au large de l'île de Sylt avec 212 passagers à bord ; 14 personnes ont été légèrement blessées, selon la compagnie Wyker Dampfschiffs-Reederei.

        Le capitaine Jörn Petersen aurait perdu le contrôle du navire dans la tempête, selon la police maritime de Husum. Les sauveteurs de la DGzRS ont ramené à terre 38 enfants d'une classe de Flensburg.
        """
    /// The next day: the same ship, operator, captain and places, other facts.
    static let salvageEN = """
        Two tugboats pulled the ferry Nordlicht off the sandbank near Sylt on Wednesday afternoon, 19 hours after it ran aground, the operator Wyker Dampfschiffs-Reederei said.

        Captain Jörn Petersen was questioned by the water police in Husum. The ship was towed to Dagebüll for inspection, and services to the island resume on Friday with a replacement vessel carrying up to 600 passengers.
        """
    /// Two German guides to car loans: they share many nouns, and no happening.
    static let carLoanGuideA = """
        Wer ein Auto kaufen will, vergleicht am besten die Angebote. Ein Autokredit der Hausbank ist oft teurer als der Kredit einer Autobank, und der Händler gewährt bei Barzahlung häufig einen Rabatt auf das Fahrzeug.

        Die Bank behält den Fahrzeugbrief als Sicherheit, bis der Autokredit abbezahlt ist. Wer den Kredit früher tilgt, spart Zinsen.
        """
    static let carLoanGuideB = """
        Leasing oder Finanzierung? Beim Autokredit zahlt man das Fahrzeug in Raten ab. Viele Händler arbeiten mit einer Autobank zusammen, doch die eigene Bank bietet oft bessere Konditionen.

        Mit dem Kredit wird man zum Barzahler und kann beim Händler einen Rabatt aushandeln.
        """
    static let unrelatedEN = """
        The city council of Leeds approved a plan on Tuesday to plant 4,000 trees along its ring road by 2030, at a cost of 2.1 million pounds.

        Councillor Helen Hayden said the trees would cut noise and heat for residents near the road.
        """
}

extension EventLinkingTests {
    static func store(_ items: [(text: String, language: String, published: String)]) throws -> (TemporaryDirectory, ArticleStore, [StoredArticle]) {
        let (directory, store, dedup) = try ArticleStoreTests.emptyStore()
        var stored: [StoredArticle] = []
        for (offset, item) in items.enumerated() {
            let placed = try store.store([incoming(article(item.text, title: "Story \(offset)", url: "https://outlet\(offset).example/story",
                                                           published: item.published, language: item.language), job: Int64(offset + 1))], dedup: dedup)
            stored.append(try #require(try store.article(id: placed[0].id)))
        }
        return (directory, store, stored)
    }

    @Test("German–English and French–English reports of one accident are one event; the next day's salvage of the same ship and an unrelated story are not")
    func otherLanguagePairs() throws {
        let (directory, _, stored) = try Self.store([
            (EventStories.accidentDE, "de", "2025-11-04T19:30:00+01:00"), (EventStories.unrelatedEN, "en", "2025-11-04T18:00:00Z"),
            (EventStories.accidentEN, "en", "2025-11-04T21:10:00Z"), (EventStories.accidentFR, "fr", "2025-11-05T07:00:00+01:00"),
            (EventStories.salvageEN, "en", "2025-11-05T16:00:00Z"),
        ])
        defer { directory.remove() }
        let events = stored.map(\.event)
        #expect(events[2] == events[0] && events[3] == events[0], "de, en and fr reports of the accident: \(events)")
        #expect(Set(events).count == 3, "the unrelated story and the salvage are events of their own: \(events)")
        #expect(Set(stored.map(\.cluster)).count == 5, "linked, not merged: each report is its own story")
    }

    @Test("two stories of one language that share only capitalized words (German nouns) are apart; sharing a number as well, they are one event")
    func sameLanguageNeedsAFact() throws {
        for fact in ["", "\n\nDie Zinsen liegen derzeit bei 3,9 Prozent."] {
            let (directory, _, stored) = try Self.store([
                (EventStories.carLoanGuideA + fact, "de", "2025-11-04T10:00:00Z"), (EventStories.carLoanGuideB + fact, "de", "2025-11-04T11:00:00Z"),
            ])
            defer { directory.remove() }
            if fact.isEmpty {
                #expect(stored[1].event != stored[0].event, "Autokredit, Autobank, Händler, Rabatt, Fahrzeug and Bank are no event")
            } else {
                #expect(stored[1].event == stored[0].event, "the same nouns and 3,9 Prozent")
            }
        }
    }

    @Test("the thresholds rise with the time between two stories: a score that links two reports hours apart does not link them a day and a half apart")
    func thresholdsRiseWithTimeApart() throws {
        func placeSecond(hoursApart: Double, threshold: Double) throws -> EventPlacement {
            var settings = EventSettings()
            settings.threshold = threshold
            let fixture = try IndexFixture(settings: settings)
            defer { fixture.directory.remove() }
            return try fixture.place([(1, EventFeatures(text: EventStories.accidentDE, language: "de"), "de"),
                                      (2, EventFeatures(text: EventStories.accidentEN, language: "en"), "en")], hoursAfter: [0, hoursApart])[1]
        }
        let score = try #require(try placeSecond(hoursApart: 0, threshold: 0.2).score)
        // Just below the score: met 2 hours apart (the threshold 1.02 times as high), not 36 hours
        // apart (1.375 times).
        let threshold = score * 0.9
        #expect(try placeSecond(hoursApart: 2, threshold: threshold).event == 1)
        #expect(try placeSecond(hoursApart: 36, threshold: threshold).event == 2)
    }

    @Test("a story is verified only against the stories that hold two of its lookups")
    func candidatesHoldTwoLookups() throws {
        let german = EventFeatures(text: EventStories.accidentDE, language: "de")
        let english = EventFeatures(text: EventStories.accidentEN, language: "en")
        // The English report's rarest feature is its weekday, which the German one does not name
        // (`Dienstagabend`) and only this other story holds; the next rarest is held by both
        // German copies. Of the English report's two lookups, they hold one.
        let weekday = EventFeatures(text: "The meeting is on Tuesday.", language: "en")
        #expect(weekday.keys.count == 1 && english.keys.contains(weekday.keys[0]) && !german.keys.contains(weekday.keys[0]))
        func placeEnglish(minimumLookupsShared: Int) throws -> EventPlacement {
            var settings = EventSettings()
            settings.lookups = 2
            settings.minimumLookupsShared = minimumLookupsShared
            let fixture = try IndexFixture(settings: settings)
            defer { fixture.directory.remove() }
            return try fixture.place([(1, german, "de"), (2, german, "de"), (3, weekday, "en"), (4, english, "en")])[3]
        }
        #expect(try placeEnglish(minimumLookupsShared: 1).event == 1)
        #expect(try placeEnglish(minimumLookupsShared: 2).event == 4)
    }

    @Test("a copy of a story is in its story's event")
    func copiesFollowTheirStory() throws {
        let (directory, _, stored) = try Self.store([
            (EventStories.salvageEN, "en", "2025-11-05T16:00:00Z"), (EventStories.unrelatedEN, "en", "2025-11-05T18:00:00Z"),
            ("Share on Facebook\n\n" + EventStories.salvageEN, "en", "2025-11-05T17:00:00Z"),
        ])
        defer { directory.remove() }
        #expect(stored[2].duplicateOf == stored[0].id)
        #expect(stored.map(\.event) == [stored[0].id, stored[1].id, stored[0].id])
    }

    @Test("the event index follows the dedup window: a story stored after its event left the window founds a new one; the old articles keep their event")
    func windowFollowsDedup() throws {
        let (directory, store, dedup) = try ArticleStoreTests.emptyStore()
        defer { directory.remove() }
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        let first = try store.store([incoming(article(EventStories.accidentDE, title: "Fähre", url: "https://a.example/1", published: "2025-11-04T19:30:00+01:00",
                                                      language: "de"), job: 1)], dedup: dedup, now: start)
        let compacted = try store.compact(dedup: dedup, now: start.addingTimeInterval(40 * 86_400))
        #expect(compacted.events == 0, "the window ends at the newest story: nothing is older than 30 days before it")
        let later = start.addingTimeInterval(40 * 86_400)
        _ = try store.store([incoming(article(EventStories.unrelatedEN, title: "Trees", url: "https://b.example/1", published: nil), job: 2)], dedup: dedup, now: later)
        #expect(try store.compact(dedup: dedup, now: later).events == 1)
        let second = try store.store([incoming(article(EventStories.accidentEN, title: "Ferry", url: "https://c.example/1", published: "2025-11-04T21:10:00Z"),
                                               job: 3)], dedup: dedup, now: later)
        #expect(try store.article(id: second[0].id)?.event == second[0].id)
        #expect(try store.article(id: first[0].id)?.event == first[0].id)
    }

    @Test("a story placed again keeps its first placement, whatever it says the second time")
    func placedTwice() throws {
        let fixture = try IndexFixture()
        defer { fixture.directory.remove() }
        func place(_ doc: Int64, _ text: String, _ language: String) throws -> EventPlacement {
            try fixture.place([(doc, EventFeatures(text: text, language: language), language)])[0]
        }
        _ = try place(1, EventStories.accidentDE, "de")
        let linked = try place(2, EventStories.accidentEN, "en")
        #expect(linked.event == 1)
        let again = try place(2, EventStories.unrelatedEN, "en")
        #expect(again.event == 1 && again.matched == nil, "the recorded placement, not a new one: \(again)")
        #expect(try place(3, EventStories.unrelatedEN, "en").event == 3)
    }

    /// An event index in a temporary SQLite file, its stories all published on one day.
    struct IndexFixture {
        let directory: TemporaryDirectory
        let database: DatabaseQueue
        let index: EventIndex
        static let day = Date(timeIntervalSince1970: 1_762_280_000)

        init(settings: EventSettings = EventSettings()) throws {
            directory = try TemporaryDirectory()
            database = try StoreDatabase.open(at: directory.path("events.sqlite"), durable: false)
            index = EventIndex(settings: settings)
        }

        /// Places stories `(doc, features, language)` in one batch, in order, all stored at `day`
        /// and each published `hoursAfter` it (0 past the end of `hoursAfter`).
        func place(_ stories: [(doc: Int64, features: EventFeatures, language: String)], hoursAfter: [Double] = []) throws -> [EventPlacement] {
            try database.write { db in
                try index.batch(in: db) { batch in
                    try stories.enumerated().map { offset, story in
                        let published = Self.day.addingTimeInterval((offset < hoursAfter.count ? hoursAfter[offset] : 0) * 3_600)
                        return try batch.place(doc: story.doc, features: story.features, language: story.language, published: published, time: Self.day)
                    }
                }
            }
        }
    }

    /// Each key's row in `event_postings`: its count and its recent stories.
    static func postings(in database: some DatabaseReader) throws -> [Int64: (documents: Int, recent: [Int64])] {
        try database.read { db in
            var all: [Int64: (Int, [Int64])] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, documents, recent FROM event_postings") {
                let recent: Data = row[2]
                all[row[0]] = (row[1], recent.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) })
            }
            return all
        }
    }

    @Test("stories of one batch sharing keys: each key's count and most recent stories are written when the batch ends, and added to by the next batch")
    func postingsOfABatch() throws {
        let fixture = try IndexFixture()
        defer { fixture.directory.remove() }
        let accident = EventFeatures(text: EventStories.accidentEN, language: "en")
        let other = EventFeatures(text: EventStories.unrelatedEN, language: "en")
        let shared = Set(accident.keys).intersection(other.keys)
        // Two stories alternating, 80 of each in the first batch and 10 in the second: every
        // key's stories outgrow their room many times over, interleaved with the other's.
        func place(_ docs: ClosedRange<Int64>) throws -> [EventPlacement] {
            try fixture.place(docs.map { doc in (doc, doc % 2 == 1 ? accident : other, "en") })
        }
        func expectPostings(through last: Int64) throws {
            let written = try Self.postings(in: fixture.database)
            #expect(Set(written.keys) == Set(accident.keys).union(other.keys))
            for key in accident.keys + other.keys {
                let holders = (1...last).filter { shared.contains(key) || ($0 % 2 == 1) == accident.keys.contains(key) }
                #expect(written[key]?.documents == holders.count, "key \(key)")
                #expect(written[key]?.recent == Array(holders.reversed().prefix(EventIndex.recentPerKey)), "key \(key): its newest, newest first")
            }
        }
        let first = try place(1...160)
        func expectEvents(_ placements: [EventPlacement], from doc: Int64) {
            for (offset, placement) in placements.enumerated() {
                let expected: Int64 = (doc + Int64(offset)) % 2 == 1 ? 1 : 2
                #expect(placement.event == expected, "story \(doc + Int64(offset)) is in the event of the first like it")
            }
        }
        expectEvents(first, from: 1)
        try expectPostings(through: 160)
        let second = try place(161...180)
        expectEvents(second, from: 161)
        try expectPostings(through: 180)
    }

    @Test("stories placed in one batch land where they land placed one by one: a key's candidates are its most recent stories, pending or stored")
    func batchingChangesNoPlacement() throws {
        // A story naming four people between two runs of 70 stories for each naming one of them,
        // then the story again: each name's most recent stories no longer reach the first.
        let names = ["Lindqvist", "Okonkwo", "Barbosa", "Tanaka"]
        let all = "Reports say \(names.joined(separator: ", ")) met on the island."
        let each = names.flatMap { name in Array(repeating: "Reports say \(name) met on the island.", count: 70) }
        let texts = each + [all] + each + [all]
        func placements(batchSize: Int) throws -> (placements: [EventPlacement], postings: [Int64: (documents: Int, recent: [Int64])]) {
            let fixture = try IndexFixture()
            defer { fixture.directory.remove() }
            var placed: [EventPlacement] = []
            for start in stride(from: 0, to: texts.count, by: batchSize) {
                placed += try fixture.place((start..<min(start + batchSize, texts.count)).map { offset in
                    (Int64(offset + 1), EventFeatures(text: texts[offset], language: "en"), "en")
                })
            }
            return (placed, try Self.postings(in: fixture.database))
        }
        let oneBatch = try placements(batchSize: texts.count)
        let oneByOne = try placements(batchSize: 1)
        #expect(oneBatch.placements.count == texts.count && oneByOne.placements.count == texts.count)
        let differing = zip(oneBatch.placements, oneByOne.placements).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(differing.isEmpty, "\(differing.prefix(3).map { "story \($0.offset + 1): \($0.element.0) in one batch, \($0.element.1) one by one" })")
        let nameKeys = EventFeatures(text: all, language: "en").keys
        #expect(nameKeys.count == names.count)
        for key in nameKeys { #expect(oneBatch.postings[key]?.documents == 142, "every name is held by more stories than a key keeps") }
        #expect(oneBatch.placements.last?.event == Int64(texts.count), "the first story is out of reach: \(String(describing: oneBatch.placements.last))")
    }

    @Test("an event index of the first layout keeps its stories: each key's count and most recent stories move to one row; compaction then forgets a key with its last story")
    func postingsMigration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try DatabaseQueue(path: directory.path("events.sqlite"))
        let migrator = StoreDatabase.migrator { _ in }
        try migrator.migrate(database, upTo: "events-v1")
        try database.write { db in
            for doc in Int64(1)...70 {
                let keys: [Int64] = doc == 5 ? [10, 20] : [10]
                try db.execute(sql: "INSERT INTO event_documents (doc, event, at, published, norm, features, mentions) VALUES (?, ?, ?, 0, 1, ?, ?)",
                               arguments: [doc, doc, Double(doc), keys.withUnsafeBytes { Data($0) }, Data(repeating: 1, count: keys.count)])
                for key in keys { try db.execute(sql: "INSERT INTO event_keys (key, doc) VALUES (?, ?)", arguments: [key, doc]) }
            }
            try db.execute(sql: "INSERT INTO event_key_counts (key, documents) VALUES (10, 70), (20, 1), (30, 0)")
        }
        try migrator.migrate(database)
        let migrated = try Self.postings(in: database)
        #expect(migrated.keys.sorted() == [10, 20], "a key no story holds has no row")
        #expect(migrated[10]?.documents == 70 && migrated[10]?.recent == Array((7...70).reversed()), "the most recent \(EventIndex.recentPerKey), newest first")
        #expect(migrated[20]?.documents == 1 && migrated[20]?.recent == [5])
        #expect(try database.read { try !$0.tableExists("event_keys") && !$0.tableExists("event_key_counts") })

        let removed = try database.write { try EventIndex().compact(in: $0, before: Date(timeIntervalSince1970: 10)) }
        #expect(removed == 9)
        let compacted = try Self.postings(in: database)
        #expect(compacted.keys.sorted() == [10], "key 20's only story left the window: the key went with it")
        #expect(compacted[10]?.documents == 61 && compacted[10]?.recent == Array((10...70).reversed()))
    }
}

@Suite("Event commands", .serialized)
struct EventCommandTests {
    @Test("store events lists each event's stories by language; search shows a hit's other-language versions; export and stats carry events")
    func commands() throws {
        let (directory, store, _) = try EventLinkingTests.storeSeeds()
        defer { directory.remove() }
        let path = store.path
        let listed = try runProduct("store", ["events", "--store-db", path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.components(separatedBy: "event #").count - 1 == 2, "two events of more than one story:\n\(listed.stdout)")
        #expect(listed.stdout.contains("2 stories, 2 languages (nl, en)") || listed.stdout.contains("2 stories, 2 languages (en, nl)"), "\(listed.stdout)")

        let json = try runProduct("store", ["events", "--store-db", path, "--json", "--all", "--language", "nl"])
        let events = try json.stdout.split(separator: "\n").map { try JSONDecoder().decode(ArticleStore.Event.self, from: Data($0.utf8)) }
        #expect(events.count == 2 && events.allSatisfy { Set($0.languages) == ["nl", "en"] && $0.stories.count == 2 }, "\(json.stdout)")

        let search = try runProduct("store", ["search", "Karpenkov", "--store-db", path])
        #expect(search.status == 0 && search.stdout.contains("also in nl:"), "\(search.stdout)")

        let export = try runProduct("store", ["export", "--store-db", path])
        let exported = try export.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(exported.map { $0["event"] as? Int } == [1, 1, 3, 3, 5])

        let stats = try runProduct("store", ["stats", "--store-db", path])
        #expect(stats.stdout.contains("events            3 (2 in more than one language)"), "\(stats.stdout)")

        let bad = try runProduct("store", ["events", "--store-db", path, "--language", "n l"])
        #expect(bad.status != 0 && bad.stderr.contains("--language \"n l\" is not a language code"), "\(bad.stderr)")
    }

    @Test("store dedup --events: each line also names its event by the id of the event's first story")
    func dedupEvents() throws {
        let lines: [[String: Any]] = [
            ["id": "de", "text": EventStories.accidentDE, "language": "de", "published": "2025-11-04T19:30:00+01:00"],
            ["id": 2, "text": EventStories.unrelatedEN, "language": "en", "published": "2025-11-04T18:00:00Z"],
            ["id": "en", "text": EventStories.accidentEN, "language": "en", "published": "2025-11-04T21:10:00Z"],
            ["id": "fr", "text": EventStories.accidentFR, "language": "fr", "published": "2025-11-05T07:00:00+01:00"],
            ["id": "copy", "text": "Share on Facebook\n\n" + EventStories.accidentEN, "published": "2025-11-05T08:00:00Z"],
        ]
        let input = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        let run = try runProduct("store", ["dedup", "--events", "-"], stdin: Data(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n") == [
            #"{"id":"de","cluster":"de","duplicate_of":null,"event":"de"}"#,
            #"{"id":2,"cluster":2,"duplicate_of":null,"event":2}"#,
            #"{"id":"en","cluster":"en","duplicate_of":null,"event":"de"}"#,
            #"{"id":"fr","cluster":"fr","duplicate_of":null,"event":"de"}"#,
            #"{"id":"copy","cluster":"en","duplicate_of":"en","event":"de"}"#,
        ])
        let bad = try runProduct("store", ["dedup", "--events", "--event-threshold", "2", "-"], stdin: Data())
        #expect(bad.status != 0 && bad.stderr.contains("--event-threshold must be between 0 and 1"), "\(bad.stderr)")
    }
}
