import Foundation
import GRDB
import Model

/// The job queue: one SQLite database in WAL mode, shared by the coordinator and by
/// every worker on the same machine (remote workers reach it through the coordinator's API).
///
/// Every state change is one short IMMEDIATE transaction, so several processes can use
/// the same file at once: SQLite serializes writers and the busy timeout makes them wait
/// their turn instead of failing.
///
/// ```swift
/// let queue = try JobQueue.open(at: "/var/lib/wireroom/queue.sqlite", creating: true)
/// _ = try queue.add(["https://example.org/news/1"])
/// for job in try queue.lease(stage: .fetch, worker: "fetcher-1", limit: 10, leaseSeconds: 60) {
///     try queue.complete(Completion(jobID: job.id, leaseToken: job.leaseToken))
/// }
/// ```
public final class JobQueue: Sendable {
    public let path: String
    public let configuration: QueueConfiguration
    /// The queue file's random identity, made with the file: a job is known everywhere by this
    /// and its id (`LeasedJob.queueID`), since another queue file numbers its jobs from 1 too.
    public let identity: String
    let pool: DatabasePool

    private init(path: String, configuration: QueueConfiguration, identity: String, pool: DatabasePool) {
        self.path = path
        self.configuration = configuration
        self.identity = identity
        self.pool = pool
    }

    /// Opens the queue database at `path`, migrating it to the current schema.
    ///
    /// - Parameter creating: create the file (and its directory) when missing; commands
    ///   that only read or change existing jobs pass false, so a typo in `--db` is an
    ///   error instead of a new empty queue.
    public static func open(
        at path: String, creating: Bool = false, configuration: QueueConfiguration = QueueConfiguration()
    ) throws -> JobQueue {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw QueueError.cannotOpen(path: path, detail: "it is a directory") }
        } else {
            guard creating else { throw QueueError.databaseMissing(path: path) }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw QueueError.cannotOpen(path: path, detail: "cannot create directory \(directory)")
                }
            }
        }

        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        config.label = "wireroom-queue"
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            // Takes effect when the file is created. Measured with Benchmarks/run.sh: 8 KiB pages
            // add URLs ~15% faster and lease batches of 100 ~40% faster than 4 KiB, while single
            // leases stay as fast (16 KiB made each small commit write too much).
            try db.execute(sql: "PRAGMA page_size = 8192")
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // A transaction whose dirty pages overflow the page cache spills them to the WAL and
            // rewrites them later; bulk adds touch many index pages, so give the cache 64 MiB.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Statements that fire triggers keep a statement journal; on disk that is a
            // write per touched page per statement, which dominated bulk adds. Keep it in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
        }
        do {
            let pool = try SetUpRace.retrying {
                let pool = try DatabasePool(path: path, configuration: config)
                let migrator = QueueSchema.migrator
                if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                    throw QueueError.schemaTooNew(path: path)
                }
                try migrator.migrate(pool)
                return pool
            }
            guard let identity = try pool.read({ try String.fetchOne($0, sql: "SELECT id FROM queue_identity") }) else {
                throw QueueError.cannotOpen(path: path, detail: "the queue file has no identity row (queue_identity is empty)")
            }
            return JobQueue(path: path, configuration: configuration, identity: identity, pool: pool)
        } catch let error as DatabaseError {
            throw QueueError.describing(error, path: path)
        }
    }

    /// Runs `body` in an IMMEDIATE write transaction, translating SQLite errors.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        PoolGuard.willBlock()
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw QueueError.describing(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        PoolGuard.willBlock()
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw QueueError.describing(error, path: path)
        }
    }

    var now: Date { configuration.clock() }

    static func makeLeaseToken() -> String {
        let high = UInt64.random(in: .min ... .max)
        let low = UInt64.random(in: .min ... .max)
        return String(high, radix: 16) + String(low, radix: 16)
    }
}
