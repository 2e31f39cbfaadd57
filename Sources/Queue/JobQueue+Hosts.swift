import Foundation
import GRDB

/// A host's robots.txt as last fetched.
public struct RobotsRecord: Sendable, Equatable {
    public var status: Int
    public var body: Data
    public var fetchedAt: Date
}

extension JobQueue {
    /// The stored robots.txt of `host` (a host key, host[:port]), if any.
    public func robots(host: String) throws -> RobotsRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT robots.status, robots.body, robots.fetched_at FROM robots
                JOIN hosts ON hosts.id = robots.host_id WHERE hosts.name = ?
                """, arguments: [host]).map {
                RobotsRecord(status: $0["status"], body: $0["body"], fetchedAt: Date(timeIntervalSince1970: $0["fetched_at"]))
            }
        }
    }

    /// Stores the robots.txt answer of `host`, replacing the previous one.
    public func storeRobots(host: String, status: Int, body: Data) throws {
        let now = self.now.timeIntervalSince1970
        try write { db in
            let hostID = try Self.upsertHost(db, name: host, configuration: configuration)
            try db.execute(sql: """
                INSERT INTO robots (host_id, status, body, fetched_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (host_id) DO UPDATE SET status = excluded.status, body = excluded.body, fetched_at = excluded.fetched_at
                """, arguments: [hostID, status, body, now])
        }
    }

    /// Sets the pause between fetch leases of `host` (robots.txt `Crawl-delay`, an operator's choice).
    public func setHostDelay(_ delay: TimeInterval, host: String) throws {
        guard delay >= 0 else { throw QueueError.invalidArgument("host delay must not be negative, got \(delay)") }
        try write { db in
            let hostID = try Self.upsertHost(db, name: host, configuration: configuration)
            try db.execute(sql: "UPDATE hosts SET delay = ? WHERE id = ?", arguments: [delay, hostID])
        }
    }

    /// The delay between fetch leases of `host`, nil for a host the queue has not seen.
    public func hostDelay(host: String) throws -> TimeInterval? {
        try read { db in try Double.fetchOne(db, sql: "SELECT delay FROM hosts WHERE name = ?", arguments: [host]) }
    }

    /// The id of host `name`, created with the default politeness when new.
    static func upsertHost(_ db: Database, name: String, configuration: QueueConfiguration) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO hosts (name, delay, concurrency) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id
            """), arguments: [name, configuration.defaultHostDelay, configuration.defaultHostConcurrency])
        else { throw QueueError.invalidArgument("could not record host \(name)") }
        return id
    }
}
