import Foundation
import Logging
import Model
import Queue
import ServiceLifecycle
import WorkerSupport

/// The fetch-stage worker: leases fetch jobs, keeps up to `maxInFlight` transfers running in one
/// engine, and settles results in small batches — pages become parse jobs (same transaction as the
/// completion), failures are recorded with their class and retried or parked by the queue.
/// A graceful shutdown stops leasing; the transfers in flight finish (bounded by the transfer
/// timeout) and are settled.
public final class FetchWorker: Service {
    public struct Configuration: Sendable {
        public var workerID: String
        public var maxInFlight = 64
        /// Settle finished fetches once this many are waiting (or the queue runs dry).
        public var settleBatch = 32
        /// Longer than any transfer may take, so a lease never expires under a live fetch.
        public var leaseSeconds: TimeInterval
        public var idleSleep: TimeInterval = 0.5
        /// Stop once nothing is ready and nothing is in flight (tests, one-shot runs).
        public var exitWhenIdle = false
        /// Also archive every HTTP exchange as WARC records (the engine must keep raw heads).
        public var warc: WARCWriter?
        /// The longest server-requested wait honoured (`Retry-After` of a 429 or 503).
        public var maxRetryAfter = Configuration.defaultMaxRetryAfter
        /// Six hours: long enough for a site's maintenance window, short enough that a mistaken
        /// header (or one meant to stop crawlers for years) does not take a host off the crawl.
        public static let defaultMaxRetryAfter: TimeInterval = 6 * 3600

        public init(workerID: String, leaseSeconds: TimeInterval) {
            self.workerID = workerID
            self.leaseSeconds = leaseSeconds
        }
    }

    /// One fetch job's result, ready to be settled.
    enum Outcome: Sendable {
        case completed(LeasedJob, followOns: [FollowOn], validators: URLValidators? = nil)
        case failed(LeasedJob, JobFailure)

        var job: LeasedJob {
            switch self {
            case .completed(let job, _, _), .failed(let job, _): job
            }
        }
    }

    private let jobs: any JobSource
    private let engine: FetchEngine
    private let configuration: Configuration
    private let logger: Logger
    private let robots: RobotsGate

    /// `queue` gives the jobs, the shared robots.txt files and the hosts' politeness.
    public init(queue: any JobSource & RobotsCache & HostPoliteness, engine: FetchEngine, configuration: Configuration, logger: Logger) {
        jobs = queue
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        robots = RobotsGate(cache: queue, politeness: queue, engine: engine, userAgent: engine.configuration.userAgent)
    }

    /// Runs until a stop is requested (or, with `exitWhenIdle`, until the queue has nothing ready).
    public func run() async throws {
        try await PoolGuard.watchingWorkerLoop { try await fetchLoop() }
    }

    private func fetchLoop() async throws {
        guard try await jobs.register(id: configuration.workerID, stage: .fetch, logger: logger) else { return }
        logger.info("fetch worker started", metadata: ["worker": "\(configuration.workerID)", "in_flight": "\(configuration.maxInFlight)"])
        try await withLeaseKeeper(source: jobs, leaseSeconds: configuration.leaseSeconds, logger: logger) { leases in
            try await fetchUntilStopped(leases: leases)
        }
        try? await jobs.unregisterWorker(id: configuration.workerID)
        logger.info("fetch worker stopped", metadata: ["worker": "\(configuration.workerID)"])
    }

    private func fetchUntilStopped(leases: LeaseKeeper) async throws {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var inFlight = 0
            var finished: [Outcome] = []
            var troubles = 0
            while true {
                ProgressWatchdog.shared.progress()
                do {
                    if !StopRequest.isRequested && inFlight <= configuration.maxInFlight / 2 {
                        let leased = try await jobs.lease(stage: .fetch, worker: configuration.workerID,
                                                          limit: configuration.maxInFlight - inFlight, leaseSeconds: configuration.leaseSeconds)
                        leases.hold(leased)
                        for job in leased {
                            group.addTask { await self.fetch(job) }
                        }
                        inFlight += leased.count
                    }
                    if inFlight == 0 {
                        try await settle(&finished, leases: leases)
                        if StopRequest.isRequested || configuration.exitWhenIdle { break }
                        try await jobs.workerHeartbeat(id: configuration.workerID)
                        _ = await StopRequest.sleep(for: configuration.idleSleep)
                        continue
                    }
                    if let outcome = try await group.next() {
                        inFlight -= 1
                        finished.append(outcome)
                    }
                    if finished.count >= configuration.settleBatch || inFlight <= configuration.maxInFlight / 2 {
                        try await settle(&finished, leases: leases)
                    }
                    troubles = 0
                } catch is WorkerStopped {
                    break
                } catch where WorkerTrouble.isPassing(error) {
                    // The fetched pages not recorded go back to the queue; transfers in flight go on.
                    troubles += 1
                    let unrecorded = finished.map(\.job)
                    leases.drop(unrecorded)
                    finished.removeAll()
                    await WorkerTrouble.recover(from: error, jobs: unrecorded, source: jobs, attempt: troubles, logger: logger)
                }
            }
        }
    }

    /// Records finished fetches: the failures in one call, the completions in one transaction.
    private func settle(_ outcomes: inout [Outcome], leases: LeaseKeeper) async throws {
        guard !outcomes.isEmpty else { return }
        var completions: [Completion] = []
        var failures: [FailedAttempt] = []
        for outcome in outcomes {
            switch outcome {
            case .completed(let job, let followOns, let validators):
                completions.append(Completion(jobID: job.id, leaseToken: job.leaseToken, followOns: followOns, validators: validators))
            case .failed(let job, let failure):
                logger.debug("fetch failed", metadata: ["url": "\(job.url)", "error": "\(failure.errorClass): \(failure.message)"])
                failures.append(FailedAttempt(job, failure))
            }
        }
        try await jobs.settle(completions: completions, failures: failures, logger: logger)
        leases.drop(outcomes.map(\.job))
        outcomes.removeAll()
    }

    /// Fetches one job's URL and decides what becomes of it.
    func fetch(_ job: LeasedJob) async -> Outcome {
        switch await robots.verdict(for: job.url, host: job.host) {
        case .allowed:
            break
        case .denied:
            return .failed(job, JobFailure(errorClass: "robots-denied", message: "robots.txt disallows \(job.url)", retryable: false))
        case .unavailable(let reason):
            return .failed(job, JobFailure(errorClass: "robots-unavailable", message: reason, retryable: true))
        }
        let request = FetchRequest(url: job.url, ifNoneMatch: job.validators?.etag, ifModifiedSince: job.validators?.lastModified)
        switch await engine.fetch(request) {
        case .failure(let failure):
            return .failed(job, JobFailure(errorClass: failure.errorClass, message: "\(failure.detail) (\(job.url))",
                                           retryable: failure.retryable))
        case .success(let response):
            if let warc = configuration.warc {
                do {
                    try await warc.write(response, requestedURL: job.url)
                } catch {
                    logger.error("WARC write failed", metadata: ["url": "\(job.url)", "error": "\(error)"])
                }
            }
            return Self.outcome(of: response, for: job, maxRetryAfter: configuration.maxRetryAfter)
        }
    }

    /// `value` if it can be sent back as a header value: no control characters but tab.
    static func headerSafe(_ value: String) -> String? {
        value.unicodeScalars.contains { $0 != "\t" && TerminalText.isControl($0) } ? nil : value
    }

    /// The decision for an HTTP answer: a page to parse, an unchanged or non-text resource, or a failure.
    static func outcome(of response: FetchResponse, for job: LeasedJob, maxRetryAfter: TimeInterval = Configuration.defaultMaxRetryAfter,
                        now: Date = Date()) -> Outcome {
        switch response.status {
        case 200..<300:
            let contentType = response.header("Content-Type")
            guard ContentKind.isParseable(contentType: contentType, body: response.body) else {
                return .completed(job, followOns: [])  // recorded as fetched; images, PDFs, video are not parsed
            }
            let page = FetchedPage(
                status: response.status, finalURL: response.finalURL,
                contentType: contentType.map(ContentKind.mediaType), charset: contentType.flatMap(ContentKind.charset),
                headers: ContentKind.keptHeaders(response), fetchedAt: now)
            guard var payload = try? Payload(metadata: page, body: response.body), (try? payload.prepareForStorage()) != nil else {
                return .failed(job, JobFailure(errorClass: "other", message: "could not encode the page for the queue", retryable: false))
            }
            // Validators go back into the next request's headers: one holding a control character
            // (CR, LF, NUL: header injection) is dropped.
            let etag = response.header("ETag").flatMap(Self.headerSafe), lastModified = response.header("Last-Modified").flatMap(Self.headerSafe)
            let validators = etag == nil && lastModified == nil ? nil : URLValidators(etag: etag, lastModified: lastModified)
            return .completed(job, followOns: [.next(.parse, payload: payload)], validators: validators)
        case 304:
            // Unchanged since the last fetch: nothing to parse; a polled URL is read again later.
            return .completed(job, followOns: [.unchanged])
        default:
            let failure = FetchFailure.http(status: response.status)
            var outcome = JobFailure(errorClass: failure.errorClass, message: "HTTP \(response.status) from \(response.finalURL)",
                                     retryable: failure.retryable)
            // Retry-After means "come back later" only on 429 and 503 (RFC 9110 §10.2.3, RFC 6585);
            // it holds back the host that answered, which after a redirect is not the job's.
            if response.status == 429 || response.status == 503,
               let wait = response.header("Retry-After").flatMap({ RetryAfter.seconds($0, now: now) }) {
                outcome.retryAfter = min(wait, maxRetryAfter)
                outcome.retryAfterHost = (try? URLNormalizer().normalize(response.finalURL).get().host) ?? job.host
            }
            return .failed(job, outcome)
        }
    }
}
