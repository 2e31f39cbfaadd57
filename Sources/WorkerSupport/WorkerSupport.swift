import ArgumentParser
import Dispatch
import Foundation
import Logging
import Queue

/// `--db` and `--worker-id`, the options every stage worker on the queue's machine takes.
public struct WorkerQueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file.", valueName: "path"))
    public var db: String?

    @Option(name: .long, help: "This worker's name in `coordinator stats` (default: STAGE-HOST-PID).")
    public var workerID: String?

    public init() {}

    public var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    /// The worker's name: the one given, else `stage-host-pid`.
    public func workerName(stage: String) -> String {
        workerID ?? "\(stage)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }
}

/// SIGTERM (systemd's stop) and SIGINT (Ctrl-C) handled the same way by every worker: log and
/// call `stop`, which lets the work in hand finish and be recorded before the process exits.
public final class StopSignals {
    private let sources: [DispatchSourceSignal]

    public init(logger: Logger, onStop stop: @escaping @Sendable () -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                logger.info("stopping: finishing the work in hand", metadata: ["signal": "\(number)"])
                stop()
            }
            source.resume()
            return source
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}

/// Logs to standard error (journald collects it under systemd), once per process.
public func bootstrapWorkerLogging() {
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
}

extension JobQueue {
    /// Records what a worker finished: failures one by one (retried or parked by the queue), then
    /// the completions in one transaction. A lease lost in between — the job expired and went to
    /// another worker — is logged and its result discarded, never counted twice.
    public func settle(completions: [Completion], failures: [(job: LeasedJob, failure: JobFailure)], logger: Logger) throws {
        for (job, failure) in failures {
            do {
                try fail(jobID: job.id, leaseToken: job.leaseToken, failure: failure)
            } catch QueueError.staleLease {
                logger.warning("lease lost before the failure was recorded", metadata: ["job": "\(job.id)"])
            }
        }
        for (completion, settlement) in zip(completions, try complete(completions)) where settlement == .staleLease {
            logger.warning("lease lost before completion; result discarded", metadata: ["job": "\(completion.jobID)"])
        }
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

extension JobQueue {
    /// The loop of a worker that takes jobs in batches (parse, store): registers the worker,
    /// leases a batch and hands it to `process`, waits when nothing is ready, and returns once
    /// `stopping()` says so — after the batch in hand was processed — unregistering the worker.
    public func runBatches(_ leasing: BatchLeasing, logger: Logger, stopping: () -> Bool, process: ([LeasedJob]) throws -> Void) throws {
        try registerWorker(id: leasing.workerID, stage: leasing.stage, hostname: ProcessInfo.processInfo.hostName, pid: Int(getpid()))
        defer { try? unregisterWorker(id: leasing.workerID) }
        logger.info("\(leasing.stage.rawValue) worker started", metadata: ["worker": "\(leasing.workerID)"])
        while !stopping() {
            let jobs = try lease(stage: leasing.stage, worker: leasing.workerID, limit: leasing.batchSize, leaseSeconds: leasing.leaseSeconds)
            if jobs.isEmpty {
                if leasing.exitWhenIdle { break }
                try workerHeartbeat(id: leasing.workerID)
                Thread.sleep(forTimeInterval: leasing.idleSleep)
                continue
            }
            try process(jobs)
        }
        logger.info("\(leasing.stage.rawValue) worker stopped", metadata: ["worker": "\(leasing.workerID)"])
    }
}
