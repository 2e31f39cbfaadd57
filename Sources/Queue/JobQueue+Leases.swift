import Foundation
import GRDB
import Model

extension JobQueue {
    /// Leases up to `limit` ready jobs of `stage` to `worker` for `leaseSeconds`, atomically.
    ///
    /// Before choosing, expired leases go back to the queue (or to `dead` once a job has
    /// used all its tries) and scheduled or backed-off jobs whose time has come become ready.
    /// Fetch jobs obey politeness: a host that is paused, at its concurrency limit or within
    /// its delay since the last lease gives none; a host with a delay gives at most one job
    /// per call and is then held back for that delay.
    public func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) throws -> [LeasedJob] {
        guard limit > 0 else { return [] }
        guard leaseSeconds > 0 else { throw QueueError.invalidArgument("lease time must be positive, got \(leaseSeconds)") }
        let now = self.now
        let token = Self.makeLeaseToken()
        let expiry = now.addingTimeInterval(leaseSeconds)
        return try write { db in
            var counters = HostCounters()
            try reclaimExpiredLeases(db, now: now, counters: &counters)
            try counters.apply(db)  // host choice below must see the reclaimed jobs
            try promoteWaitingJobs(db, now: now)
            try db.cachedStatement(sql: "UPDATE workers SET last_seen = ? WHERE id = ?")
                .execute(arguments: [now.timeIntervalSince1970, worker])

            let markLeased = try db.cachedStatement(sql: """
                UPDATE jobs SET state = 'leased', lease_token = ?, lease_worker = ?, lease_expires_at = ?,
                    attempts = attempts + 1, updated_at = ?
                WHERE id IN (SELECT value FROM json_each(?))
                """)
            let leaseJobs = { (ids: [Int64]) in
                try markLeased.execute(arguments: [
                    token, worker, expiry.timeIntervalSince1970, now.timeIntervalSince1970, SQLIDList(ids).json,
                ])
            }
            let ids: [Int64]
            if stage == .fetch {
                ids = try chooseFetchJobs(db, limit: limit, now: now, leaseJobs: leaseJobs)
            } else {
                // The stage is spelled out (from the closed `Stage` enum, never user input) so that
                // SQLite can match the query to that stage's partial index.
                ids = try Int64.fetchAll(db.cachedStatement(sql: """
                    SELECT id FROM jobs INDEXED BY jobs_\(stage.rawValue)_ready
                    WHERE stage = '\(stage.rawValue)' AND state = 'queued' ORDER BY priority DESC, id LIMIT ?
                    """), arguments: [limit])
                try leaseJobs(ids)
            }
            guard !ids.isEmpty else { return [] }
            return try Row.fetchAll(db.cachedStatement(sql: """
                SELECT jobs.id, jobs.priority, jobs.attempts, jobs.payload_id, urls.url, urls.kind, urls.etag,
                       urls.last_modified, hosts.name AS host
                FROM jobs JOIN urls ON urls.id = jobs.url_id JOIN hosts ON hosts.id = jobs.host_id
                WHERE jobs.id IN (SELECT value FROM json_each(?))
                ORDER BY jobs.priority DESC, jobs.id
                """), arguments: [SQLIDList(ids).json]).map { row in
                LeasedJob(
                    id: row["id"], queueID: identity, stage: stage, url: row["url"], host: row["host"],
                    kind: URLKind(rawValue: row["kind"]) ?? .auto, priority: row["priority"], attempt: row["attempts"],
                    leaseToken: token, leaseExpiresAt: expiry,
                    payload: try (row["payload_id"] as Int64?).flatMap { try loadPayload(db, id: $0) },
                    validators: row["etag"] == nil && row["last_modified"] == nil ? nil
                        : URLValidators(etag: row["etag"], lastModified: row["last_modified"]))
            }
        }
    }

    /// Extends the leases of `jobIDs` held under `token` and not yet expired; returns the ids
    /// still held (a job missing from the answer was lost and its work must be abandoned).
    public func extend(jobIDs: [Int64], leaseToken token: String, leaseSeconds: TimeInterval) throws -> [Int64] {
        let now = self.now
        let expiry = now.addingTimeInterval(leaseSeconds).timeIntervalSince1970
        return try write { db in
            let extend = try db.cachedStatement(sql: """
                UPDATE jobs SET lease_expires_at = ?, updated_at = ?
                WHERE id = ? AND state = 'leased' AND lease_token = ? AND lease_expires_at >= ?
                """)
            return try jobIDs.filter { id in
                try extend.execute(arguments: [expiry, now.timeIntervalSince1970, id, token, now.timeIntervalSince1970])
                return db.changesCount == 1
            }
        }
    }

    /// Gives leased jobs back unworked (a worker shutting down): they are ready again at
    /// once and the try is not counted.
    @discardableResult
    public func release(jobIDs: [Int64], leaseToken token: String) throws -> [Int64] {
        let now = self.now
        return try write { db in
            let release = try db.cachedStatement(sql: """
                UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), lease_token = NULL,
                    lease_worker = NULL, lease_expires_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'leased' AND lease_token = ?
                RETURNING stage, host_id
                """)
            var counters = HostCounters()
            let released = try jobIDs.filter { id in
                guard let row = try Row.fetchOne(release, arguments: [now.timeIntervalSince1970, id, token]) else { return false }
                counters.move(stage: row["stage"], hostID: row["host_id"], from: .leased, to: .queued)
                return true
            }
            try counters.apply(db)
            return released
        }
    }

    /// Completes leased jobs and enqueues their follow-on jobs, all in one transaction, so a
    /// crash leaves either both or neither. Each completion whose lease is no longer held —
    /// expired (even if nobody took the job over yet) or someone else's — is answered
    /// `.staleLease` and changes nothing.
    public func complete(_ completions: [Completion]) throws -> [Settlement] {
        let now = self.now
        let normalizer = URLNormalizer()
        return try write { db in
            var frontier = try Frontier(db: db, configuration: configuration, now: now)
            var counters = HostCounters()
            // One UPDATE per lease token (a batch usually shares one) marks every job still
            // held under it; the rows it returns are the accepted completions.
            let markDone = try db.cachedStatement(sql: """
                UPDATE jobs SET state = 'done', lease_token = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = ?
                WHERE id IN (SELECT value FROM json_each(?)) AND state = 'leased' AND lease_token = ? AND lease_expires_at >= ?
                RETURNING id, stage, url_id, host_id, priority, payload_id
                """)
            var accepted: [Int64: Row] = [:]
            for (token, group) in Dictionary(grouping: completions, by: \.leaseToken) {
                let rows = try Row.fetchAll(markDone, arguments: [
                    now.timeIntervalSince1970, SQLIDList(group.map(\.jobID)).json, token, now.timeIntervalSince1970,
                ])
                for row in rows { accepted[row["id"]] = row }
            }
            var doneByStage: [String: Int] = [:]
            let settlements = try completions.map { completion -> Settlement in
                guard let row = accepted.removeValue(forKey: completion.jobID) else { return .staleLease }
                let stage: String = row["stage"]
                doneByStage[stage, default: 0] += 1
                counters.move(stage: stage, hostID: row["host_id"], from: .leased, to: .done)
                if configuration.payloadRetention <= 0, let payloadID: Int64 = row["payload_id"] {
                    try deletePayload(db, id: payloadID, jobID: completion.jobID)
                }
                if let validators = completion.validators {
                    try db.cachedStatement(sql: "UPDATE urls SET etag = ?, last_modified = ?, last_fetched_at = ? WHERE id = ?")
                        .execute(arguments: [validators.etag, validators.lastModified, now.timeIntervalSince1970, row["url_id"]])
                }
                if let extraction = completion.extraction {
                    try recordExtraction(extraction, hostID: row["host_id"], now: now, db: db)
                }
                let parent = ParentJob(id: completion.jobID, urlID: row["url_id"], hostID: row["host_id"], priority: row["priority"])
                for followOn in completion.followOns {
                    try enqueue(followOn, after: parent, db: db, frontier: &frontier, normalizer: normalizer, now: now)
                }
                return .accepted
            }
            for (stage, count) in doneByStage {
                try countThroughput(db, stage: stage, done: count, failed: 0, now: now)
            }
            if completions.contains(where: { $0.extraction != nil }) { try forgetOldExtractions(now: now, db: db) }
            try frontier.finish()
            try counters.apply(db)
            return settlements
        }
    }

    /// Completes one job; throws `QueueError.staleLease` when its lease is no longer held.
    public func complete(jobID: Int64, leaseToken: String, followOns: [FollowOn] = []) throws {
        let settlement = try complete([Completion(jobID: jobID, leaseToken: leaseToken, followOns: followOns)])
        if settlement.first != .accepted { throw QueueError.staleLease(jobID: jobID) }
    }

    /// Records a failed try. A retryable failure waits out a backoff (or the server's
    /// `Retry-After`) in `retry`; a final one, or one past the job's last try, goes to `dead`.
    /// The error is kept on the job and in its history. Throws `staleLease` if the lease is lost.
    /// Failure classes that are the crawler's own trouble, not the job's: they do not use up a
    /// try (a robots.txt that answers 5xx or cannot be reached).
    public static let uncountedErrorClasses: Set<String> = ["robots-unavailable"]

    /// The longest a failure's `retryAfter` holds a job or host back, whoever sent it: a week.
    public static let maximumRetryAfter: TimeInterval = 7 * 86_400

    /// Records one failed try; throws `QueueError.staleLease` when its lease is no longer held.
    public func fail(jobID: Int64, leaseToken: String, failure: JobFailure) throws {
        if try fail([FailedAttempt(jobID: jobID, leaseToken: leaseToken, failure: failure)]).first != .accepted {
            throw QueueError.staleLease(jobID: jobID)
        }
    }

    /// Records failed tries in one transaction; each whose lease is no longer held is answered
    /// `.staleLease` and changes nothing.
    public func fail(_ failures: [FailedAttempt]) throws -> [Settlement] {
        guard !failures.isEmpty else { return [] }
        let now = self.now
        let backoff = Backoff(base: configuration.retryBaseDelay, maximum: configuration.retryMaxDelay)
        return try write { db in
            var counters = HostCounters()
            var failedByStage: [String: Int] = [:]
            let settlements = try failures.map { attempt -> Settlement in
                guard let stage = try recordFailure(attempt, backoff: backoff, now: now, counters: &counters, db: db) else { return .staleLease }
                failedByStage[stage, default: 0] += 1
                return .accepted
            }
            for (stage, count) in failedByStage {
                try countThroughput(db, stage: stage, done: 0, failed: count, now: now)
            }
            try counters.apply(db)
            return settlements
        }
    }

    /// One failed try inside the transaction; the job's stage, or nil when the lease is not held.
    private func recordFailure(_ attempt: FailedAttempt, backoff: Backoff, now: Date, counters: inout HostCounters, db: Database) throws -> String? {
        let (jobID, failure) = (attempt.jobID, attempt.failure)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT stage, host_id, attempts, max_attempts, lease_worker FROM jobs
            WHERE id = ? AND state = 'leased' AND lease_token = ? AND lease_expires_at >= ?
            """), arguments: [jobID, attempt.leaseToken, now.timeIntervalSince1970])
        else { return nil }
        var attempts: Int = row["attempts"]
        let maxAttempts: Int = row["max_attempts"]
        let stage: String = row["stage"]
        let counted = !Self.uncountedErrorClasses.contains(failure.errorClass)
        if !counted {
            // Our own trouble, not the job's: the try is given back, and the wait grows with
            // the failures so far.
            attempts = max(attempts - 1, 0)
            try db.cachedStatement(sql: "UPDATE jobs SET attempts = ? WHERE id = ?").execute(arguments: [attempts, jobID])
        }
        let final = !failure.retryable || (counted && attempts >= maxAttempts)
        let retryAfter = failure.retryAfter.map { $0.isFinite ? min(max($0, 0), Self.maximumRetryAfter) : Self.maximumRetryAfter }
        let failuresSoFar = counted ? attempts : try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM job_errors WHERE job_id = ?"),
                                                                   arguments: [jobID]).map { $0 + 1 } ?? 1
        let wait = retryAfter ?? backoff.delay(afterAttempt: failuresSoFar)
        let error = "\(failure.errorClass): \(failure.message)"
        try db.cachedStatement(sql: """
            UPDATE jobs SET state = ?, not_before = ?, last_error = ?, lease_token = NULL,
                lease_expires_at = NULL, updated_at = ?
            WHERE id = ?
            """).execute(arguments: [
                final ? JobState.dead.rawValue : JobState.retry.rawValue,
                now.addingTimeInterval(final ? 0 : wait).timeIntervalSince1970,
                error, now.timeIntervalSince1970, jobID,
            ])
        try recordError(db, jobID: jobID, attempt: attempts, worker: row["lease_worker"],
                        errorClass: failure.errorClass, message: failure.message, now: now)
        if stage == Stage.fetch.rawValue, let retryAfter {
            let sender = failure.retryAfterHost.flatMap { try? URLNormalizer().hostKey($0).get() }
            let hostID: Int64 = try sender.map { try Self.upsertHost(db, name: $0, configuration: configuration) } ?? row["host_id"]
            try db.cachedStatement(sql: "UPDATE hosts SET next_fetch_at = max(next_fetch_at, ?) WHERE id = ?")
                .execute(arguments: [now.addingTimeInterval(retryAfter).timeIntervalSince1970, hostID])
        }
        counters.move(stage: stage, hostID: row["host_id"], from: .leased, to: final ? .dead : .retry)
        return stage
    }

    // MARK: - Inside the lease transaction

    /// Leases whose holder stopped heartbeating go back to the queue. The try is given back: a
    /// worker killed, or a machine restarted, says nothing against the job (a crash loop must
    /// not send good URLs to dead). A job whose leases keep expiring is parked as dead after
    /// `maxLeaseExpirations` of them: a page that crashes every parser must not loop forever.
    private func reclaimExpiredLeases(_ db: Database, now: Date, counters: inout HostCounters) throws {
        let expired = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, stage, host_id, attempts, expirations, lease_worker FROM jobs
            WHERE state = 'leased' AND lease_expires_at < ?
            """), arguments: [now.timeIntervalSince1970])
        let requeue = try db.cachedStatement(sql: """
            UPDATE jobs SET state = ?, last_error = ?, lease_token = NULL, lease_worker = NULL,
                lease_expires_at = NULL, updated_at = ?, attempts = max(attempts - 1, 0), expirations = expirations + 1
            WHERE id = ?
            """)
        for row in expired {
            let attempts: Int = row["attempts"]
            let expirations = (row["expirations"] as Int) + 1
            let worker: String? = row["lease_worker"]
            let message = "lease expired: worker \(worker ?? "?") stopped responding (expiry \(expirations) of at most \(configuration.maxLeaseExpirations))"
            let dead = expirations >= configuration.maxLeaseExpirations
            counters.move(stage: row["stage"], hostID: row["host_id"], from: .leased, to: dead ? .dead : .queued)
            try requeue.execute(arguments: [
                dead ? JobState.dead.rawValue : JobState.queued.rawValue,
                "lease-expired: \(message)", now.timeIntervalSince1970, row["id"],
            ])
            try recordError(db, jobID: row["id"], attempt: attempts, worker: worker,
                            errorClass: "lease-expired", message: message, now: now)
        }
    }

    /// Scheduled jobs and jobs waiting out a backoff become ready when their time comes.
    private func promoteWaitingJobs(_ db: Database, now: Date) throws {
        let due: StatementArguments = [now.timeIntervalSince1970]
        let anyDue = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM jobs WHERE state IN ('scheduled', 'retry') AND not_before <= ?)
            """), arguments: due) ?? false
        guard anyDue else { return }
        try HostCounters.addQueued(db, matching: "state IN ('scheduled', 'retry') AND not_before <= ?", arguments: due)
        try db.cachedStatement(sql: """
            UPDATE jobs SET state = 'queued', updated_at = ?
            WHERE state IN ('scheduled', 'retry') AND not_before <= ?
            """).execute(arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
    }

    /// Picks and leases (through `leaseJobs`) fetch jobs host by host, longest-waiting host first,
    /// one job per host per pass (its highest-priority, then oldest), and holds each host back for
    /// its delay. Hosts without a delay and with room under their concurrency limit give more in
    /// further passes.
    private func chooseFetchJobs(
        _ db: Database, limit: Int, now: Date, leaseJobs: ([Int64]) throws -> Void
    ) throws -> [Int64] {
        let pick = try db.cachedStatement(sql: """
            SELECT id AS host_id, delay,
                   (SELECT jobs.id FROM jobs WHERE jobs.host_id = hosts.id AND jobs.stage = 'fetch' AND jobs.state = 'queued'
                    ORDER BY jobs.priority DESC, jobs.id LIMIT 1) AS job_id
            FROM hosts
            WHERE queued > 0 AND paused = 0 AND next_fetch_at <= ? AND leased < concurrency
            ORDER BY next_fetch_at LIMIT ?
            """)
        let take = try db.cachedStatement(sql: """
            UPDATE hosts SET next_fetch_at = ? + delay, queued = queued - 1, leased = leased + 1
            WHERE id IN (SELECT value FROM json_each(?))
            """)
        var chosen: [Int64] = []
        while chosen.count < limit {
            let rows = try Row.fetchAll(pick, arguments: [now.timeIntervalSince1970, limit - chosen.count])
            let picked = rows.compactMap { row -> (host: Int64, job: Int64)? in
                guard let job: Int64 = row["job_id"] else { return nil }
                return (row["host_id"], job)
            }
            if picked.isEmpty { break }
            try take.execute(arguments: [now.timeIntervalSince1970, SQLIDList(picked.map(\.host)).json])
            try leaseJobs(picked.map(\.job))
            chosen += picked.map(\.job)
            // Hosts with a delay are now held back; only delay-free hosts can give more.
            if rows.allSatisfy({ ($0["delay"] as Double) > 0 }) { break }
        }
        return chosen
    }

    // MARK: - Follow-on jobs and payloads

    struct ParentJob {
        var id: Int64
        var urlID: Int64
        var hostID: Int64
        var priority: Int
    }

    private func enqueue(
        _ followOn: FollowOn, after parent: ParentJob, db: Database, frontier: inout Frontier,
        normalizer: URLNormalizer, now: Date
    ) throws {
        switch followOn {
        case .next(let stage, let payload):
            let payloadID = try storePayload(db, payload, now: now)
            try db.cachedStatement(sql: """
                INSERT INTO jobs (stage, state, url_id, host_id, priority, not_before, max_attempts, parent_id,
                                  payload_id, created_at, updated_at)
                VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    stage.rawValue, parent.urlID, parent.hostID, parent.priority, now.timeIntervalSince1970,
                    configuration.maxAttempts, parent.id, payloadID, now.timeIntervalSince1970, now.timeIntervalSince1970,
                ])
        case .discovered(let url, let kind, let priority):
            // A bad link in a feed is the feed's problem, not the feed job's: it is skipped.
            guard case .success(let normalized) = normalizer.normalize(url) else { return }
            _ = try frontier.offer(normalized, spec: URLRequestSpec(url: url, kind: kind, priority: priority),
                                   parentID: parent.id, reschedule: false)
        case .refetch(let date):
            let interval = max(0, date.timeIntervalSince(now))
            try db.cachedStatement(sql: "UPDATE urls SET poll_base = ?, poll_interval = ? WHERE id = ?")
                .execute(arguments: [interval, interval, parent.urlID])
            _ = try frontier.refetch(urlID: parent.urlID, hostID: parent.hostID, priority: parent.priority,
                                     at: date, parentID: parent.id)
        case .unchanged:
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT poll_base, poll_interval FROM urls WHERE id = ?"),
                                             arguments: [parent.urlID]),
                  let base: Double = row["poll_base"] else { return }  // not polled: a page fetched again by hand
            let interval = PollBackoff.next(after: row["poll_interval"] ?? base, base: base)
            try db.cachedStatement(sql: "UPDATE urls SET poll_interval = ? WHERE id = ?").execute(arguments: [interval, parent.urlID])
            _ = try frontier.refetch(urlID: parent.urlID, hostID: parent.hostID, priority: parent.priority,
                                     at: now.addingTimeInterval(interval), parentID: parent.id)
        }
    }

    private func storePayload(_ db: Database, _ payload: Payload, now: Date) throws -> Int64 {
        let stored = try payload.storedBody()
        try db.cachedStatement(sql: """
            INSERT INTO payloads (created_at, metadata, body, body_size) VALUES (?, ?, ?, ?)
            """).execute(arguments: [now.timeIntervalSince1970, payload.metadata, stored.compressed, stored.size])
        return db.lastInsertedRowID
    }

    func loadPayload(_ db: Database, id: Int64) throws -> Payload? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT metadata, body, body_size FROM payloads WHERE id = ?
            """), arguments: [id]) else { return nil }
        return Payload(metadata: row["metadata"],
                       body: try PayloadCompression.decompress(row["body"], originalSize: row["body_size"]))
    }

    private func deletePayload(_ db: Database, id: Int64, jobID: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM payloads WHERE id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "UPDATE jobs SET payload_id = NULL WHERE id = ?").execute(arguments: [jobID])
    }

    func recordError(
        _ db: Database, jobID: Int64, attempt: Int, worker: String?, errorClass: String, message: String, now: Date
    ) throws {
        try db.cachedStatement(sql: """
            INSERT INTO job_errors (job_id, attempt, at, worker, class, message) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [jobID, attempt, now.timeIntervalSince1970, worker, errorClass, message])
    }

    private func countThroughput(_ db: Database, stage: String, done: Int, failed: Int, now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO throughput (stage, minute, done, failed) VALUES (?, ?, ?, ?)
            ON CONFLICT (stage, minute) DO UPDATE SET done = done + excluded.done, failed = failed + excluded.failed
            """).execute(arguments: [stage, Int(now.timeIntervalSince1970 / 60), done, failed])
    }
}
