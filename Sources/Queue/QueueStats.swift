import Foundation
import GRDB
import Model

/// A snapshot of the queue for `coordinator stats`: what is waiting, moving, failing and who works.
public struct QueueStats: Sendable, Codable, Equatable {
    public struct Throughput: Sendable, Codable, Equatable {
        /// Jobs finished (done) per second, averaged over the last minute and the last 15 minutes.
        public var donePerSecond1m: Double
        public var donePerSecond15m: Double
        /// Failed tries per second over the same windows.
        public var failedPerSecond1m: Double
        public var failedPerSecond15m: Double

        enum CodingKeys: String, CodingKey {
            case donePerSecond1m = "done_per_second_1m", donePerSecond15m = "done_per_second_15m"
            case failedPerSecond1m = "failed_per_second_1m", failedPerSecond15m = "failed_per_second_15m"
        }
    }

    public struct HostCount: Sendable, Codable, Equatable {
        public var host: String
        public var count: Int
    }

    public struct ErrorCount: Sendable, Codable, Equatable {
        public var errorClass: String
        public var count: Int
        /// The most recent message of that class.
        public var example: String
    }

    public struct PayloadUsage: Sendable, Codable, Equatable {
        public var count: Int
        /// Stored (compressed) bytes.
        public var bytes: Int
    }

    public var database: String
    public var generatedAt: Date
    /// Counts keyed by stage, then state; every stage and state is present.
    public var stages: [String: [String: Int]]
    public var throughput: [String: Throughput]
    /// Age of the oldest ready job per stage, nil where nothing is queued.
    public var oldestQueuedAgeSeconds: [String: Double?]
    public var liveWorkers: [String: Int]
    public var workers: [WorkerInfo]
    public var topHostsByQueued: [HostCount]
    /// Failed tries per host over `errorWindowSeconds`.
    public var topHostsByErrors: [HostCount]
    public var topErrors: [ErrorCount]
    public var errorWindowSeconds: Double
    public var pausedHosts: [String]
    public var payloads: PayloadUsage

    /// Jobs of every stage still to be worked on now: queued, leased, or waiting to retry. Jobs
    /// scheduled for later (a feed's next reading) are not: a crawl has drained when this is 0.
    public var openJobs: Int {
        stages.values.reduce(0) { $0 + ($1["queued"] ?? 0) + ($1["leased"] ?? 0) + ($1["retry"] ?? 0) }
    }
}

extension JobQueue {
    /// Gathers the queue's stats in one read transaction (a consistent snapshot).
    public func stats(top: Int = 5, errorWindow: TimeInterval = 3600) throws -> QueueStats {
        let now = self.now
        return try read { db in
            let workers = try liveWorkers(db, now: now)
            var stages: [String: [String: Int]] = [:]
            for stage in Stage.allCases {
                stages[stage.rawValue] = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, 0) })
            }
            for row in try Row.fetchAll(db, sql: "SELECT stage, state, count(*) AS n FROM jobs GROUP BY stage, state") {
                stages[row["stage"], default: [:]][row["state"]] = row["n"]
            }

            var throughput: [String: QueueStats.Throughput] = [:]
            for stage in Stage.allCases {
                let (done1, failed1) = try rate(db, stage: stage, window: 60, now: now)
                let (done15, failed15) = try rate(db, stage: stage, window: 900, now: now)
                throughput[stage.rawValue] = .init(
                    donePerSecond1m: done1, donePerSecond15m: done15, failedPerSecond1m: failed1, failedPerSecond15m: failed15)
            }

            var oldest: [String: Double?] = [:]
            for stage in Stage.allCases {
                // Ids grow with creation time, so the smallest queued id is the oldest job;
                // the (stage, state) index finds it without a scan.
                let created = try Double.fetchOne(db, sql: """
                    SELECT created_at FROM jobs WHERE id = (SELECT min(id) FROM jobs WHERE stage = ? AND state = 'queued')
                    """, arguments: [stage.rawValue])
                oldest[stage.rawValue] = created.map { max(0, now.timeIntervalSince1970 - $0) }
            }

            let errorsSince = now.timeIntervalSince1970 - errorWindow
            let hostsByQueued = try Row.fetchAll(db, sql: """
                SELECT name, queued FROM hosts WHERE queued > 0 ORDER BY queued DESC, name LIMIT ?
                """, arguments: [top]).map { QueueStats.HostCount(host: $0["name"], count: $0["queued"]) }
            let hostsByErrors = try Row.fetchAll(db, sql: """
                SELECT hosts.name AS name, count(*) AS n FROM job_errors
                JOIN jobs ON jobs.id = job_errors.job_id JOIN hosts ON hosts.id = jobs.host_id
                WHERE job_errors.at >= ? GROUP BY hosts.name ORDER BY n DESC, name LIMIT ?
                """, arguments: [errorsSince, top]).map { QueueStats.HostCount(host: $0["name"], count: $0["n"]) }
            let topErrors = try Row.fetchAll(db, sql: """
                SELECT class, count(*) AS n,
                       (SELECT message FROM job_errors AS latest WHERE latest.class = job_errors.class
                        ORDER BY latest.id DESC LIMIT 1) AS example
                FROM job_errors WHERE at >= ? GROUP BY class ORDER BY n DESC, class LIMIT ?
                """, arguments: [errorsSince, top]).map {
                QueueStats.ErrorCount(errorClass: $0["class"], count: $0["n"], example: $0["example"])
            }
            let paused = try String.fetchAll(db, sql: "SELECT name FROM hosts WHERE paused = 1 ORDER BY name")
            let payloadRow = try Row.fetchOne(db, sql: "SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS bytes FROM payloads")

            var live: [String: Int] = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, 0) })
            for worker in workers { live[worker.stage.rawValue, default: 0] += 1 }

            return QueueStats(
                database: path, generatedAt: now, stages: stages, throughput: throughput,
                oldestQueuedAgeSeconds: oldest, liveWorkers: live, workers: workers,
                topHostsByQueued: hostsByQueued, topHostsByErrors: hostsByErrors, topErrors: topErrors,
                errorWindowSeconds: errorWindow, pausedHosts: paused,
                payloads: .init(count: payloadRow?["n"] ?? 0, bytes: payloadRow?["bytes"] ?? 0))
        }
    }

    /// Done and failed per second over the last `window` seconds, from per-minute counters.
    /// The window is widened to whole minutes and the rate divided by the time it really spans.
    /// Jobs finished per minute for each stage over the last `minutes` minutes, oldest first
    /// (a minute without any is 0): what the status page draws.
    public func finishedPerMinute(minutes: Int = 60) throws -> [Stage: [Int]] {
        let current = Int(now.timeIntervalSince1970 / 60)
        let first = current - minutes + 1
        return try read { db in
            var series = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0, [Int](repeating: 0, count: minutes)) })
            for row in try Row.fetchAll(db, sql: "SELECT stage, minute, done FROM throughput WHERE minute >= ?", arguments: [first]) {
                let minute: Int = row["minute"]
                guard let stage = Stage(rawValue: row["stage"]), minute <= current else { continue }
                series[stage]?[minute - first] += row["done"] as Int
            }
            return series
        }
    }

    private func rate(_ db: Database, stage: Stage, window: TimeInterval, now: Date) throws -> (Double, Double) {
        let firstMinute = Int((now.timeIntervalSince1970 - window) / 60)
        let span = max(1, now.timeIntervalSince1970 - Double(firstMinute * 60))
        let row = try Row.fetchOne(db, sql: """
            SELECT coalesce(sum(done), 0) AS done, coalesce(sum(failed), 0) AS failed
            FROM throughput WHERE stage = ? AND minute >= ?
            """, arguments: [stage.rawValue, firstMinute])
        return (Double(row?["done"] as Int? ?? 0) / span, Double(row?["failed"] as Int? ?? 0) / span)
    }
}
