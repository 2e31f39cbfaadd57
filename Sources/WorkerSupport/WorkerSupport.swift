import ArgumentParser
import Dispatch
import Foundation
import Logging
import Queue

/// How every stage worker reaches the queue — `--db PATH` (the SQLite file, on the same
/// machine) or `--coordinator URL --token-file F` (the coordinator's HTTP API, from anywhere) —
/// and `--worker-id`.
public struct WorkerQueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file (workers on the coordinator's machine).", valueName: "path"))
    public var db: String?

    @Option(name: .long, help: ArgumentHelp("The coordinator's API (`coordinator serve`), e.g. http://10.0.0.5:8470.", valueName: "url"))
    public var coordinator: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API's bearer token (default: $WIREROOM_TOKEN_FILE, else $WIREROOM_TOKEN).", valueName: "path"))
    public var tokenFile: String?

    @Option(name: .long, help: "This worker's name in `coordinator stats` (default: STAGE-HOST-PID).")
    public var workerID: String?

    public init() {}

    public func validate() throws {
        if db != nil && coordinator != nil { throw ValidationError("give either --db (the queue file) or --coordinator (its API), not both") }
        if coordinator == nil && tokenFile != nil { throw ValidationError("--token-file is for --coordinator") }
    }

    public var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    /// The worker's name: the one given, else `stage-host-pid`.
    public func workerName(stage: String) -> String {
        workerID ?? "\(stage)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }

    /// The queue as the options say: the coordinator's API, or the database file.
    public func openQueue(logger: Logger) throws -> any WorkQueue {
        guard let coordinator else { return try JobQueue.open(at: databasePath) }
        let token = try APIToken.read(file: tokenFile)
        return RemoteQueue(client: try CoordinatorClient(baseURL: coordinator, token: token), logger: logger)
    }
}

/// The coordinator API's bearer token, as server and workers read it: from a file (first line,
/// surrounding whitespace dropped), `$WIREROOM_TOKEN_FILE`, or `$WIREROOM_TOKEN`.
public enum APIToken {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let path = file ?? environment["WIREROOM_TOKEN_FILE"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw Missing(description: "cannot read the token file \(path)") }
            let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard token.count >= 16 else { throw Missing(description: "the token in \(path) is shorter than 16 characters") }
            return token
        }
        if let token = environment["WIREROOM_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw Missing(description: "$WIREROOM_TOKEN is shorter than 16 characters") }
            return token
        }
        throw Missing(description: "no API token: give --token-file, or set WIREROOM_TOKEN_FILE or WIREROOM_TOKEN")
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

extension WorkQueue {
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

extension WorkQueue {
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
