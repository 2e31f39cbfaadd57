import Foundation
import GRDB
import Model

/// A host's politeness settings and its fetch jobs waiting or running.
public struct HostSummary: Sendable, Equatable, Codable {
    public var name: String
    /// Seconds between the starts of two fetches of this host.
    public var delay: TimeInterval
    /// Fetches of this host at once, across all fetchers.
    public var concurrency: Int
    public var paused: Bool
    public var queued: Int
    public var leased: Int
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
        let host = try Self.hostKey(host)
        guard (100...599).contains(status) else { throw QueueError.invalidArgument("robots.txt status must be 100 to 599, got \(status)") }
        guard body.count <= Self.maximumRobotsBytes else {
            throw QueueError.invalidArgument("robots.txt body is \(body.count) bytes; at most \(Self.maximumRobotsBytes) are kept")
        }
        try write { db in
            let hostID = try Self.upsertHost(db, name: host, configuration: configuration)
            try db.execute(sql: """
                INSERT INTO robots (host_id, status, body, fetched_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (host_id) DO UPDATE SET status = excluded.status, body = excluded.body, fetched_at = excluded.fetched_at
                """, arguments: [hostID, status, body, now])
        }
    }

    /// Sets the politeness of `host` (an operator's choice, robots.txt `Crawl-delay`): the pause
    /// between fetch leases, the fetches at once, or both; a host not seen yet is recorded.
    public func setHostPoliteness(host: String, delay: TimeInterval? = nil, concurrency: Int? = nil) throws {
        if let delay, !(delay >= 0 && delay <= Self.maximumHostDelay) {
            throw QueueError.invalidArgument("host delay must be 0 to \(Int(Self.maximumHostDelay)) seconds (a day), got \(delay)")
        }
        if let concurrency, !(1...Self.maximumHostConcurrency).contains(concurrency) {
            throw QueueError.invalidArgument("host concurrency must be 1 to \(Self.maximumHostConcurrency), got \(concurrency)")
        }
        let host = try Self.hostKey(host)
        try write { db in
            let hostID = try Self.upsertHost(db, name: host, configuration: configuration)
            try db.execute(sql: "UPDATE hosts SET delay = coalesce(?, delay), concurrency = coalesce(?, concurrency) WHERE id = ?",
                           arguments: [delay, concurrency, hostID])
        }
    }

    /// Hosts with their politeness and fetch-job counts: the one named, or the busiest first.
    public func hosts(named name: String? = nil, limit: Int = 100) throws -> [HostSummary] {
        try read { db in
            let filter = name == nil ? "" : "WHERE name = ?"
            return try Row.fetchAll(db, sql: """
                SELECT name, delay, concurrency, paused, queued, leased FROM hosts \(filter)
                ORDER BY queued + leased DESC, name LIMIT ?
                """, arguments: StatementArguments(name.map { [$0] } ?? []) + [limit]).map {
                HostSummary(name: $0["name"], delay: $0["delay"], concurrency: $0["concurrency"], paused: $0["paused"],
                            queued: $0["queued"], leased: $0["leased"])
            }
        }
    }

    /// The delay between fetch leases of `host`, nil for a host the queue has not seen.
    public func hostDelay(host: String) throws -> TimeInterval? {
        try read { db in try Double.fetchOne(db, sql: "SELECT delay FROM hosts WHERE name = ?", arguments: [host]) }
    }

    /// The longest pause between fetches of one host: a day (robots.txt `Crawl-delay` values of
    /// years exist).
    public static let maximumHostDelay: TimeInterval = 86_400
    public static let maximumHostConcurrency = 1000
    /// RFC 9309 asks crawlers to read at least 500 KiB of robots.txt; a little more is kept.
    public static let maximumRobotsBytes = 512 * 1024

    /// A host name as given (by an operator, a remote worker) in the form hosts are keyed on.
    static func hostKey(_ host: String) throws -> String {
        switch URLNormalizer().hostKey(host) {
        case .success(let key): return key
        case .failure(let reason): throw QueueError.invalidArgument("host \(host.debugDescription): \(reason)")
        }
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
