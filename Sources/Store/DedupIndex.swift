import Foundation
import GRDB
import Model
import Queue

/// Thresholds and sizes of near-duplicate detection. The defaults are the ones chosen on the
/// evaluation in `Benchmarks/dedup.sh` (its figures are in the README).
public struct DedupSettings: Sendable {
    /// Word similarity (see `DuplicateJudge`) at or above which two stories are copies.
    public var threshold = 0.6
    /// This many uncovered words inside both texts (not at their ends) mark two different stories.
    public var distinctWords = 20
    /// Words per shingle.
    public var shingleWords = 3
    /// MinHash bins, cut into `bands` bands of `bins / bands` rows.
    public var bins = 96
    public var bands = 24
    /// At most this many candidates (those sharing most band keys) are verified per story.
    public var candidateLimit = 8
    /// A line shared word for word by this many pairs of different stories is a site template's
    /// and no longer counts as story.
    public var templatePairs = 2
    /// Documents whose time (publication, else fetch) is this much older than the newest leave the
    /// index when it is compacted: a copy of a story is looked for among the last 30 days' stories.
    /// Copies of news arrive within days; a month keeps stragglers (weekly round-ups, late
    /// syndication) and bounds the index of an endless stream to a month of stories.
    public var window: TimeInterval = 30 * 86_400

    public init() {}

    /// Checks the settings make sense together; the message names the setting that does not.
    public func validate() throws {
        guard (0...1).contains(threshold) else { throw SettingsError("threshold must be between 0 and 1, not \(threshold)") }
        guard shingleWords >= 1 else { throw SettingsError("shingle size must be at least 1 word, not \(shingleWords)") }
        guard bands >= 1, bins >= bands, bins % bands == 0 else {
            throw SettingsError("\(bins) MinHash bins cannot be cut into \(bands) equal bands")
        }
        guard candidateLimit >= 1, templatePairs >= 1, distinctWords >= 1 else {
            throw SettingsError("candidate limit, template pairs and distinct words must be at least 1")
        }
        guard window > 0 else { throw SettingsError("the dedup window must be longer than 0 days, not \(window / 86_400)") }
    }
}

public struct SettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Where a story landed: its cluster (the id of the cluster's first document) and that
/// document's label, and, for a duplicate, the document it was matched with and their similarity.
public struct DedupPlacement: Equatable, Sendable {
    public var cluster: Int64
    public var clusterLabel: String?
    public var matched: Int64?
    public var similarity: Double?

    public init(cluster: Int64, clusterLabel: String? = nil, matched: Int64? = nil, similarity: Double? = nil) {
        self.cluster = cluster
        self.clusterLabel = clusterLabel
        self.matched = matched
        self.similarity = similarity
    }

    public var isDuplicate: Bool { matched != nil }
}

/// The near-duplicate index, kept in SQLite next to whatever else the database holds (the
/// article store's articles, or nothing for `store dedup`).
///
/// Tables: `dedup_documents` (each document's cluster, time, keys and comparable text, zstd),
/// `dedup_keys` (LSH band keys and the exact-text key, each → documents; the only lookup a new
/// document makes), and the template lines learnt so far. A new document costs one indexed
/// lookup of its keys, a verification of the few candidates found, and its inserts — the same at
/// a million documents as at a thousand, which is what LSH is for.
///
/// The index is a window, not an archive: `compact(in:now:)` removes the documents older than
/// `settings.window` (their rows and keys; the caller's own records, such as stored articles,
/// stay), so an endless stream keeps the index at a window's worth of stories.
///
/// Documents are placed inside the caller's write transaction, through `batch(in:_:)`: the
/// lookups and the inserts then see and change one state, so two workers placing copies of one
/// story at once cannot both found a cluster. A batch's keys are written when it ends, sorted:
/// in key order, each page of the key index is visited once for all the keys it receives, not
/// once per key; until then the batch's own lookups find them in memory.
public final class DedupIndex {
    public let settings: DedupSettings
    private let judge: DuplicateJudge
    /// The comparable texts are read back only to verify candidates, so speed matters more than
    /// size: zstd's fast level -3 makes `store dedup` about a quarter faster than level 1, for an
    /// index about half again as large.
    private let codec = Zstd(level: -3)
    private var template = SiteTemplate.empty
    private var templateSeen: Int64 = 0
    /// Keys of the current batch, not yet written; and the same by key, for the batch's lookups.
    private var pendingKeys: [(key: Int64, doc: Int64)] = []
    private var pendingDocs: [Int64: [Int64]] = [:]

    public init(settings: DedupSettings = DedupSettings()) throws {
        try settings.validate()
        self.settings = settings
        judge = DuplicateJudge(threshold: settings.threshold, distinctWords: settings.distinctWords, shingleWords: settings.shingleWords)
    }

    /// The index's tables, as a migration of the database that holds them.
    public static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dedup-v1") { db in
            try db.execute(sql: """
                CREATE TABLE dedup_documents (
                    doc INTEGER PRIMARY KEY,
                    cluster INTEGER NOT NULL,
                    label TEXT,
                    content BLOB NOT NULL,
                    content_size INTEGER NOT NULL
                );
                CREATE TABLE dedup_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
                CREATE TABLE dedup_template_candidates (line INTEGER PRIMARY KEY, pairs INTEGER NOT NULL);
                CREATE TABLE dedup_template_lines (seq INTEGER PRIMARY KEY, line INTEGER NOT NULL UNIQUE);
                """)
        }
        // `at`: the document's time (seconds since 1970), by which it leaves the window; `keys`:
        // its keys (Int64s), so compaction deletes exactly the key rows the document added. A
        // template candidate's `last_seen` (the time of the document that last showed it) lets
        // compaction forget the candidates not seen again within the window.
        migrator.registerMigration("dedup-v2-window") { db in
            try db.execute(sql: """
                ALTER TABLE dedup_documents ADD COLUMN at REAL;
                ALTER TABLE dedup_documents ADD COLUMN keys BLOB;
                CREATE INDEX dedup_documents_at ON dedup_documents (at);
                ALTER TABLE dedup_template_candidates ADD COLUMN last_seen REAL;
                """)
        }
        // A template line's word shingles (UInt64s), by which its variants are template too (see
        // `SiteTemplate`); lines learnt before have none and match word for word only.
        migrator.registerMigration("dedup-v3-template-shingles") { db in
            try db.execute(sql: "ALTER TABLE dedup_template_lines ADD COLUMN shingles BLOB")
        }
    }

    /// Places documents inside the caller's write transaction (see the type's note); the batch's
    /// keys are written when `body` returns.
    public func batch<Result>(in db: Database, _ body: (Batch) throws -> Result) throws -> Result {
        defer { pendingKeys.removeAll(keepingCapacity: true); pendingDocs.removeAll(keepingCapacity: true) }
        try refreshTemplate(db)
        let result = try body(Batch(index: self, db: db))
        try db.insertSorted(pendingKeys, into: "dedup_keys")
        return result
    }

    /// The documents placed in one `batch(in:_:)`.
    public struct Batch {
        let index: DedupIndex
        let db: Database

        /// Finds `text`'s cluster and records the document as `doc`, of time `time` (its
        /// publication, else its fetch). `label` names the document to the caller (`store dedup`'s
        /// input id); the placement carries the label of the cluster's first document, which stays
        /// known when that document has left the window. A document already recorded keeps its
        /// placement.
        public func place(doc: Int64, text: String, time: Date, label: String? = nil) throws -> DedupPlacement {
            try index.place(doc: doc, text: text, time: time, label: label, in: db)
        }
    }

    private func place(doc: Int64, text: String, time: Date, label: String?, in db: Database) throws -> DedupPlacement {
        if let existing = try placement(of: doc, in: db) { return existing }
        let story = StoryText(text: text, template: template)
        let keys = keys(of: story)
        // Documents indexed before a template line was learnt carry it in their keys: a text that
        // lost template lines also looks them up with its keys as it would have had them.
        let lookup = story.leftOutTemplate ? Array(Set(keys + self.keys(of: StoryText(text: text)))) : keys
        var best: (candidate: Candidate, similarity: Double)?
        for candidate in try candidates(lookup, in: db) {
            let stored = try storedText(candidate.content, size: candidate.size)
            let verdict = judge.judge(stored, story)
            if verdict.isDuplicate {
                if verdict.similarity > best?.similarity ?? -1 { best = (candidate, verdict.similarity) }
            } else if !verdict.sharedLines.isEmpty {
                try learnTemplate(verdict.sharedLines, of: stored, seen: time, in: db)
            }
        }
        let placement = best.map { DedupPlacement(cluster: $0.candidate.cluster, clusterLabel: $0.candidate.clusterLabel,
                                                  matched: $0.candidate.doc, similarity: $0.similarity) }
            ?? DedupPlacement(cluster: doc, clusterLabel: label)
        try record(doc: doc, placement: placement, time: time, story: story, keys: keys, in: db)
        return placement
    }

    /// The LSH band keys of a story's signature, the key of its exact words, and, for a short
    /// story, a key for the opening words of each of its first long lines.
    private func keys(of story: StoryText) -> [Int64] {
        let words = story.storyWordHashes
        let shingles = StorySignature.shingles(words, size: settings.shingleWords)
        guard !shingles.isEmpty else { return [] }
        let exact = Int64(bitPattern: Hashing.mix(words.reduce(0xE7AC7) { Hashing.mix($0 ^ $1) }))
        let bands = StorySignature(shingles: shingles, binCount: settings.bins).bandKeys(bands: settings.bands) + [exact]
        return words.count < Self.lineKeysBelowWords ? bands + lineKeys(of: story) : bands
    }

    /// Stories shorter than this sign their lines too: chrome as long as the story halves what
    /// its signature shares with a copy's, while a long story's signature holds.
    static let lineKeysBelowWords = 250

    /// Lines of this many words or more sign their opening words.
    static let lineKeyWords = 12
    /// The opening words signed.
    static let lineKeyOpening = 8
    /// Lines signed per story: a copy shares most of its paragraphs word for word (an edit
    /// touches a few, a merge or split keeps a paragraph's start), so a short story inside
    /// heavy chrome, whose signature the chrome dilutes, is still found by one of them.
    static let lineKeysPerStory = 6

    private func lineKeys(of story: StoryText) -> [Int64] {
        story.lines.lazy.filter { !$0.isHeadline && $0.words.count >= Self.lineKeyWords }.prefix(Self.lineKeysPerStory).map { line in
            Int64(bitPattern: Hashing.mix(story.wordHashes[line.words.prefix(Self.lineKeyOpening)].reduce(0x11AE) { Hashing.mix($0 ^ $1) }))
        }
    }

    // MARK: - Steps

    private func placement(of doc: Int64, in db: Database) throws -> DedupPlacement? {
        let read = try db.cachedStatement(sql: "SELECT cluster, label FROM dedup_documents WHERE doc = ?")
        guard let row = try Row.fetchOne(read, arguments: [doc]) else {
            return nil
        }
        let cluster: Int64 = row[0]
        return DedupPlacement(cluster: cluster, clusterLabel: row[1], matched: cluster == doc ? nil : cluster)
    }

    private struct Candidate {
        var doc: Int64
        var cluster: Int64
        var clusterLabel: String?
        var content: Data
        var size: Int
    }

    /// The documents sharing most keys with `keys`, at most `candidateLimit`. Most documents have
    /// none, so the first query is the plain index lookup; documents are read only for hits.
    private func candidates(_ keys: [Int64], in db: Database) throws -> [Candidate] {
        guard !keys.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let lookup = try db.cachedStatement(sql: "SELECT doc FROM dedup_keys WHERE key IN (\(placeholders))")
        var hits: [Int64: Int] = [:]
        let cursor = try Int64.fetchCursor(lookup, arguments: StatementArguments(keys))
        while let doc = try cursor.next() { hits[doc, default: 0] += 1 }
        if !pendingDocs.isEmpty {
            for key in keys { for doc in pendingDocs[key] ?? [] { hits[doc, default: 0] += 1 } }
        }
        guard !hits.isEmpty else { return [] }
        let chosen = hits.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(settings.candidateLimit)
        let read = try db.cachedStatement(sql: "SELECT cluster, label, content, content_size FROM dedup_documents WHERE doc = ?")
        return try chosen.compactMap { doc, _ in
            try Row.fetchOne(read, arguments: [doc]).map { Candidate(doc: doc, cluster: $0[0], clusterLabel: $0[1], content: $0[2], size: $0[3]) }
        }
    }

    private func storedText(_ content: Data, size: Int) throws -> StoryText {
        StoryText(normalized: try codec.decompress(content, size: size), template: template)
    }

    /// The row keeps the label of its cluster's first document (see `Batch.place`).
    private func record(doc: Int64, placement: DedupPlacement, time: Date, story: StoryText, keys: [Int64], in db: Database) throws {
        let keyBytes = keys.withUnsafeBytes { Data($0) }
        try db.cachedStatement(sql: """
            INSERT INTO dedup_documents (doc, cluster, label, content, content_size, at, keys) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [doc, placement.cluster, placement.clusterLabel, try codec.compress(story.normalized), story.normalized.count,
                                     time.timeIntervalSince1970, keyBytes])
        for key in keys {
            pendingKeys.append((key, doc))
            pendingDocs[key, default: []].append(doc)
        }
    }

    /// Counts each line two different stories share; at `templatePairs` the line is template,
    /// recorded with its shingles (see `SiteTemplate`).
    private func learnTemplate(_ lines: [StoryText.Line], of text: StoryText, seen time: Date, in db: Database) throws {
        for line in lines {
            let key = Int64(bitPattern: line.hash)
            let pairs = try Int.fetchOne(db.cachedStatement(sql: """
                INSERT INTO dedup_template_candidates (line, pairs, last_seen) VALUES (?, 1, ?)
                ON CONFLICT (line) DO UPDATE SET pairs = pairs + 1, last_seen = MAX(COALESCE(last_seen, 0), excluded.last_seen) RETURNING pairs
                """), arguments: [key, time.timeIntervalSince1970]) ?? 0
            if pairs == settings.templatePairs {
                let shingles = StorySignature.shingles(Array(text.wordHashes[line.words]), size: SiteTemplate.shingleWords)
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO dedup_template_lines (line, shingles) VALUES (?, ?)")
                    .execute(arguments: [key, shingles.withUnsafeBytes { Data($0) }])
                template.insert(line: line.hash, shingles: shingles)
            }
        }
    }

    /// Reads template lines learnt since the last look: by another worker (this index adds its
    /// own as it learns them). Once a batch: the batch is one transaction, so no other worker's
    /// line can appear during it.
    private func refreshTemplate(_ db: Database) throws {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, line, shingles FROM dedup_template_lines WHERE seq > ? ORDER BY seq"),
                                    arguments: [templateSeen])
        for row in rows {
            let shingles: Data? = row[2]
            template.insert(line: UInt64(bitPattern: row[1]), shingles: shingles.map { $0.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) } } ?? [])
            templateSeen = row[0]
        }
    }

    // MARK: - The window

    /// What one compaction removed.
    public struct Compaction: Sendable, Equatable {
        public var documents = 0
        public var keys = 0
        /// Stories that left the event index with them (`ArticleStore.compact`).
        public var events = 0
        /// Documents older than this left the index (nil when the index was empty).
        public var cutoff: Date?
    }

    /// Removes the documents older than the window, with their keys, and the template candidates
    /// not seen within it (learnt template lines stay), inside the caller's write transaction. The window ends at the newest document's time, or at `now` if that is
    /// earlier: a stream's own clock, so a backfill of last year's articles is deduplicated
    /// among itself as a live stream is, and an offline file as the stream it records.
    /// Documents without a time (indexed before times were kept) stay.
    public func compact(in db: Database, now: Date = Date()) throws -> Compaction {
        guard let newest = try Double.fetchOne(db, sql: "SELECT MAX(at) FROM dedup_documents") else { return Compaction() }
        let cutoff = min(now.timeIntervalSince1970, newest) - settings.window
        var result = Compaction(cutoff: Date(timeIntervalSince1970: cutoff))
        let deleteKey = try db.cachedStatement(sql: "DELETE FROM dedup_keys WHERE key = ? AND doc = ?")
        let deleteDocument = try db.cachedStatement(sql: "DELETE FROM dedup_documents WHERE doc = ?")
        while true {
            // In slices: the first compaction of a large old index must not hold it all in memory.
            let rows = try Row.fetchAll(db, sql: """
                SELECT doc, keys, content, content_size FROM dedup_documents WHERE at < ? ORDER BY at LIMIT 10000
                """, arguments: [cutoff])
            guard !rows.isEmpty else { break }
            var expired: [(key: Int64, doc: Int64)] = []
            for row in rows {
                let doc: Int64 = row[0]
                for key in try storedKeys(row[1], content: row[2], size: row[3]) { expired.append((key, doc)) }
            }
            // In key order, each page of the key index is visited once.
            expired.sort { $0.key != $1.key ? $0.key < $1.key : $0.doc < $1.doc }
            for (key, doc) in expired {
                try deleteKey.execute(arguments: [key, doc])
                result.keys += db.changesCount
            }
            for row in rows { try deleteDocument.execute(arguments: [row[0] as Int64]) }
            result.documents += rows.count
        }
        // A small table (lines shared by two different stories), scanned whole.
        try db.execute(sql: "DELETE FROM dedup_template_candidates WHERE last_seen < ? OR last_seen IS NULL", arguments: [cutoff])
        return result
    }

    /// A document's keys as recorded; for a document indexed before keys were kept, computed
    /// again from its stored words (the words its keys were made of).
    private func storedKeys(_ bytes: Data?, content: Data, size: Int) throws -> [Int64] {
        if let bytes {
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        }
        return keys(of: StoryText(normalized: try codec.decompress(content, size: size), template: .empty))
    }

    /// Rows in the index: documents in the window and their keys.
    public static func size(in db: Database) throws -> (documents: Int, keys: Int) {
        (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dedup_documents") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dedup_keys") ?? 0)
    }
}
