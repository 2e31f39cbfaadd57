import Foundation
import GRDB
import Model
import Queue

/// Where the article database lives when `--store-db` is not given: `WIREROOM_STORE_DB`, else
/// `articles.sqlite` beside the queue database (so one state directory holds both).
public enum ArticleStoreLocation {
    public static func defaultPath(besideQueue queuePath: String = QueueLocation.defaultDatabasePath(),
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["WIREROOM_STORE_DB"], !path.isEmpty { return path }
        return ((queuePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("articles.sqlite")
    }
}

/// An article as stored: what the parser extracted, where it came from, and its story cluster.
public struct StoredArticle: Codable, Sendable, Equatable {
    public var id: Int64
    /// The job that stored it and the identity of that job's queue file (nil for articles
    /// stored before queue files had one).
    public var jobID: Int64?
    public var queueID: String?
    public var url: String
    public var canonicalURL: String?
    public var title: String?
    public var authors: [String]
    public var published: String?
    public var modified: String?
    public var language: String?
    public var site: String?
    public var text: String
    public var fetchedAt: Date
    public var storedAt: Date
    /// The story: the id of the cluster's first article.
    public var cluster: Int64
    /// For a copy, the cluster's canonical article (first published, else first seen); else nil.
    public var duplicateOf: Int64?
    /// For a copy, its similarity with the article it was matched with.
    public var similarity: Double?
    /// The event: articles in any language reporting one happening share it (the id of the
    /// event's first article). A copy is in its story's event.
    public var event: Int64
    /// Field → where its value came from (`json-ld`, `meta:og`, `time-element`, `url`, `cld2`, …;
    /// `url-host` for a site named after the URL's host). A field without a value has no entry.
    public var provenance: [String: String]
}

/// The article database: articles with full-text search (FTS5), and the dedup index that puts
/// each in its story's cluster. One SQLite file (WAL), separate from the queue's.
public final class ArticleStore: Sendable {
    public let path: String
    private let database: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        do {
            database = try StoreDatabase.open(at: path, durable: true, migrations: Self.registerMigrations)
        } catch let error as DatabaseError {
            throw QueueError.describing(error, path: path)
        }
    }

    /// The article database of a running store worker, opened only to read it: no migration,
    /// no write (the coordinator's stats, metrics and status page).
    public init(readingAt path: String) throws {
        self.path = path
        do {
            database = try StoreDatabase.openForReading(at: path)
        } catch let error as DatabaseError {
            throw QueueError.describing(error, path: path)
        }
    }

    /// Whether the store worker has created every table and column: a file it is still
    /// creating, or migrating, has only some (each migration commits on its own), and a reader
    /// querying it then would fail on a missing column.
    func isMigrated() throws -> Bool {
        try database.read { db in
            try db.tableExists("grdb_migrations") && StoreDatabase.migrator(Self.registerMigrations).hasCompletedMigrations(db)
        }
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("articles-v1") { db in
            try db.execute(sql: """
                CREATE TABLE articles (
                    id INTEGER PRIMARY KEY,
                    job_id INTEGER UNIQUE,
                    url TEXT NOT NULL,
                    canonical_url TEXT,
                    title TEXT,
                    authors TEXT NOT NULL,
                    published TEXT,
                    modified TEXT,
                    language TEXT,
                    site TEXT,
                    text TEXT NOT NULL,
                    fetched_at REAL NOT NULL,
                    stored_at REAL NOT NULL,
                    cluster INTEGER NOT NULL,
                    duplicate_of INTEGER,
                    similarity REAL
                );
                CREATE INDEX articles_cluster ON articles (cluster);
                CREATE INDEX articles_stored_at ON articles (stored_at);
                CREATE VIRTUAL TABLE articles_fts USING fts5 (
                    title, text, content = 'articles', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
                );
                CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
                    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
                    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
                END;
                """)
        }
        migrator.registerMigration("articles-v2-provenance") { db in
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN provenance TEXT NOT NULL DEFAULT '{}'")
        }
        // Articles indexed before the dedup index kept times get theirs: published, else fetched.
        migrator.registerMigration("articles-v3-dedup-times") { db in
            try db.execute(sql: """
                UPDATE dedup_documents SET at = (
                    SELECT COALESCE(CAST(strftime('%s', a.published) AS REAL), a.fetched_at) FROM articles AS a WHERE a.id = dedup_documents.doc)
                WHERE at IS NULL
                """)
        }
        // What the store has stored is keyed on (queue identity, job id): job ids alone repeat
        // across queue files. Rows stored before have no queue identity and never match. The
        // column comes first: a process that lost the set-up race fails there and looks again.
        migrator.registerMigration("articles-v4-job-identity") { db in
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN queue_id TEXT")
            try TableRebuild.rebuild("articles", in: db) {
                $0.replacingOccurrences(of: "job_id INTEGER UNIQUE,", with: "job_id INTEGER,")
            }
            try db.execute(sql: "CREATE UNIQUE INDEX articles_job ON articles (queue_id, job_id)")
        }
        // Articles stored before events were linked are each their story's event.
        migrator.registerMigration("articles-v5-events") { db in
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN event INTEGER NOT NULL DEFAULT 0;
                UPDATE articles SET event = cluster;
                CREATE INDEX articles_event ON articles (event);
                """)
        }
    }

    /// A store job, named across queue files: its queue file's identity and its id there.
    public struct JobKey: Sendable, Hashable {
        public var queueID: String
        public var jobID: Int64

        public init(queueID: String, jobID: Int64) {
            self.queueID = queueID
            self.jobID = jobID
        }
    }

    /// An article to store, from a store job (`job`), or from elsewhere (nil: always stored).
    public struct Incoming: Sendable {
        public var job: JobKey?
        public var article: Article
        public var url: String
        public var fetchedAt: Date

        public init(job: JobKey?, article: Article, url: String, fetchedAt: Date) {
            self.job = job
            self.article = article
            self.url = url
            self.fetchedAt = fetchedAt
        }
    }

    /// Where an incoming article went.
    public struct Placement: Sendable, Equatable {
        public var id: Int64
        /// False when its job's article was stored before (the job ran again after a crash):
        /// nothing was written and `id` is the earlier article's.
        public var isNew: Bool
    }

    /// Stores `articles` in one write transaction, each placed in its cluster and its event. An
    /// article whose job is stored already is not stored twice. Returns a placement per article,
    /// in order. `events` keeps only the state of one call, so a fresh one per call will do.
    @discardableResult
    public func store(_ articles: [Incoming], dedup: DedupIndex, events: EventIndex = EventIndex(), now: Date = Date()) throws -> [Placement] {
        PoolGuard.willBlock()
        return try database.write { db in
            try dedup.batch(in: db) { batch in
                try events.batch(in: db) { eventBatch in
                    try articles.map { incoming in
                        if let job = incoming.job, let existing = try Int64.fetchOne(db, sql: """
                            SELECT id FROM articles WHERE queue_id = ? AND job_id = ?
                            """, arguments: [job.queueID, job.jobID]) {
                            return Placement(id: existing, isNew: false)
                        }
                        return Placement(id: try insert(incoming, now: now, batch: batch, events: eventBatch, in: db), isNew: true)
                    }
                }
            }
        }
    }

    private func insert(_ incoming: Incoming, now: Date, batch: DedupIndex.Batch, events: EventIndex.Batch, in db: Database) throws -> Int64 {
        let article = incoming.article
        let authors = String(decoding: try JSONEncoder().encode(article.authors), as: UTF8.self)
        var provenance = article.provenance
        var site = article.siteName
        if site == nil, let host = URL(string: incoming.url)?.host() {
            site = host
            provenance["site_name"] = "url-host"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: """
            INSERT INTO articles (queue_id, job_id, url, canonical_url, title, authors, published, modified, language, site, text,
                                  fetched_at, stored_at, cluster, provenance)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """, arguments: [incoming.job?.queueID, incoming.job?.jobID, incoming.url, article.canonicalURL, article.title, authors, article.published,
                             article.modified, article.language, site, article.text, incoming.fetchedAt.timeIntervalSince1970,
                             now.timeIntervalSince1970, String(decoding: try encoder.encode(provenance), as: UTF8.self)])
        let id = db.lastInsertedRowID
        // The index's clock is the time of storing, not of publication: a crawl takes in old and
        // new stories in any order (a sitemap lists years of them), and a copy of an August story
        // that arrives after a January one must still find it. The window is then the stories
        // stored in its last days, bounded by the ingest rate.
        let placement = try batch.place(doc: id, text: article.text, time: now)
        // A copy is in the event of the story it copies and adds nothing to the event index
        // (its names would count twice); a story is linked by what it names.
        let event: Int64
        if let matched = placement.matched, let copied = try Int64.fetchOne(db, sql: "SELECT event FROM articles WHERE id = ?", arguments: [matched]) {
            event = copied
        } else {
            let published = article.published.flatMap(ISODate.date) ?? incoming.fetchedAt
            event = try events.place(doc: id, features: EventFeatures(text: article.text, language: article.language), language: article.language,
                                     published: published, time: now).event
        }
        try db.execute(sql: "UPDATE articles SET cluster = ?, similarity = ?, event = ? WHERE id = ?",
                       arguments: [placement.cluster, placement.similarity, event, id])
        if placement.isDuplicate { try settleCanonical(cluster: placement.cluster, newcomer: id, in: db) }
        return id
    }

    /// Points the cluster's copies at its canonical article: the first published (dates are ISO
    /// 8601, so they order as text), else the first stored. The cluster's other copies already
    /// point at the canonical article; only when the newcomer takes its place do they all move.
    private func settleCanonical(cluster: Int64, newcomer: Int64, in db: Database) throws {
        let canonical = try Int64.fetchOne(db, sql: """
            SELECT id FROM articles WHERE cluster = ? ORDER BY published IS NULL, published, id LIMIT 1
            """, arguments: [cluster]) ?? cluster
        if canonical == newcomer {
            // The article that was canonical becomes a copy and takes the newcomer's similarity
            // (the one it was measured with); the canonical article has none.
            try db.execute(sql: """
                UPDATE articles SET similarity = (SELECT similarity FROM articles WHERE id = ?1)
                WHERE cluster = ?2 AND duplicate_of IS NULL AND id != ?1
                """, arguments: [canonical, cluster])
            try db.execute(sql: """
                UPDATE articles SET duplicate_of = CASE WHEN id = ?1 THEN NULL ELSE ?1 END,
                                    similarity = CASE WHEN id = ?1 THEN NULL ELSE similarity END
                WHERE cluster = ?2
                """, arguments: [canonical, cluster])
        } else {
            try db.execute(sql: "UPDATE articles SET duplicate_of = ? WHERE id = ?", arguments: [canonical, newcomer])
        }
    }

    // MARK: - The dedup window

    /// Removes the stories older than `dedup`'s window from the dedup and event indexes, in one
    /// write transaction; the articles stay stored and searchable, each in its event.
    public func compact(dedup: DedupIndex, now: Date = Date()) throws -> DedupIndex.Compaction {
        PoolGuard.willBlock()
        return try database.write { db in
            var compaction = try dedup.compact(in: db, now: now)
            if let cutoff = compaction.cutoff { compaction.events = try EventIndex().compact(in: db, before: cutoff) }
            return compaction
        }
    }

    /// Gives the space freed by compaction back to the file system and empties the WAL. A file
    /// made before the article database used incremental auto-vacuum is rewritten once when
    /// `rewrite` is set (`VACUUM`: as much free disk as the file, and no writer meanwhile).
    public func reclaimSpace(rewrite: Bool) throws {
        try database.writeWithoutTransaction { db in
            if rewrite { try db.execute(sql: "VACUUM") }
            try db.execute(sql: "PRAGMA incremental_vacuum")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Rows in the dedup index and bytes in the file (the WAL included).
    public func indexSize() throws -> (documents: Int, keys: Int, fileBytes: Int64) {
        let rows = try database.read { db in try DedupIndex.size(in: db) }
        let bytes = [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }.reduce(0, +)
        return (rows.documents, rows.keys, bytes)
    }

    // MARK: - Reading

    /// Articles stored at or after `since`, in the order stored; copies only when asked.
    public func export(since: Date?, includeDuplicates: Bool, _ body: (StoredArticle) throws -> Void) throws {
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT * FROM articles WHERE stored_at >= ? AND (? OR duplicate_of IS NULL) ORDER BY id
                """, arguments: [since?.timeIntervalSince1970 ?? 0, includeDuplicates])
            while let row = try cursor.next() { try body(try Self.article(row)) }
        }
    }

    public func article(id: Int64) throws -> StoredArticle? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM articles WHERE id = ?", arguments: [id]).map(Self.article) }
    }

    public struct SearchHit: Codable, Sendable {
        public var id: Int64
        public var title: String?
        public var url: String
        public var published: String?
        public var language: String?
        public var snippet: String
        public var duplicates: Int
        public var event: Int64
        /// The hit's event in other languages: one story each (its canonical article).
        public var versions: [EventStory]
    }

    /// A story of an event: its canonical article, and how many copies it has.
    public struct EventStory: Codable, Sendable, Equatable {
        public var id: Int64
        public var language: String?
        public var site: String?
        public var title: String?
        public var url: String
        public var published: String?
        public var copies: Int
    }

    /// An event of more than one story, with its stories, in the order published.
    public struct Event: Codable, Sendable, Equatable {
        public var id: Int64
        public var languages: [String]
        public var stories: [EventStory]
    }

    public enum SearchError: Error, CustomStringConvertible {
        case badQuery(String, reason: String)

        public var description: String {
            switch self { case .badQuery(let query, let reason): "cannot search for \(query.debugDescription): \(reason)" }
        }
    }

    /// Full-text search, best matches first; one hit a story (its canonical article), with the
    /// number of copies. A query that is not valid FTS5 syntax is searched as plain words.
    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        do {
            return try search(fts: query, limit: limit)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            let words = query.split(whereSeparator: \.isWhitespace).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            guard !words.isEmpty else { throw SearchError.badQuery(query, reason: "no words to search for") }
            do {
                return try search(fts: words.joined(separator: " "), limit: limit)
            } catch let error as DatabaseError {
                throw SearchError.badQuery(query, reason: error.message ?? "\(error)")
            }
        }
    }

    private func search(fts: String, limit: Int) throws -> [SearchHit] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.title, a.url, a.published, a.language, a.event,
                       snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet,
                       (SELECT COUNT(*) FROM articles AS c WHERE c.cluster = a.cluster) - 1 AS duplicates
                FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid
                WHERE articles_fts MATCH ? AND a.duplicate_of IS NULL
                ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?
                """, arguments: [fts, limit]).map { row in
                let language: String? = row["language"]
                let versions = try Self.stories(ofEvent: row["event"], in: db).filter { $0.language != language }
                return SearchHit(id: row["id"], title: row["title"], url: row["url"], published: row["published"], language: language,
                                 snippet: row["snippet"], duplicates: row["duplicates"], event: row["event"], versions: versions)
            }
        }
    }

    /// The events of more than one story (`all`: of any number) with a story stored at or after
    /// `since`, and with one in `language` when given; the latest first, at most `limit`.
    public func events(since: Date?, language: String?, all: Bool = false, limit: Int) throws -> [Event] {
        try database.read { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT event FROM articles WHERE duplicate_of IS NULL GROUP BY event
                HAVING (? OR COUNT(*) > 1) AND MAX(stored_at) >= ? AND (? IS NULL OR SUM(language = ?) > 0)
                ORDER BY MAX(stored_at) DESC, event DESC LIMIT ?
                """, arguments: [all, since?.timeIntervalSince1970 ?? 0, language, language, limit])
            return try ids.map { id in
                let stories = try Self.stories(ofEvent: id, in: db)
                var languages: [String] = []
                for story in stories { if let language = story.language, !languages.contains(language) { languages.append(language) } }
                return Event(id: id, languages: languages, stories: stories)
            }
        }
    }

    /// An event's stories, first published first.
    private static func stories(ofEvent event: Int64, in db: Database) throws -> [EventStory] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.id, a.language, a.site, a.title, a.url, a.published,
                   (SELECT COUNT(*) FROM articles AS c WHERE c.cluster = a.cluster) - 1 AS copies
            FROM articles AS a WHERE a.event = ? AND a.duplicate_of IS NULL ORDER BY a.published IS NULL, a.published, a.id
            """), arguments: [event]).map {
            EventStory(id: $0["id"], language: $0["language"], site: $0["site"], title: $0["title"], url: $0["url"],
                       published: $0["published"], copies: $0["copies"])
        }
    }

    public struct Summary: Codable, Sendable, Equatable {
        /// Articles stored, copies included.
        public var articles: Int
        /// Articles stored as copies of an earlier story.
        public var duplicates: Int
        /// Stories: clusters, of one article or many.
        public var clusters: Int
        /// Clusters of more than one article.
        public var clustersWithCopies: Int
        /// Events: stories of one happening, in any language (see `StoredArticle.event`).
        public var events: Int
        /// Events reported in more than one language.
        public var eventsAcrossLanguages: Int
        public var languages: [String: Int]
        public var lastStoredAt: Date?
    }

    /// The articles stored last, newest first: what the status page lists.
    public func latest(limit: Int) throws -> [StoredArticle] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM articles ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.article)
        }
    }

    public func summary() throws -> Summary {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COUNT(duplicate_of), COUNT(DISTINCT cluster), MAX(stored_at) FROM articles
                """)
            let withCopies = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT cluster) FROM articles WHERE duplicate_of IS NOT NULL") ?? 0
            let events = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COALESCE(SUM(languages > 1), 0)
                FROM (SELECT COUNT(DISTINCT language) AS languages FROM articles GROUP BY event)
                """)
            let languages = try Row.fetchAll(db, sql: """
                SELECT COALESCE(language, 'unknown') AS language, COUNT(*) AS count FROM articles GROUP BY 1 ORDER BY 2 DESC LIMIT 10
                """)
            let last: Double? = row?[3]
            return Summary(articles: row?[0] ?? 0, duplicates: row?[1] ?? 0, clusters: row?[2] ?? 0, clustersWithCopies: withCopies,
                           events: events?[0] ?? 0, eventsAcrossLanguages: events?[1] ?? 0,
                           languages: Dictionary(uniqueKeysWithValues: languages.map { ($0["language"], $0["count"]) }),
                           lastStoredAt: last.map(Date.init(timeIntervalSince1970:)))
        }
    }

    private static func article(_ row: Row) throws -> StoredArticle {
        let authors: String = row["authors"]
        let provenance: String = row["provenance"]
        let fetched: Double = row["fetched_at"]
        let stored: Double = row["stored_at"]
        return StoredArticle(
            id: row["id"], jobID: row["job_id"], queueID: row["queue_id"], url: row["url"], canonicalURL: row["canonical_url"], title: row["title"],
            authors: (try? JSONDecoder().decode([String].self, from: Data(authors.utf8))) ?? [],
            published: row["published"], modified: row["modified"], language: row["language"], site: row["site"], text: row["text"],
            fetchedAt: Date(timeIntervalSince1970: fetched), storedAt: Date(timeIntervalSince1970: stored),
            cluster: row["cluster"], duplicateOf: row["duplicate_of"], similarity: row["similarity"], event: row["event"],
            provenance: (try? JSONDecoder().decode([String: String].self, from: Data(provenance.utf8))) ?? [:])
    }
}
