import Foundation
import Model

/// The queue file reached from this machine, behind the worker seams: every call runs the
/// `JobQueue` transaction on the executor's threads, never on the caller's.
///
/// Writes go through one serial queue (SQLite takes one writer at a time anyway, so a second
/// writer would only hold a thread waiting for the lock); reads run beside them.
public struct FileQueue: QueueSeams {
    public let queue: JobQueue
    private let writes: BlockingExecutor
    private let reads: BlockingExecutor

    public init(_ queue: JobQueue) {
        self.queue = queue
        writes = BlockingExecutor(label: "wireroom.queue-file.writes")
        reads = BlockingExecutor(label: "wireroom.queue-file.reads", concurrent: true)
    }

    public func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) async throws {
        try await writes.run { try queue.registerWorker(id: id, stage: stage, hostname: hostname, pid: pid) }
    }

    public func workerHeartbeat(id: String) async throws {
        try await writes.run { try queue.workerHeartbeat(id: id) }
    }

    public func unregisterWorker(id: String) async throws {
        try await writes.run { try queue.unregisterWorker(id: id) }
    }

    public func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) async throws -> [LeasedJob] {
        try await writes.run { try queue.lease(stage: stage, worker: worker, limit: limit, leaseSeconds: leaseSeconds) }
    }

    public func extend(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) async throws -> [Int64] {
        try await writes.run { try queue.extend(jobIDs: jobIDs, leaseToken: leaseToken, leaseSeconds: leaseSeconds) }
    }

    public func release(jobIDs: [Int64], leaseToken: String) async throws -> [Int64] {
        try await writes.run { try queue.release(jobIDs: jobIDs, leaseToken: leaseToken) }
    }

    public func complete(_ completions: [Completion]) async throws -> [Settlement] {
        try await writes.run { try queue.complete(completions) }
    }

    public func fail(_ failures: [FailedAttempt]) async throws -> [Settlement] {
        try await writes.run { try queue.fail(failures) }
    }

    public func robots(host: String) async throws -> RobotsRecord? {
        try await reads.run { try queue.robots(host: host) }
    }

    public func storeRobots(host: String, status: Int, body: Data) async throws {
        try await writes.run { try queue.storeRobots(host: host, status: status, body: body) }
    }

    public func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy) async throws -> [String: Set<Int64>] {
        try await reads.run { try queue.boilerplate(hosts: hosts, policy: policy) }
    }

    public func recordBlocks(_ pages: [HostBlocks], policy: BoilerplatePolicy) async throws {
        try await writes.run { try queue.recordBlocks(pages, policy: policy) }
    }

    public func hostDelay(host: String) async throws -> TimeInterval? {
        try await reads.run { try queue.hostDelay(host: host) }
    }

    public func setHostPoliteness(host: String, delay: TimeInterval?, concurrency: Int?) async throws {
        try await writes.run { try queue.setHostPoliteness(host: host, delay: delay, concurrency: concurrency) }
    }
}
