import Foundation
import GRDB
import Model

/// A worker process as the queue knows it.
public struct WorkerInfo: Sendable, Equatable, Codable {
    public var id: String
    public var stage: Stage
    public var hostname: String
    public var pid: Int
    public var startedAt: Date
    public var lastSeen: Date
}

extension JobQueue {
    /// Records a worker, so `coordinator stats` can show it as live while it heartbeats.
    public func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) throws {
        let now = self.now.timeIntervalSince1970
        try write { db in
            try db.execute(sql: """
                INSERT INTO workers (id, stage, hostname, pid, started_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, hostname = excluded.hostname,
                    pid = excluded.pid, last_seen = excluded.last_seen
                """, arguments: [id, stage.rawValue, hostname, pid, now, now])
        }
    }

    /// Marks the worker as alive (leasing does this too).
    public func workerHeartbeat(id: String) throws {
        let now = self.now.timeIntervalSince1970
        try write { db in
            try db.execute(sql: "UPDATE workers SET last_seen = ? WHERE id = ?", arguments: [now, id])
        }
    }

    /// Removes a worker that is shutting down cleanly.
    public func unregisterWorker(id: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM workers WHERE id = ?", arguments: [id]) }
    }

    /// Workers whose last heartbeat is within `configuration.workerLiveness`.
    public func liveWorkers() throws -> [WorkerInfo] {
        let now = self.now
        return try read { db in try liveWorkers(db, now: now) }
    }

    func liveWorkers(_ db: Database, now: Date) throws -> [WorkerInfo] {
        let since = now.addingTimeInterval(-configuration.workerLiveness).timeIntervalSince1970
        return try Row.fetchAll(db, sql: """
            SELECT id, stage, hostname, pid, started_at, last_seen FROM workers
            WHERE last_seen >= ? ORDER BY stage, id
            """, arguments: [since]).map { row in
            WorkerInfo(id: row["id"], stage: Stage(rawValue: row["stage"]) ?? .fetch, hostname: row["hostname"],
                       pid: row["pid"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                       lastSeen: Date(timeIntervalSince1970: row["last_seen"]))
        }
    }
}
