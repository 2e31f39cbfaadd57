import Foundation
import Logging
import Model
import Queue
import QueueWire

extension JobSource {
    /// Records what a worker finished: the failures in one call (each retried or parked by the
    /// queue), then the completions in one transaction. A lease lost in between — the job
    /// expired and went to another worker — is logged and its result discarded, never counted
    /// twice.
    public func settle(completions: [Completion], failures: [FailedAttempt], logger: Logger) async throws {
        for (attempt, settlement) in zip(failures, try await fail(failures)) where settlement == .staleLease {
            logger.warning("lease lost before the failure was recorded", metadata: ["job": "\(attempt.jobID)"])
        }
        let settlements: [Settlement]
        do {
            settlements = try await complete(completions)
        } catch where completions.count > 1 && !WorkerTrouble.isPassing(error) && !(error is WorkerStopped) {
            // One completion the queue refuses must not sink the batch: each on its own, and the
            // one refused is parked as dead with the reason.
            var each: [Settlement] = []
            for completion in completions {
                do {
                    each.append(try await complete([completion])[0])
                } catch where !WorkerTrouble.isPassing(error) && !(error is WorkerStopped) {
                    logger.error("completion refused by the queue; the job is parked as dead", metadata: ["job": "\(completion.jobID)", "error": "\(error)"])
                    let refused = FailedAttempt(jobID: completion.jobID, leaseToken: completion.leaseToken,
                                                failure: JobFailure(errorClass: "completion-refused", message: "\(error)", retryable: false))
                    each.append(try await fail([refused])[0])
                }
            }
            settlements = each
        }
        for (completion, settlement) in zip(completions, settlements) where settlement == .staleLease {
            logger.warning("lease lost before completion; result discarded", metadata: ["job": "\(completion.jobID)"])
        }
    }

    /// Registers the worker, waiting out trouble that passes (a coordinator down or failing, a
    /// busy database); false when the worker was asked to stop meanwhile.
    public func register(id: String, stage: Stage, logger: Logger) async throws -> Bool {
        for attempt in 1... {
            do {
                try await registerWorker(id: id, stage: stage, hostname: ProcessInfo.processInfo.hostName, pid: Int(getpid()))
                return true
            } catch is WorkerStopped {
                return false
            } catch where WorkerTrouble.isPassing(error) {
                await WorkerTrouble.recover(from: error, jobs: [], source: self, attempt: attempt, logger: logger)
                if StopRequest.isRequested { return false }
            }
        }
        return false
    }

    /// The loop of a worker that takes jobs in batches (parse, store): registers the worker,
    /// leases a batch and hands it to `process` (its leases extended meanwhile), waits when
    /// nothing is ready, and returns once a stop is requested — after the batch in hand was
    /// processed — unregistering the worker.
    public func runBatches(_ leasing: BatchLeasing, logger: Logger, process: ([LeasedJob]) async throws -> Void) async throws {
        try await PoolGuard.watchingWorkerLoop { try await runBatchLoop(leasing, logger: logger, process: process) }
    }

    private func runBatchLoop(_ leasing: BatchLeasing, logger: Logger, process: ([LeasedJob]) async throws -> Void) async throws {
        guard try await register(id: leasing.workerID, stage: leasing.stage, logger: logger) else { return }
        logger.info("\(leasing.stage.rawValue) worker started", metadata: ["worker": "\(leasing.workerID)"])
        try await withLeaseKeeper(source: self, leaseSeconds: leasing.leaseSeconds, logger: logger) { leases in
            var troubles = 0
            while !StopRequest.isRequested {
                ProgressWatchdog.shared.progress()
                var jobs: [LeasedJob] = []
                do {
                    jobs = try await lease(stage: leasing.stage, worker: leasing.workerID, limit: leasing.batchSize, leaseSeconds: leasing.leaseSeconds)
                    if jobs.isEmpty {
                        if leasing.exitWhenIdle { break }
                        try await workerHeartbeat(id: leasing.workerID)
                        _ = await StopRequest.sleep(for: leasing.idleSleep)
                        continue
                    }
                    leases.hold(jobs)
                    defer { leases.drop(jobs) }
                    try await process(jobs)
                    troubles = 0
                } catch is WorkerStopped {
                    break
                } catch where WorkerTrouble.isPassing(error) {
                    troubles += 1
                    await WorkerTrouble.recover(from: error, jobs: jobs, source: self, attempt: troubles, logger: logger)
                }
            }
        }
        try? await unregisterWorker(id: leasing.workerID)
        logger.info("\(leasing.stage.rawValue) worker stopped", metadata: ["worker": "\(leasing.workerID)"])
    }
}

/// How a batch worker leases: which stage, as whom, how many jobs at once and for how long.
public struct BatchLeasing: Sendable {
    public var stage: Stage
    public var workerID: String
    public var batchSize: Int
    public var leaseSeconds: TimeInterval
    /// The pause before asking again when nothing is ready.
    public var idleSleep: TimeInterval = 0.5
    /// Stop once nothing is ready (tests, one-shot runs).
    public var exitWhenIdle = false

    public init(stage: Stage, workerID: String, batchSize: Int, leaseSeconds: TimeInterval) {
        self.stage = stage
        self.workerID = workerID
        self.batchSize = batchSize
        self.leaseSeconds = leaseSeconds
    }
}

/// Thrown by waits that a stop request ended (`StopRequest`): the worker loop returns, and the
/// leases in hand expire, their jobs going back to the queue.
public struct WorkerStopped: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped while waiting for the queue" }
}

/// What a worker loop does when the queue fails under it: trouble that passes (a busy or full
/// database, a coordinator down or failing) is logged, the jobs in hand are released for
/// another try, and the loop goes on after a pause that grows while the trouble lasts; the
/// same on the file queue and through the API. Anything else (a corrupt database, a token
/// the coordinator refuses) ends the worker with its message.
public enum WorkerTrouble {
    public static func isPassing(_ error: Error) -> Bool {
        switch error {
        case let error as QueueError: error.isTransient
        case CoordinatorClient.Failure.transport: true
        case CoordinatorClient.Failure.status(let status, _): status >= 500
        default: false
        }
    }

    static let backoff = Backoff(base: 0.5, maximum: 30)

    public static func recover(from error: Error, jobs: [LeasedJob], source: any JobSource, attempt: Int, logger: Logger) async {
        let pause = backoff.delay(afterAttempt: attempt)
        logger.error("queue trouble; the jobs in hand are released and the worker goes on", metadata: [
            "error": "\(error)", "jobs": "\(jobs.count)", "retry_in_s": "\(String(format: "%.1f", pause))",
        ])
        for (token, group) in Dictionary(grouping: jobs, by: \.leaseToken) {
            _ = try? await source.release(jobIDs: group.map(\.id), leaseToken: token)
        }
        _ = await StopRequest.sleep(for: pause)
    }
}
