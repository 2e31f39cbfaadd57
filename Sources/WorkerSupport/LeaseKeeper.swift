import Dispatch
import Foundation
import Logging
import Model
import Queue
import Synchronization

/// Keeps the leases of jobs in hand alive: every third of the lease time it extends them
/// (`JobSource.extend`), so a lease can be short — a crashed worker's jobs come back soon — and
/// long work still keeps its jobs. A job the queue no longer holds for us is logged; its
/// completion will come back as a stale lease. It runs as a child task beside the worker loop
/// (`withLeaseKeeper`), on a thread of its own: a lease must not expire because the process's
/// cooperative pool is busy.
public final class LeaseKeeper: Sendable {
    private let source: any JobSource
    private let leaseSeconds: TimeInterval
    private let logger: Logger
    /// Job ids in hand, by lease token.
    private let held = Mutex<[String: Set<Int64>]>([:])

    init(source: any JobSource, leaseSeconds: TimeInterval, logger: Logger) {
        self.source = source
        self.leaseSeconds = leaseSeconds
        self.logger = logger
    }

    /// Starts keeping `jobs`' leases.
    public func hold(_ jobs: [LeasedJob]) {
        held.withLock { for job in jobs { $0[job.leaseToken, default: []].insert(job.id) } }
    }

    /// Stops keeping `jobs`' leases (they were settled).
    public func drop(_ jobs: [LeasedJob]) {
        held.withLock { held in
            for job in jobs {
                held[job.leaseToken]?.remove(job.id)
                if held[job.leaseToken]?.isEmpty == true { held[job.leaseToken] = nil }
            }
        }
    }

    /// Where every keeper of the process runs.
    static let executor = DispatchTaskExecutor(label: "wireroom.lease-keeper")

    /// Extends the leases held, every third of the lease time, until the task is cancelled.
    func keep() async {
        let interval = max(leaseSeconds / 3, 0.2)
        while (try? await Task.sleep(for: .seconds(interval))) != nil {
            for (token, ids) in held.withLock({ $0 }) where !ids.isEmpty {
                do {
                    let kept = Set(try await source.extend(jobIDs: ids.sorted(), leaseToken: token, leaseSeconds: leaseSeconds))
                    for lost in ids.subtracting(kept) { logger.warning("lease lost during work", metadata: ["job": "\(lost)"]) }
                } catch {
                    logger.warning("lease heartbeat failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// Runs `body` with a lease keeper extending, beside it, the leases `body` holds in it.
public func withLeaseKeeper<Result: Sendable>(source: any JobSource, leaseSeconds: TimeInterval, logger: Logger,
                                              _ body: (LeaseKeeper) async throws -> Result) async throws -> Result {
    let keeper = LeaseKeeper(source: source, leaseSeconds: leaseSeconds, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask(executorPreference: LeaseKeeper.executor) { await keeper.keep() }
        defer { group.cancelAll() }
        return try await body(keeper)
    }
}

/// A task executor on a serial dispatch queue: the tasks that prefer it run on that queue's
/// thread, not on the cooperative pool.
final class DispatchTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
