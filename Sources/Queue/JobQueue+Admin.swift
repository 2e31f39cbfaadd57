import Foundation
import GRDB
import Model

/// Which jobs an operating command applies to; nil fields match everything.
public struct JobFilter: Sendable, Equatable {
    public var stage: Stage?
    public var state: JobState?
    /// A host key as `URLNormalizer.hostKey` makes it (host[:port]).
    public var host: String?
    /// The class of the job's last error (`timeout`, `http-5xx`, …).
    public var errorClass: String?
    public var ids: [Int64]?

    public init(stage: Stage? = nil, state: JobState? = nil, host: String? = nil, errorClass: String? = nil, ids: [Int64]? = nil) {
        self.stage = stage
        self.state = state
        self.host = host
        self.errorClass = errorClass
        self.ids = ids
    }

    /// The WHERE clause (fixed SQL fragments) and its bound values.
    fileprivate var sql: (String, StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let stage { clauses.append("jobs.stage = ?"); arguments += [stage.rawValue] }
        if let state { clauses.append("jobs.state = ?"); arguments += [state.rawValue] }
        if let host { clauses.append("jobs.host_id = (SELECT id FROM hosts WHERE name = ?)"); arguments += [host] }
        if let errorClass { clauses.append("jobs.last_error LIKE ? ESCAPE '\\'"); arguments += [Self.escapeLike(errorClass) + ":%"] }
        if let ids {
            clauses.append("jobs.id IN (SELECT value FROM json_each(?))")
            arguments += [SQLIDList(ids).json]
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }

    private static func escapeLike(_ string: String) -> String {
        string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}

/// One job as listed by `coordinator jobs`.
public struct JobSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var stage: Stage
    public var state: JobState
    public var url: String
    public var host: String
    public var priority: Int
    public var attempts: Int
    public var maxAttempts: Int
    public var notBefore: Date
    public var leaseWorker: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var parentID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
}

/// One failed try in a job's history.
public struct JobErrorRecord: Sendable, Codable, Equatable {
    public var attempt: Int
    public var at: Date
    public var worker: String?
    public var errorClass: String
    public var message: String
}

/// A job with its error history and what hangs off it.
public struct JobDetail: Sendable, Codable, Equatable {
    public var job: JobSummary
    public var errors: [JobErrorRecord]
    /// Uncompressed size of the payload the job carries, if any.
    public var payloadBytes: Int?
    public var followOnJobIDs: [Int64]
}

/// What `purge` removed.
public struct PurgeReport: Sendable, Codable, Equatable {
    public var jobs: Int
    public var payloads: Int
    public var errors: Int
    public var workers: Int
}

extension JobQueue {
    private static let summaryColumns = """
        jobs.id, jobs.stage, jobs.state, urls.url, hosts.name AS host, jobs.priority, jobs.attempts,
        jobs.max_attempts, jobs.not_before, jobs.lease_worker, jobs.lease_expires_at, jobs.last_error,
        jobs.parent_id, jobs.created_at, jobs.updated_at, jobs.payload_id
        FROM jobs JOIN urls ON urls.id = jobs.url_id JOIN hosts ON hosts.id = jobs.host_id
        """

    /// Jobs matching `filter`, newest first.
    public func jobs(matching filter: JobFilter, limit: Int = 50) throws -> [JobSummary] {
        let (whereClause, arguments) = filter.sql
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.summaryColumns) WHERE \(whereClause) ORDER BY jobs.id DESC LIMIT ?",
                             arguments: arguments + [limit]).map(Self.summary)
        }
    }

    /// One job with its error history; throws `unknownJob` for an id that does not exist.
    public func job(id: Int64) throws -> JobDetail {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.summaryColumns) WHERE jobs.id = ?", arguments: [id])
            else { throw QueueError.unknownJob(id: id) }
            let errors = try Row.fetchAll(db, sql: """
                SELECT attempt, at, worker, class, message FROM job_errors WHERE job_id = ? ORDER BY id
                """, arguments: [id]).map {
                JobErrorRecord(attempt: $0["attempt"], at: Date(timeIntervalSince1970: $0["at"]), worker: $0["worker"],
                               errorClass: $0["class"], message: $0["message"])
            }
            let payloadBytes = try (row["payload_id"] as Int64?).flatMap {
                try Int.fetchOne(db, sql: "SELECT body_size FROM payloads WHERE id = ?", arguments: [$0])
            }
            let children = try Int64.fetchAll(db, sql: "SELECT id FROM jobs WHERE parent_id = ? ORDER BY id", arguments: [id])
            return JobDetail(job: Self.summary(row), errors: errors, payloadBytes: payloadBytes, followOnJobIDs: children)
        }
    }

    /// Sends dead jobs matching `filter` back to the queue with their tries reset.
    /// Returns how many were sent back.
    public func retry(matching filter: JobFilter) throws -> Int {
        var deadOnly = filter
        deadOnly.state = .dead
        let (whereClause, arguments) = deadOnly.sql
        let now = self.now.timeIntervalSince1970
        return try write { db in
            try HostCounters.addQueued(db, matching: "id IN (SELECT jobs.id FROM jobs WHERE \(whereClause))", arguments: arguments)
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', attempts = 0, not_before = ?, updated_at = ?
                WHERE id IN (SELECT jobs.id FROM jobs WHERE \(whereClause))
                """, arguments: [now, now] + arguments)
            return db.changesCount
        }
    }

    /// Stops (or resumes) handing out fetch jobs of `host`; returns whether anything changed.
    /// Pausing a host the queue has not seen yet records it, so it stays paused when URLs arrive.
    public func setPaused(_ paused: Bool, host: String) throws -> Bool {
        try write { db in
            try db.execute(sql: """
                INSERT INTO hosts (name, delay, concurrency, paused) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused WHERE paused != excluded.paused
                """, arguments: [host, configuration.defaultHostDelay, configuration.defaultHostConcurrency, paused])
            return db.changesCount > 0
        }
    }

    /// Deletes finished jobs last changed before `cutoff` (done ones; dead ones too when asked),
    /// their error history and payloads, payloads no pending job needs, and workers not seen
    /// since then. URLs stay in the seen-set, so purged pages are not fetched again.
    public func purge(before cutoff: Date, includeDead: Bool = false) throws -> PurgeReport {
        let cutoffSeconds = cutoff.timeIntervalSince1970
        let states = includeDead ? "('done', 'dead')" : "('done')"
        return try write { db in
            try db.execute(sql: "CREATE TEMP TABLE purged AS SELECT id, payload_id FROM jobs WHERE state IN \(states) AND updated_at < ?",
                           arguments: [cutoffSeconds])
            defer { try? db.execute(sql: "DROP TABLE temp.purged") }
            try db.execute(sql: "DELETE FROM job_errors WHERE job_id IN (SELECT id FROM temp.purged)")
            let errors = db.changesCount
            try db.execute(sql: "DELETE FROM jobs WHERE id IN (SELECT id FROM temp.purged)")
            let jobs = db.changesCount
            try db.execute(sql: """
                DELETE FROM payloads WHERE created_at < ?
                    AND id NOT IN (SELECT payload_id FROM jobs WHERE payload_id IS NOT NULL AND state NOT IN ('done'))
                """, arguments: [cutoffSeconds])
            let payloads = db.changesCount
            try db.execute(sql: "UPDATE jobs SET payload_id = NULL WHERE payload_id IS NOT NULL AND payload_id NOT IN (SELECT id FROM payloads)")
            try db.execute(sql: "DELETE FROM throughput WHERE minute < ?", arguments: [Int(cutoffSeconds / 60)])
            try db.execute(sql: "DELETE FROM workers WHERE last_seen < ?", arguments: [cutoffSeconds])
            let workers = db.changesCount
            return PurgeReport(jobs: jobs, payloads: payloads, errors: errors, workers: workers)
        }
    }

    private static func summary(_ row: Row) -> JobSummary {
        JobSummary(
            id: row["id"], stage: Stage(rawValue: row["stage"]) ?? .fetch, state: JobState(rawValue: row["state"]) ?? .queued,
            url: row["url"], host: row["host"], priority: row["priority"], attempts: row["attempts"],
            maxAttempts: row["max_attempts"], notBefore: Date(timeIntervalSince1970: row["not_before"]),
            leaseWorker: row["lease_worker"],
            leaseExpiresAt: (row["lease_expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastError: row["last_error"], parentID: row["parent_id"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
