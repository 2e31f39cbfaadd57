import Foundation

/// What a stage worker needs from the queue, whichever way it reaches it: `JobQueue` on the
/// same machine (the SQLite file), or the coordinator's HTTP API from anywhere
/// (`RemoteQueue` in WorkerSupport). Worker code is written against this protocol only, so the
/// same code runs both ways.
public protocol WorkQueue: Sendable {
    /// Announces a worker (it shows in `coordinator stats` until it unregisters or goes quiet).
    func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) throws
    /// Says the worker is alive while it has nothing to lease.
    func workerHeartbeat(id: String) throws
    func unregisterWorker(id: String) throws

    /// Leases up to `limit` ready jobs of `stage` for `leaseSeconds`.
    func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) throws -> [LeasedJob]
    /// Extends leases during long work; returns the ids still held.
    func heartbeat(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) throws -> [Int64]
    /// Gives leased jobs back unworked; returns the ids released.
    @discardableResult
    func release(jobIDs: [Int64], leaseToken: String) throws -> [Int64]
    /// Completes jobs with their follow-ons in one transaction; one settlement per completion.
    func complete(_ completions: [Completion]) throws -> [Settlement]
    /// Records a failed try (retried later or parked as dead); throws `QueueError.staleLease`
    /// when the lease is no longer held.
    func fail(jobID: Int64, leaseToken: String, failure: JobFailure) throws

    /// The fingerprints known as boilerplate on each of `hosts`.
    func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy) throws -> [String: Set<Int64>]
    /// Records the block fingerprints of parsed pages, per host.
    func recordBlocks(_ pages: [(host: String, fingerprints: Set<Int64>)], policy: BoilerplatePolicy) throws

    /// A host's stored robots.txt, if any.
    func robots(host: String) throws -> RobotsRecord?
    func storeRobots(host: String, status: Int, body: Data) throws
    /// A host's delay between fetches, if the host is known.
    func hostDelay(host: String) throws -> TimeInterval?
    func setHostPoliteness(host: String, delay: TimeInterval?, concurrency: Int?) throws
}

extension WorkQueue {
    /// The boilerplate fingerprints of `hosts` under the default policy.
    public func boilerplate(hosts: Set<String>) throws -> [String: Set<Int64>] {
        try boilerplate(hosts: hosts, policy: BoilerplatePolicy())
    }

    /// Records block fingerprints under the default policy.
    public func recordBlocks(_ pages: [(host: String, fingerprints: Set<Int64>)]) throws {
        try recordBlocks(pages, policy: BoilerplatePolicy())
    }
}

extension JobQueue: WorkQueue {}
