import Foundation
import GRDB
import Model

/// What happened to one URL offered to the frontier.
public enum AddOutcome: Sendable, Equatable {
    /// New URL; a fetch job was created.
    case added(url: String, jobID: Int64)
    /// Already in the seen-set; nothing was queued (unless re-scheduling was asked for).
    case known(url: String)
    /// Refused, with the reason.
    case invalid(input: String, reason: URLNormalizer.Rejection)
}

/// A URL offered to the frontier, with how to schedule it.
public struct URLRequestSpec: Sendable {
    public var url: String
    public var kind: URLKind
    public var priority: Int
    /// Not before this time (a scheduled job); nil means now.
    public var notBefore: Date?

    public init(url: String, kind: URLKind = .auto, priority: Int = 0, notBefore: Date? = nil) {
        self.url = url
        self.kind = kind
        self.priority = priority
        self.notBefore = notBefore
    }
}

extension JobQueue {
    /// Adds URLs to the frontier in one transaction: each is normalized, checked against the
    /// seen-set, and, when new, gets a fetch job. Callers with millions of URLs pass batches
    /// of some thousands (one transaction each), which is what makes bulk adds fast.
    ///
    /// - Parameter reschedule: also queue a fetch of URLs already seen, unless one is pending.
    public func add(_ specs: [URLRequestSpec], reschedule: Bool = false) throws -> [AddOutcome] {
        try add(PreparedURLs(specs), reschedule: reschedule)
    }

    /// Adds URLs normalized beforehand (`PreparedURLs`), so that a caller can normalize the next
    /// batch on another core while this one is written.
    public func add(_ batch: PreparedURLs, reschedule: Bool = false) throws -> [AddOutcome] {
        let now = self.now
        return try write { db in
            var frontier = try Frontier(db: db, configuration: configuration, now: now)
            let outcomes = try zip(batch.specs, batch.normalized).map { spec, result -> AddOutcome in
                switch result {
                case .failure(let reason): .invalid(input: spec.url, reason: reason)
                case .success(let url): try frontier.offer(url, spec: spec, parentID: nil, reschedule: reschedule)
                }
            }
            try frontier.finish()
            return outcomes
        }
    }

    /// Convenience for plain URL strings of one kind and priority.
    public func add(_ urls: [String], kind: URLKind = .auto, priority: Int = 0, reschedule: Bool = false) throws -> [AddOutcome] {
        try add(urls.map { URLRequestSpec(url: $0, kind: kind, priority: priority) }, reschedule: reschedule)
    }
}

/// A batch of URLs with their normalized forms (or reasons for refusal), ready to be added.
public struct PreparedURLs: Sendable {
    public let specs: [URLRequestSpec]
    let normalized: [Result<URLNormalizer.Normalized, URLNormalizer.Rejection>]

    public init(_ specs: [URLRequestSpec]) {
        let normalizer = URLNormalizer()
        self.specs = specs
        normalized = specs.map { normalizer.normalize($0.url) }
    }
}

/// The seen-set and host table as used inside one write transaction.
struct Frontier {
    let db: Database
    let configuration: QueueConfiguration
    let now: Date
    private var hostIDs: [String: Int64] = [:]
    private var counters = HostCounters()
    // Prepared once per transaction: looking a statement up by its SQL text for every URL
    // costs more than running it.
    // A look-up then a single-row INSERT, rather than one INSERT … SELECT … WHERE NOT EXISTS:
    // SQLite keeps a statement journal for the latter, which cost more than the extra look-up.
    private let findURL: Statement
    private let insertURL: Statement
    private let insertJob: Statement

    init(db: Database, configuration: QueueConfiguration, now: Date) throws {
        self.db = db
        self.configuration = configuration
        self.now = now
        findURL = try db.cachedStatement(sql: "SELECT id, host_id FROM urls WHERE url_hash = ? AND url = ?")
        insertURL = try db.cachedStatement(sql: """
            INSERT INTO urls (url, url_hash, host_id, kind, added_at) VALUES (?, ?, ?, ?, ?)
            """)
        insertJob = try db.cachedStatement(sql: """
            INSERT INTO jobs (stage, state, url_id, host_id, priority, not_before, max_attempts, parent_id, created_at, updated_at)
            VALUES ('fetch', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Writes the host counts of the jobs queued so far; call before the transaction ends.
    mutating func finish() throws {
        try counters.apply(db)
    }

    /// The id of `host`, creating it with the default politeness when new.
    mutating func hostID(_ host: String) throws -> Int64 {
        if let id = hostIDs[host] { return id }
        let id = try JobQueue.upsertHost(db, name: host, configuration: configuration)
        hostIDs[host] = id
        return id
    }

    /// Offers one normalized URL: new URLs get a fetch job; known ones only when `reschedule`.
    mutating func offer(
        _ url: URLNormalizer.Normalized, spec: URLRequestSpec, parentID: Int64?, reschedule: Bool
    ) throws -> AddOutcome {
        let hostID = try hostID(url.host)
        let hash = StableHash.of(url.url)
        guard let existing = try Row.fetchOne(findURL, arguments: [hash, url.url]) else {
            try insertURL.execute(arguments: [url.url, hash, hostID, spec.kind.rawValue, now.timeIntervalSince1970])
            let jobID = try insertFetchJob(urlID: db.lastInsertedRowID, hostID: hostID, priority: spec.priority,
                                           notBefore: spec.notBefore, parentID: parentID)
            return .added(url: url.url, jobID: jobID)
        }
        guard reschedule, let jobID = try refetch(urlID: existing["id"], hostID: existing["host_id"],
                                                   priority: spec.priority, at: spec.notBefore, parentID: parentID)
        else { return .known(url: url.url) }
        return .added(url: url.url, jobID: jobID)
    }

    /// Queues another fetch of a known URL, unless one is already pending. Returns the new job's id.
    mutating func refetch(urlID: Int64, hostID: Int64, priority: Int, at: Date?, parentID: Int64?) throws -> Int64? {
        let pending = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM jobs WHERE url_id = ? AND stage = 'fetch'
                           AND state IN ('queued', 'scheduled', 'leased', 'retry') AND id IS NOT ?)
            """), arguments: [urlID, parentID]) ?? false
        if pending { return nil }
        return try insertFetchJob(urlID: urlID, hostID: hostID, priority: priority, notBefore: at, parentID: parentID)
    }

    private mutating func insertFetchJob(urlID: Int64, hostID: Int64, priority: Int, notBefore: Date?, parentID: Int64?) throws -> Int64 {
        let scheduled = notBefore.map { $0 > now } ?? false
        counters.move(hostID: hostID, from: nil, to: scheduled ? .scheduled : .queued)
        try insertJob.execute(arguments: [
                scheduled ? JobState.scheduled.rawValue : JobState.queued.rawValue, urlID, hostID, priority,
                (notBefore ?? now).timeIntervalSince1970, configuration.maxAttempts, parentID,
                now.timeIntervalSince1970, now.timeIntervalSince1970,
            ])
        return db.lastInsertedRowID
    }
}

/// A stable 64-bit FNV-1a hash of a text's UTF-8 bytes: the seen-set's index key for URLs, and
/// the fingerprint of boilerplate blocks. (Swift's `Hasher` is seeded per process, so it cannot
/// key data on disk.)
public enum StableHash {
    public static func of(_ text: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
