import Foundation
import GRDB
import GRDBSQLite

/// Thresholds of event linking. The defaults are the ones chosen on the evaluation in
/// `Benchmarks/events.sh` (its figures are in `docs/BENCHMARKS.md`): the cross-language
/// threshold on the hand-written multilingual events, the same-language one on the dev sets'
/// real pages (dated as published, and all on one day).
public struct EventSettings: Sendable {
    /// Score (see `EventIndex`) at or above which two stories in different languages report one
    /// event.
    public var threshold = 0.2
    /// The same for two stories in one language (or of unknown language): they also share the
    /// capitalized words of their language that name no one (German nouns, English headings),
    /// which no other language shares, so the same score says less.
    public var sameLanguageThreshold = 0.35
    /// Features two stories must share at least, whatever their score.
    public var minimumShared = 4
    /// Two stories published further apart than this report different events: follow-ups of a
    /// story days later are events of their own, and this is what keeps the daily reports of a
    /// long crisis apart when they share every name.
    public var maximumApart: TimeInterval = 2 * 86_400
    /// How much more evidence stories published apart need: both thresholds rise by this share
    /// of themselves at `maximumApart`, in proportion to the time between. Reports of one event
    /// come within hours of each other; a day or more later, stories of the same crisis that
    /// share its people and its toll are mostly the next event. 0.5 is the middle of the range
    /// (0.25 to 0.75) in which no check of `Benchmarks/events.sh` loses a same-event pair.
    public var thresholdRise = 0.5
    /// The rarest features of a story looked up in the index (each with its most recent
    /// stories, `EventIndex.recentPerKey`): the cost per story stays flat however large the
    /// index grows.
    public var lookups = 8
    /// Stories verified per new story: those sharing the most lookup weight.
    public var candidateLimit = 6
    /// Lookups a story must share with another to be verified against it. Two reports of one
    /// event share several of their rarest features; one alone is mostly chance (a common
    /// number, two names of one skeleton). In `Benchmarks/events.sh` no linked pair shares fewer
    /// than two, and on the 100 000-story corpus this leaves three candidates per story to read
    /// and score, not five. A story with at most `lookups` features held by others is unaffected
    /// while `minimumShared` is at least as large: all it shares with another story is lookups.
    public var minimumLookupsShared = 2

    public init() {}
}

/// Where a story landed: its event (the id of the event's first story) and, when it joined one,
/// the story it was matched with and their score.
public struct EventPlacement: Equatable, Sendable {
    public var event: Int64
    /// The label of the event's first story (`store dedup`'s input id).
    public var eventLabel: String?
    public var matched: Int64?
    public var score: Double?
}

/// The event index: each story's features (see `EventFeatures`) and, per feature, how many
/// stories hold it and the most recent of them, in SQLite beside the dedup index.
///
/// A new story looks up its rarest features only, reading a bounded number of stories for each,
/// verifies the few stories that share most of them, and joins the best one's event when their
/// score reaches the threshold; else it founds an event. The score is the rarity-weighted share
/// of their features, a cosine: each feature weighs `ln(1 + N / (1 + df)) / ln(1 + N)` (N stories
/// indexed, df of them holding it) times `1 + ln(mentions)`, so a long story that names everyone
/// in a crisis does not link to every short one, and the names a story is about count most.
/// The thresholds rise with the time between two stories' publication (`thresholdRise`). Stories
/// published further apart than `maximumApart` never link, nor do two stories of one
/// language that share names only, and no number, day, weekday or acronym.
///
/// Like `DedupIndex`, stories are placed inside the caller's write transaction, and the index is
/// a window: `compact(in:before:)` removes the stories stored before the dedup window's start.
public final class EventIndex {
    public let settings: EventSettings
    /// What the batch knows of each key it has looked up: asked for every key of every story.
    private var batchKeys = Int64Map<BatchKey>()
    /// The stories of the batch holding each key, not yet written: each key's side by side in a
    /// run of this one array (see `BatchKey`), moved to the end with twice the room when full.
    /// An array per key cost an allocation for each of a story's keys, a tenth of the linking's
    /// time; a list linked through one array saves those, but its cache misses when candidates
    /// are counted cost more.
    private var pending: [Int64] = []
    private var pendingDocuments = 0
    /// The stored postings of the keys the batch has looked up: they change only when the batch
    /// is written, and the common keys (weekdays, a country's name) recur in most stories.
    private var stored = Int64Map<Postings>()
    /// A story's candidates with the lookups they hold: reused from story to story.
    private var hits = Int64Map<Hit>(capacity: 1024)

    /// What a candidate holds of a story's lookups.
    private struct Hit {
        /// The rarity of the lookups it holds, summed.
        var weight = 0.0
        var lookups = 0
    }

    /// Stories kept per key, and looked through for candidates: its most recent. A story's
    /// candidates are found through its rarest keys, which few stories hold; a common key's
    /// recent stories are enough to find a story of the same event published alongside.
    static let recentPerKey = 64

    /// A key the batch has looked up: kept apart from its postings' array, which each read of
    /// `stored` would retain and release.
    private struct BatchKey {
        /// Stories holding it, stored and pending.
        var documents: Int
        /// Where the batch's stories holding it are in `pending`, oldest first, and the room
        /// they have there.
        var pendingStart: Int32 = 0
        var pendingCount: Int32 = 0
        var pendingRoom: Int32 = 0
    }

    /// A key's row in `event_postings`.
    private struct Postings {
        /// Stories in the index holding the key.
        var documents: Int
        /// The most recent of them, newest first, at most `recentPerKey`.
        var recent: [Int64]
    }

    public init(settings: EventSettings = EventSettings()) {
        self.settings = settings
    }

    /// The index's tables, as a migration of the database that holds them.
    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("events-v1") { db in
            try db.execute(sql: """
                CREATE TABLE event_documents (
                    doc INTEGER PRIMARY KEY,
                    event INTEGER NOT NULL,
                    event_label TEXT,
                    at REAL NOT NULL,
                    published REAL NOT NULL,
                    language TEXT,
                    norm REAL NOT NULL,
                    features BLOB NOT NULL,
                    mentions BLOB NOT NULL
                );
                CREATE INDEX event_documents_at ON event_documents (at);
                CREATE TABLE event_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
                CREATE TABLE event_key_counts (key INTEGER PRIMARY KEY, documents INTEGER NOT NULL);
                """)
        }
        // A key's count and recent stories in one row: one read per key where a story needed a
        // count and a range of postings, and one write where it needed two.
        migrator.registerMigration("events-v2-postings") { db in
            try db.execute(sql: "CREATE TABLE event_postings (key INTEGER PRIMARY KEY, documents INTEGER NOT NULL, recent BLOB NOT NULL)")
            let recent = try db.makeStatement(sql: "SELECT doc FROM event_keys WHERE key = ? ORDER BY doc DESC LIMIT \(recentPerKey)")
            let keys = try Row.fetchAll(db, sql: "SELECT key, documents FROM event_key_counts WHERE documents > 0 ORDER BY key")
            for row in keys {
                let key: Int64 = row[0]
                var docs: [Int64] = []
                try recent.run(key, in: db) { docs.append(sqlite3_column_int64($0, 0)) }
                try writePostings(key, Postings(documents: row[1], recent: docs), in: db)
            }
            try db.execute(sql: "DROP TABLE event_keys; DROP TABLE event_key_counts")
        }
    }

    private static func writePostings(_ key: Int64, _ postings: Postings, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO event_postings (key, documents, recent) VALUES (?, ?, ?)").run(in: db, binding: { statement in
            statement.bind(1, key)
            statement.bind(2, Int64(postings.documents))
            statement.bind(3, blob: postings.recent)
        })
    }

    /// Places stories inside the caller's write transaction; the postings of the batch's keys are
    /// written, in key order, when `body` returns.
    func batch<Result>(in db: Database, _ body: (Batch) throws -> Result) throws -> Result {
        defer {
            batchKeys.removeAll()
            pending.removeAll(keepingCapacity: true)
            stored.removeAll()
            pendingDocuments = 0
        }
        // The stories indexed, counted by the span of their ids (copies, never indexed, count
        // too): a scale for the weights, read in two steps of the primary key, not a scan.
        let indexed = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(doc) - MIN(doc) + 1, 0) FROM event_documents") ?? 0
        let result = try body(Batch(index: self, db: db, indexed: indexed))
        for (key, entry) in batchKeys.entries.filter({ $0.value.pendingCount > 0 }).sorted(by: { $0.key < $1.key }) {
            var postings = try self.postings(key, in: db)
            let docs = pendingDocs(entry)
            postings.documents += docs.count
            postings.recent = Array((docs + postings.recent).sorted(by: >).prefix(Self.recentPerKey))
            try Self.writePostings(key, postings, in: db)
        }
        return result
    }

    /// The stories placed in one `batch(in:_:)`.
    struct Batch {
        let index: EventIndex
        let db: Database
        let indexed: Int

        /// Finds the event `features` report and records the story as `doc`, published at
        /// `published` (else fetched then) and stored at `time`, by which it leaves the window.
        /// `label` names the story to the caller; the placement carries the label of the event's
        /// first story. A story already recorded keeps its placement.
        func place(doc: Int64, features: EventFeatures, language: String?, published: Date, time: Date, label: String? = nil) throws -> EventPlacement {
            try index.place(doc: doc, features: features, language: language, published: published, time: time, label: label,
                            indexed: indexed, in: db)
        }

        /// The event of a story in the index.
        func event(of doc: Int64) throws -> EventPlacement? { try index.event(of: doc, in: db) }
    }

    private func place(doc: Int64, features: EventFeatures, language: String?, published: Date, time: Date, label: String?, indexed: Int,
                       in db: Database) throws -> EventPlacement {
        let code = language.map(Self.languageCode)
        let keys = features.keys
        let stories = Double(indexed + pendingDocuments + 1)
        let counts = try keys.map { try documents(holding: $0, in: db) }
        // Relative to a feature no other story holds, so a story's norm, kept from when it was
        // indexed, stays comparable as the index grows.
        let rarity = counts.map { log(1 + stories / Double(1 + $0)) / log(1 + stories) }
        let weights = zip(rarity, features.mentions).map { $0 * Self.mentionWeight($1) }
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let hasNumbers = keys.contains { EventFeatures.kind(of: $0) == .number }
        var best: EventPlacement?
        // Each candidate is scored inside its row's callback, on SQLite's copy of its blobs:
        // no array or string is made for the candidates that do not link.
        let read = try db.cachedStatement(sql: "SELECT published, norm, language, features, mentions, event, event_label FROM event_documents WHERE doc = ?")
        for candidate in try candidates(keys: keys, counts: counts, rarity: rarity, in: db) {
            try read.run(candidate, in: db) { row in
                let theirNorm = sqlite3_column_double(row, 1)
                let apart = abs(sqlite3_column_double(row, 0) - published.timeIntervalSince1970)
                guard apart <= settings.maximumApart, theirNorm > 0 else { return }
                let theirKeys = row.blob(column: 3)
                let theirMentions = row.blob(column: 4)
                let theirCount = min(theirKeys.count / 8, theirMentions.count)
                func theirKey(_ index: Int) -> Int64 { theirKeys.loadUnaligned(fromByteOffset: index * 8, as: Int64.self) }
                var shared = 0
                var sharedNumbers = 0
                var sharedNames = 0
                var product = 0.0
                for (index, key) in keys.enumerated() {
                    // A story has at most `EventFeatures.limit` features: a scan beats a dictionary.
                    guard let theirs = (0..<theirCount).first(where: { theirKey($0) == key }) else { continue }
                    shared += 1
                    switch EventFeatures.kind(of: key) {
                    case .number: sharedNumbers += 1
                    case .name: sharedNames += 1
                    default: break
                    }
                    product += weights[index] * rarity[index] * Self.mentionWeight(Int(theirMentions[theirs]))
                }
                // Two stories that both state numbers, none of them the same, tell different facts:
                // the next day's count, another match's score, the sentence after the verdict.
                if sharedNumbers == 0, hasNumbers, (0..<theirKeys.count / 8).contains(where: { EventFeatures.kind(of: theirKey($0)) == .number }) { return }
                let score = product / (norm * theirNorm)
                let sameLanguage = code.map { row.text(column: 2, isNilOr: $0) } ?? true
                // Two stories of one language also share the capitalized words of their language
                // that name no one: two German guides to car loans share `Bank`, `Fahrzeug` and
                // `Autokredit` and report nothing. They link only when they also share a fact that
                // is no such word: a number, a day, a weekday or an acronym.
                if sameLanguage, sharedNames == shared { return }
                let threshold = (sameLanguage ? settings.sameLanguageThreshold : settings.threshold)
                    * (1 + settings.thresholdRise * (apart > 0 ? apart / settings.maximumApart : 0))
                if shared >= settings.minimumShared, score >= threshold, score > best?.score ?? 0 {
                    best = EventPlacement(event: sqlite3_column_int64(row, 5), eventLabel: row.text(column: 6), matched: candidate, score: score)
                }
            }
        }
        let placement = best ?? EventPlacement(event: doc, eventLabel: label)
        let mentions = features.mentions.map { UInt8(min($0, 255)) }
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO event_documents (doc, event, event_label, at, published, language, norm, features, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run(in: db, binding: { statement in
                statement.bind(1, doc)
                statement.bind(2, placement.event)
                statement.bind(3, text: placement.eventLabel)
                statement.bind(4, time.timeIntervalSince1970)
                statement.bind(5, published.timeIntervalSince1970)
                statement.bind(6, text: code)
                statement.bind(7, norm)
                statement.bind(8, blob: keys)
                statement.bind(9, blob: mentions)
            })
        // A story placed before keeps its first placement: found here, when the insert is
        // ignored, rather than looked up for every story.
        if sqlite3_changes(db.sqliteConnection) == 0, let placed = try event(of: doc, in: db) { return placed }
        for key in keys {
            // present: `counts` above looked every key up
            batchKeys.update(key, initial: BatchKey(documents: 0)) { entry in
                appendPending(doc, to: &entry)
                entry.documents += 1
            }
        }
        pendingDocuments += 1
        return placement
    }

    /// The event of a story in the index.
    private func event(of doc: Int64, in db: Database) throws -> EventPlacement? {
        var placement: EventPlacement?
        try db.cachedStatement(sql: "SELECT event, event_label FROM event_documents WHERE doc = ?").run(doc, in: db) { row in
            placement = EventPlacement(event: sqlite3_column_int64(row, 0), eventLabel: row.text(column: 1))
        }
        return placement
    }

    /// A key's stored postings, read once per batch.
    private func postings(_ key: Int64, in db: Database) throws -> Postings {
        if let known = stored[key] { return known }
        var postings = Postings(documents: 0, recent: [])
        try db.cachedStatement(sql: "SELECT documents, recent FROM event_postings WHERE key = ?").run(key, in: db) { row in
            postings = Postings(documents: Int(sqlite3_column_int64(row, 0)), recent: row.integers(column: 1))
        }
        stored.set(key, postings)
        return postings
    }

    private func documents(holding key: Int64, in db: Database) throws -> Int {
        if let known = batchKeys[key] { return known.documents }
        let documents = try postings(key, in: db).documents
        batchKeys.set(key, BatchKey(documents: documents))
        return documents
    }

    /// Adds a story to a key's run in `pending`.
    private func appendPending(_ doc: Int64, to entry: inout BatchKey) {
        if entry.pendingCount == entry.pendingRoom {
            let moved = Int32(pending.count)
            // One by one: appending a slice of `pending` to itself would copy the whole array.
            for index in entry.pendingStart..<entry.pendingStart + entry.pendingCount { pending.append(pending[Int(index)]) }
            entry.pendingRoom = max(1, entry.pendingRoom * 2)
            pending.append(contentsOf: repeatElement(0, count: Int(entry.pendingRoom - entry.pendingCount)))
            entry.pendingStart = moved
        }
        pending[Int(entry.pendingStart + entry.pendingCount)] = doc
        entry.pendingCount += 1
    }

    /// The batch's stories holding a key, oldest first.
    private func pendingDocs(_ entry: BatchKey) -> ArraySlice<Int64> {
        pending[Int(entry.pendingStart)..<Int(entry.pendingStart + entry.pendingCount)]
    }

    /// A language as compared: its ISO 639-1 code in lower case (`pt-BR` and `pt` are one).
    static func languageCode(_ language: String) -> String { String(language.lowercased().prefix { $0 != "-" && $0 != "_" }) }

    /// A feature mentioned n times weighs 1 + ln n times its rarity: the people a story is about
    /// recur, but ten mentions are not ten times the evidence of one.
    static func mentionWeight(_ mentions: Int) -> Double { 1 + log(Double(max(mentions, 1))) }

    /// The stories holding most of the weight of this story's rarest features that others hold.
    private func candidates(keys: [Int64], counts: [Int], rarity: [Double], in db: Database) throws -> [Int64] {
        let held = keys.indices.filter { counts[$0] > 0 }
        let lookups = held.sorted { rarity[$0] > rarity[$1] }.prefix(settings.lookups).map { (key: keys[$0], weight: rarity[$0]) }
        guard !lookups.isEmpty else { return [] }
        hits.removeAll()
        for (key, weight) in lookups {
            // The key's `recentPerKey` most recent stories, the batch's first: what the index holds
            // for it whether the stories before came in this batch or in earlier ones, so a story's
            // candidates do not depend on how stories are batched (a common key gathers hundreds
            // of stories in a batch).
            var room = Self.recentPerKey
            if let entry = batchKeys[key] {
                let recentPending = pendingDocs(entry).suffix(room)
                for doc in recentPending { hits.update(doc, initial: Hit()) { $0.weight += weight; $0.lookups += 1 } }
                room -= recentPending.count
            }
            guard room > 0 else { continue }
            for doc in try postings(key, in: db).recent.prefix(room) { hits.update(doc, initial: Hit()) { $0.weight += weight; $0.lookups += 1 } }
        }
        // The best few of a few hundred: kept in order as they come, not sorted all.
        var chosen: [(doc: Int64, weight: Double)] = []
        chosen.reserveCapacity(settings.candidateLimit + 1)
        hits.forEach { doc, hit in
            let weight = hit.weight
            guard hit.lookups >= settings.minimumLookupsShared else { return }
            guard chosen.count < settings.candidateLimit || Self.ranksBefore((doc, weight), chosen[chosen.count - 1]) else { return }
            let place = chosen.firstIndex { Self.ranksBefore((doc, weight), $0) } ?? chosen.count
            chosen.insert((doc, weight), at: place)
            if chosen.count > settings.candidateLimit { chosen.removeLast() }
        }
        return chosen.map(\.doc)
    }

    /// Candidates by the weight of the lookups they hold, the most recent first among equals.
    private static func ranksBefore(_ first: (doc: Int64, weight: Double), _ second: (doc: Int64, weight: Double)) -> Bool {
        first.weight != second.weight ? first.weight > second.weight : first.doc > second.doc
    }

    // MARK: - The window

    /// Removes the stories older than `cutoff` with their keys and counts, inside the caller's
    /// write transaction; returns how many left. Their articles keep their event.
    func compact(in db: Database, before cutoff: Date) throws -> Int {
        var removed = 0
        let deletePostings = try db.cachedStatement(sql: "DELETE FROM event_postings WHERE key = ?")
        let deleteDocument = try db.cachedStatement(sql: "DELETE FROM event_documents WHERE doc = ?")
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT doc, features FROM event_documents WHERE at < ? ORDER BY at LIMIT 10000",
                                        arguments: [cutoff.timeIntervalSince1970])
            guard !rows.isEmpty else { break }
            var expired: [Int64: Set<Int64>] = [:]
            for row in rows {
                let blob: Data = row[1]
                for key in blob.withUnsafeBytes({ Array($0.bindMemory(to: Int64.self)) }) { expired[key, default: []].insert(row[0]) }
            }
            // A key no story holds any more goes with its last story: the postings table is as
            // large as the keys in the window, and no compaction scans it whole.
            for (key, docs) in expired.sorted(by: { $0.key < $1.key }) {
                var postings = try self.postings(key, in: db)
                postings.documents -= docs.count
                postings.recent.removeAll { docs.contains($0) }
                if postings.documents <= 0 { try deletePostings.run(key, in: db) } else { try Self.writePostings(key, postings, in: db) }
            }
            stored.removeAll()
            for row in rows { try deleteDocument.execute(arguments: [row[0] as Int64]) }
            removed += rows.count
        }
        return removed
    }
}
