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
