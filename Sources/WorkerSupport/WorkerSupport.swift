import ArgumentParser
import Dispatch
import Foundation
import Logging
import Queue
import Synchronization

/// How every stage worker reaches the queue — `--db PATH` (the SQLite file, on the same
/// machine) or `--coordinator URL --token-file F` (the coordinator's HTTP API, from anywhere) —
/// and `--worker-id`.
public struct WorkerQueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file (workers on the coordinator's machine).", valueName: "path"))
    public var db: String?

    @Option(name: .long, help: ArgumentHelp("The coordinator's API (`coordinator serve`), e.g. http://10.0.0.5:8470 (default: $WIREROOM_COORDINATOR).", valueName: "url"))
    public var coordinator: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API's bearer token (default: $WIREROOM_TOKEN_FILE, else $WIREROOM_TOKEN).", valueName: "path"))
    public var tokenFile: String?

    @Option(name: .long, help: "This worker's name in `coordinator stats` (default: STAGE-HOST-PID).")
    public var workerID: String?

    @Option(name: .long, help: ArgumentHelp(
        "How long a lease lasts before the queue hands the job to another worker; heartbeats extend it during long work (default: per stage).",
        valueName: "seconds"))
    public var leaseSeconds: Double?

    public init() {}

    public func validate() throws {
        if db != nil && coordinator != nil { throw ValidationError("give either --db (the queue file) or --coordinator (its API), not both") }
        if coordinator == nil && tokenFile != nil { throw ValidationError("--token-file is for --coordinator") }
        if let leaseSeconds, !(leaseSeconds >= 1 && leaseSeconds <= 86_400) {
            throw ValidationError("--lease-seconds must be 1 to 86400, got \(leaseSeconds)")
        }
    }

    public var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    /// The worker's name: the one given, else `stage-host-pid`.
    public func workerName(stage: String) -> String {
        workerID ?? "\(stage)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }

    /// The queue as the options say: the coordinator's API (`--coordinator`, else
    /// `$WIREROOM_COORDINATOR` unless `--db` is given), or the database file.
    public func openQueue(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any WorkQueue {
        guard let coordinator = coordinator ?? (db == nil ? environment["WIREROOM_COORDINATOR"].flatMap { $0.isEmpty ? nil : $0 } : nil) else {
            return try JobQueue.open(at: databasePath)
        }
        let token = try APIToken.read(file: tokenFile, environment: environment)
        logger.info("queue through the coordinator's API", metadata: ["coordinator": "\(coordinator)"])
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
///
/// It also speaks for the worker to systemd (`Type=notify`): READY when the worker starts and
/// STOPPING when a signal asks it to stop. The watchdog is fed by the worker's progress
/// (`ProgressWatchdog`), not from here.
public final class StopSignals {
    private let sources: [DispatchSourceSignal]
    private static let stopRequested = Atomic<Bool>(false)

    /// Whether a signal asked this process to stop: waits that could last (a coordinator that
    /// is down) end early on it.
    public static var isStopRequested: Bool { stopRequested.load(ordering: .relaxed) }

    public init(logger: Logger, onStop stop: @escaping @Sendable () -> Void) {
        let systemd = SystemdNotifier()
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                logger.info("stopping: finishing the work in hand", metadata: ["signal": "\(number)"])
                systemd.notify("STOPPING=1")
                StopSignals.stopRequested.store(true, ordering: .relaxed)
                stop()
            }
            source.resume()
            return source
        }
        systemd.notify("READY=1")
        ProgressWatchdog.shared.progress()
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
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
        let settlements: [Settlement]
        do {
            settlements = try complete(completions)
        } catch where completions.count > 1 && !WorkerTrouble.isPassing(error) && !(error is WorkerStopped) {
            // One completion the queue refuses must not sink the batch: each on its own, and the
            // one refused is parked as dead with the reason.
            settlements = try completions.map { completion in
                do {
                    return try complete([completion])[0]
                } catch where !WorkerTrouble.isPassing(error) && !(error is WorkerStopped) {
                    logger.error("completion refused by the queue; the job is parked as dead", metadata: ["job": "\(completion.jobID)", "error": "\(error)"])
                    try fail(jobID: completion.jobID, leaseToken: completion.leaseToken,
                             failure: JobFailure(errorClass: "completion-refused", message: "\(error)", retryable: false))
                    return .accepted
                }
            }
        }
        for (completion, settlement) in zip(completions, settlements) where settlement == .staleLease {
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
    /// leases a batch and hands it to `process` (its leases extended by heartbeats meanwhile),
    /// waits when nothing is ready, and returns once `stopping()` says so — after the batch in
    /// hand was processed — unregistering the worker.
    public func runBatches(_ leasing: BatchLeasing, logger: Logger, stopping: () -> Bool, process: ([LeasedJob]) throws -> Void) throws {
        guard try register(id: leasing.workerID, stage: leasing.stage, logger: logger) else { return }
        defer { try? unregisterWorker(id: leasing.workerID) }
        logger.info("\(leasing.stage.rawValue) worker started", metadata: ["worker": "\(leasing.workerID)"])
        let leases = LeaseKeeper(queue: self, leaseSeconds: leasing.leaseSeconds, logger: logger)
        var troubles = 0
        while !stopping() {
            ProgressWatchdog.shared.progress()
            var jobs: [LeasedJob] = []
            do {
                jobs = try lease(stage: leasing.stage, worker: leasing.workerID, limit: leasing.batchSize, leaseSeconds: leasing.leaseSeconds)
                if jobs.isEmpty {
                    if leasing.exitWhenIdle { break }
                    try workerHeartbeat(id: leasing.workerID)
                    Thread.sleep(forTimeInterval: leasing.idleSleep)
                    continue
                }
                leases.hold(jobs)
                defer { leases.drop(jobs) }
                try process(jobs)
                troubles = 0
            } catch is WorkerStopped {
                break
            } catch where WorkerTrouble.isPassing(error) {
                troubles += 1
                WorkerTrouble.recover(from: error, jobs: jobs, queue: self, attempt: troubles, logger: logger)
            }
        }
        logger.info("\(leasing.stage.rawValue) worker stopped", metadata: ["worker": "\(leasing.workerID)"])
    }
}

/// Keeps the leases of jobs in hand alive: every third of the lease time it extends them
/// (`WorkQueue.heartbeat`), so a lease can be short — a crashed worker's jobs come back soon —
/// and long work still keeps its jobs. A job the queue no longer holds for us is logged; its
/// completion will come back as a stale lease.
///
/// `@unchecked Sendable`: the timer is set up in `init` and cancelled in `deinit`; the ids in
/// hand are behind a mutex.
public final class LeaseKeeper: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    /// Job ids in hand, by lease token.
    private let held = Mutex<[String: Set<Int64>]>([:])

    public init(queue: any WorkQueue, leaseSeconds: TimeInterval, logger: Logger) {
        // A queue of its own: a busy global pool must not delay the heartbeats past the lease.
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "wireroom.lease-keeper", qos: .userInitiated))
        let interval = max(leaseSeconds / 3, 0.2)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            for (token, ids) in held.withLock({ $0 }) where !ids.isEmpty {
                do {
                    let kept = Set(try queue.heartbeat(jobIDs: ids.sorted(), leaseToken: token, leaseSeconds: leaseSeconds))
                    for lost in ids.subtracting(kept) { logger.warning("lease lost during work", metadata: ["job": "\(lost)"]) }
                } catch {
                    logger.warning("lease heartbeat failed", metadata: ["error": "\(error)"])
                }
            }
        }
        timer.resume()
    }

    deinit { timer.cancel() }

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
}

extension WorkQueue {
    /// Registers the worker, waiting out trouble that passes (a coordinator down or failing, a
    /// busy database); false when the process was asked to stop meanwhile.
    public func register(id: String, stage: Stage, logger: Logger) throws -> Bool {
        for attempt in 1... {
            do {
                try registerWorker(id: id, stage: stage, hostname: ProcessInfo.processInfo.hostName, pid: Int(getpid()))
                return true
            } catch is WorkerStopped {
                return false
            } catch where WorkerTrouble.isPassing(error) {
                WorkerTrouble.recover(from: error, jobs: [], queue: self, attempt: attempt, logger: logger)
                if StopSignals.isStopRequested { return false }
            }
        }
        return false
    }
}

/// Thrown by waits that a stop request ended (`StopSignals.isStopRequested`): the worker loop
/// returns, and the leases in hand expire, their jobs going back to the queue.
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

    public static func recover(from error: Error, jobs: [LeasedJob], queue: any WorkQueue, attempt: Int, logger: Logger) {
        let pause = backoff.delay(afterAttempt: attempt)
        logger.error("queue trouble; the jobs in hand are released and the worker goes on", metadata: [
            "error": "\(error)", "jobs": "\(jobs.count)", "retry_in_s": "\(String(format: "%.1f", pause))",
        ])
        for (token, group) in Dictionary(grouping: jobs, by: \.leaseToken) {
            _ = try? queue.release(jobIDs: group.map(\.id), leaseToken: token)
        }
        let until = Date().addingTimeInterval(pause)
        while Date() < until && !StopSignals.isStopRequested { Thread.sleep(forTimeInterval: 0.1) }
    }
}
