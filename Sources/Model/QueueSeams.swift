import Foundation

// What a stage worker needs from the queue, in the four seams that exist, whichever way it
// reaches the queue: the SQLite file on the same machine (`FileQueue`) or the coordinator's HTTP
// API from anywhere (`RemoteQueue` in WorkerSupport). Every requirement is `async` and no
// implementation blocks the caller's thread: SQLite and libcurl calls run on dispatch queues of
// their own (`BlockingExecutor`), waits are `Task.sleep`. Swift's cooperative pool has one
// thread per core, so one blocking call there would stall every task of the process.

/// The job lifecycle: workers announce themselves, lease jobs, keep the leases alive, and settle
/// each job as completed (with its follow-ons) or failed, or give it back unworked.
public protocol JobSource: Sendable {
    /// Announces a worker (it shows in `coordinator stats` until it unregisters or goes quiet).
    func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) async throws
    /// Says the worker is alive while it has nothing to lease.
    func workerHeartbeat(id: String) async throws
    func unregisterWorker(id: String) async throws

    /// Leases up to `limit` ready jobs of `stage` for `leaseSeconds`.
    func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) async throws -> [LeasedJob]
    /// Extends leases during long work; returns the ids still held.
    func extend(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) async throws -> [Int64]
    /// Gives leased jobs back unworked; returns the ids released.
    func release(jobIDs: [Int64], leaseToken: String) async throws -> [Int64]
    /// Completes jobs with their follow-ons in one transaction; one settlement per completion.
    func complete(_ completions: [Completion]) async throws -> [Settlement]
    /// Records failed tries (each retried later or parked as dead) in one transaction; one
    /// settlement per failure, `.staleLease` where the lease is no longer held.
    func fail(_ failures: [FailedAttempt]) async throws -> [Settlement]
}

/// The robots.txt files fetchers share, so each host's is fetched once a day, not per worker.
public protocol RobotsCache: Sendable {
    /// A host's stored robots.txt, if any.
    func robots(host: String) async throws -> RobotsRecord?
    func storeRobots(host: String, status: Int, body: Data) async throws
}

/// The block fingerprints parsers learn per host: blocks that recur on a host's pages are its
/// boilerplate.
public protocol BoilerplateStore: Sendable {
    /// The fingerprints known as boilerplate on each of `hosts`.
    func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy) async throws -> [String: Set<Int64>]
    /// Records the block fingerprints of parsed pages, per host.
    func recordBlocks(_ pages: [HostBlocks], policy: BoilerplatePolicy) async throws
}

/// How gently each host is crawled: its delay between fetches and its concurrency.
public protocol HostPoliteness: Sendable {
    /// A host's delay between fetches, if the host is known.
    func hostDelay(host: String) async throws -> TimeInterval?
    func setHostPoliteness(host: String, delay: TimeInterval?, concurrency: Int?) async throws
}

/// Every seam at once: what `WorkerQueueOptions.openQueue` hands a worker, which keeps only the
/// seams it uses.
public typealias QueueSeams = JobSource & RobotsCache & BoilerplateStore & HostPoliteness

/// One failed try of a leased job, as a worker reports it.
public struct FailedAttempt: Sendable, Equatable, Codable {
    public var jobID: Int64
    public var leaseToken: String
    public var failure: JobFailure

    public init(jobID: Int64, leaseToken: String, failure: JobFailure) {
        (self.jobID, self.leaseToken, self.failure) = (jobID, leaseToken, failure)
    }

    public init(_ job: LeasedJob, _ failure: JobFailure) {
        self.init(jobID: job.id, leaseToken: job.leaseToken, failure: failure)
    }
}

/// The block fingerprints of one parsed page, under its host.
public struct HostBlocks: Sendable, Equatable {
    public var host: String
    public var fingerprints: Set<Int64>

    public init(host: String, fingerprints: Set<Int64>) {
        self.host = host
        self.fingerprints = fingerprints
    }
}

extension BoilerplateStore {
    /// The boilerplate fingerprints of `hosts` under the default policy.
    public func boilerplate(hosts: Set<String>) async throws -> [String: Set<Int64>] {
        try await boilerplate(hosts: hosts, policy: BoilerplatePolicy())
    }

    /// Records block fingerprints under the default policy.
    public func recordBlocks(_ pages: [HostBlocks]) async throws {
        try await recordBlocks(pages, policy: BoilerplatePolicy())
    }
}
