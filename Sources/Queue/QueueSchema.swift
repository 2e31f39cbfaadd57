import Foundation
import GRDB
import Model

/// The queue database's schema, as an append-only list of named migrations.
///
/// Never edit a migration that has shipped: add a new one. A database written by an
/// older version is brought up to date when it is opened; one written by a newer
/// version is refused (`QueueError.schemaTooNew`).
public enum QueueSchema {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-jobs", migrate: createJobs)
        migrator.registerMigration("v2-conditional-get", migrate: addConditionalGet)
        migrator.registerMigration("v3-robots", migrate: addRobots)
        migrator.registerMigration("v4-boilerplate", migrate: addBoilerplate)
        migrator.registerMigration("v5-extraction-health", migrate: addExtractionHealth)
        migrator.registerMigration("v6-job-identity", migrate: addJobIdentity)
        migrator.registerMigration("v7-polling", migrate: addPolling)
        migrator.registerMigration("v8-lease-expirations", migrate: addLeaseExpirations)
        return migrator
    }

    /// Jobs, the frontier (URLs and hosts), payloads, workers, error history, throughput.
    private static func createJobs(_ db: Database) throws {
        try db.execute(sql: """
            -- Politeness is per host (host[:port]). `queued` and `leased` count fetch jobs (kept by
            -- HostCounters), so finding a host that may be fetched now is an index seek.
            CREATE TABLE hosts (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                delay REAL NOT NULL DEFAULT 1.0,
                concurrency INTEGER NOT NULL DEFAULT 1,
                next_fetch_at REAL NOT NULL DEFAULT 0,
                paused INTEGER NOT NULL DEFAULT 0,
                queued INTEGER NOT NULL DEFAULT 0,
                leased INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX hosts_ready ON hosts(next_fetch_at) WHERE queued > 0 AND paused = 0;

            -- The seen-set: one row per normalized URL, kept when old jobs are purged. It is
            -- looked up by a 64-bit hash of the URL (then the text compared): an index of
            -- integers stays in the page cache at millions of URLs, an index of the texts not.
            CREATE TABLE urls (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL,
                url_hash INTEGER NOT NULL,
                host_id INTEGER NOT NULL REFERENCES hosts(id),
                kind TEXT NOT NULL DEFAULT 'auto',
                added_at REAL NOT NULL
            );
            CREATE INDEX urls_hash ON urls(url_hash);

            CREATE TABLE payloads (
                id INTEGER PRIMARY KEY,
                created_at REAL NOT NULL,
                metadata BLOB NOT NULL,
                body BLOB NOT NULL,
                body_size INTEGER NOT NULL
            );

            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                -- The checks are chains of OR, not IN lists: SQLite evaluates an IN list of more
                -- than two constants through a temporary b-tree, on every insert and update.
                stage TEXT NOT NULL CHECK (stage = 'fetch' OR stage = 'parse' OR stage = 'store'),
                state TEXT NOT NULL CHECK (state = 'queued' OR state = 'scheduled' OR state = 'leased'
                                           OR state = 'retry' OR state = 'done' OR state = 'dead'),
                url_id INTEGER NOT NULL REFERENCES urls(id),
                host_id INTEGER NOT NULL REFERENCES hosts(id),
                priority INTEGER NOT NULL DEFAULT 0,
                not_before REAL NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                lease_token TEXT,
                lease_worker TEXT,
                lease_expires_at REAL,
                last_error TEXT,
                parent_id INTEGER,
                payload_id INTEGER REFERENCES payloads(id),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            -- Ready jobs in lease order, one partial index per stage: fetch jobs are chosen host by
            -- host, parse and store jobs by priority, and no insert pays for an index it never uses.
            CREATE INDEX jobs_parse_ready ON jobs(priority DESC, id) WHERE state = 'queued' AND stage = 'parse';
            CREATE INDEX jobs_store_ready ON jobs(priority DESC, id) WHERE state = 'queued' AND stage = 'store';
            CREATE INDEX jobs_fetch_ready ON jobs(host_id, priority DESC, id) WHERE state = 'queued' AND stage = 'fetch';
            CREATE INDEX jobs_waiting ON jobs(not_before) WHERE state IN ('scheduled', 'retry');
            CREATE INDEX jobs_leases ON jobs(lease_expires_at) WHERE state = 'leased';
            CREATE INDEX jobs_stage_state ON jobs(stage, state);
            CREATE INDEX jobs_url ON jobs(url_id);

            -- Every failure of every attempt, for `coordinator jobs show` and the top-error tables.
            CREATE TABLE job_errors (
                id INTEGER PRIMARY KEY,
                job_id INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                at REAL NOT NULL,
                worker TEXT,
                class TEXT NOT NULL,
                message TEXT NOT NULL
            );
            CREATE INDEX job_errors_job ON job_errors(job_id);
            CREATE INDEX job_errors_at ON job_errors(at);

            -- Completions and failures per stage per minute, for throughput over 1 and 15 minutes.
            CREATE TABLE throughput (
                stage TEXT NOT NULL,
                minute INTEGER NOT NULL,
                done INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (stage, minute)
            ) WITHOUT ROWID;

            CREATE TABLE workers (
                id TEXT PRIMARY KEY,
                stage TEXT NOT NULL,
                hostname TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_at REAL NOT NULL,
                last_seen REAL NOT NULL
            );
            """)
    }

    /// Validators kept per URL so a re-fetch can be a conditional GET (ETag / Last-Modified).
    private static func addConditionalGet(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE urls ADD COLUMN etag TEXT;
            ALTER TABLE urls ADD COLUMN last_modified TEXT;
            ALTER TABLE urls ADD COLUMN last_fetched_at REAL;
            """)
    }

    /// robots.txt per host, shared by every fetcher (RFC 9309 allows caching it for 24 hours).
    private static func addRobots(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE robots (
                host_id INTEGER PRIMARY KEY REFERENCES hosts(id),
                status INTEGER NOT NULL,
                body BLOB NOT NULL,
                fetched_at REAL NOT NULL
            );
            """)
    }

    /// Text blocks seen per host, for boilerplate that only shows across pages (see
    /// `JobQueue+Boilerplate.swift`): a fingerprint and the number of the host's pages it was on.
    private static func addBoilerplate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE boilerplate_hosts (
                host_id INTEGER PRIMARY KEY REFERENCES hosts(id),
                pages INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE boilerplate_blocks (
                host_id INTEGER NOT NULL REFERENCES hosts(id),
                fingerprint INTEGER NOT NULL,
                pages INTEGER NOT NULL,
                last_seen REAL NOT NULL,
                PRIMARY KEY (host_id, fingerprint)
            ) WITHOUT ROWID;
            """)
    }

    /// What the parser made of each article page, kept eight days for the per-host health figures
    /// (see `JobQueue+Health.swift`).
    private static func addExtractionHealth(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE extraction_outcomes (
                id INTEGER PRIMARY KEY,
                host_id INTEGER NOT NULL REFERENCES hosts(id),
                at REAL NOT NULL,
                body_chars INTEGER NOT NULL,
                title INTEGER NOT NULL,
                published INTEGER NOT NULL,
                author INTEGER NOT NULL
            );
            CREATE INDEX extraction_outcomes_host ON extraction_outcomes (host_id, at);
            CREATE INDEX extraction_outcomes_at ON extraction_outcomes (at);
            """)
    }

    /// Job ids that are never used twice, and a random identity for the queue file: the article
    /// store keys what it stored on (queue identity, job id), so neither a purge (which used to
    /// free the highest ids for reuse) nor a new queue file beside an old article database can
    /// make a new job look like one already stored.
    /// The identity table comes first: a process that loses the set-up race to another one
    /// fails on it ("already exists") before touching `jobs`, and looks again (`SetUpRace`).
    private static func addJobIdentity(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE queue_identity (id TEXT NOT NULL);
            INSERT INTO queue_identity (id) VALUES (lower(hex(randomblob(16))));
            """)
        try TableRebuild.rebuild("jobs", in: db) {
            $0.replacingOccurrences(of: "id INTEGER PRIMARY KEY,", with: "id INTEGER PRIMARY KEY AUTOINCREMENT,")
        }
    }

    /// Polled URLs (feeds, `--discover` sources): the interval their content asked for (TTL,
    /// max-age, the parser's default) and the one in force, longer while they answer 304.
    private static func addPolling(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE urls ADD COLUMN poll_base REAL;
            ALTER TABLE urls ADD COLUMN poll_interval REAL;
            """)
    }

    /// Expired leases are counted apart from tries (`QueueConfiguration.maxLeaseExpirations`).
    private static func addLeaseExpirations(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE jobs ADD COLUMN expirations INTEGER NOT NULL DEFAULT 0")
    }
}
