import Foundation
import GRDB
import Logging
import Model
import Queue
import ServiceLifecycle
import WorkerSupport

/// The store-stage worker: leases store jobs in batches, stores their articles in the article
/// database in one transaction (each placed in its story's cluster), then completes the jobs.
///
/// A crash between the two commits leaves articles stored whose jobs are not complete; the jobs
/// come back when their leases expire and find their articles stored (by job id), so nothing is
/// stored twice or lost. Two workers place their batches one transaction after the other, so
/// copies of one story arriving at both at once still land in one cluster.
///
/// Every `compactionInterval` (and after the first batch) the worker compacts the dedup index:
/// stories older than the window leave it, so weeks of a news stream keep it a month's size.
///
/// The article database is written on a thread of the worker's own (`BlockingExecutor`), never
/// on the cooperative pool. A graceful shutdown stops leasing; the batch in hand is stored and
/// its jobs completed.
public final class StoreWorker: Service {
    private let queue: any JobSource
    private let store: ArticleStore
    private let settings: DedupSettings
    private let eventSettings: EventSettings
    private let leasing: BatchLeasing
    private let logger: Logger
    private let compactionInterval: TimeInterval
    private let storing = BlockingExecutor(label: "wireroom.store.articles")

    /// `leasing` is for the store stage (`BatchLeasing.store(workerID:)` gives the defaults).
    /// An hour between compactions: each removes about an hour's stories, a short transaction.
    public init(queue: any JobSource, store: ArticleStore, settings: DedupSettings = DedupSettings(), eventSettings: EventSettings = EventSettings(),
                leasing: BatchLeasing, compactionInterval: TimeInterval = 3600, logger: Logger) {
        self.queue = queue
        self.store = store
        self.settings = settings
        self.eventSettings = eventSettings
        self.leasing = leasing
        self.compactionInterval = compactionInterval
        self.logger = logger
    }

    public func run() async throws {
        let dedup = StoringOnly(try DedupIndex(settings: settings))
        var lastCompaction = Date.distantPast
        try await queue.runBatches(leasing, logger: logger) { jobs in
            try await storeBatch(jobs, dedup: dedup)
            if Date().timeIntervalSince(lastCompaction) >= compactionInterval {
                try await storing.run { self.compact(dedup.index) }
                lastCompaction = Date()
            }
        }
    }

    /// A compaction that fails (the disk full, say) is logged and tried again at the next
    /// interval: storing articles matters more than keeping the index small.
    private func compact(_ dedup: DedupIndex) {
        do {
            let removed = try store.compact(dedup: dedup)
            if removed.documents > 0 {
                logger.info("dedup index compacted", metadata: [
                    "stories": "\(removed.documents)", "keys": "\(removed.keys)", "event_stories": "\(removed.events)",
                    "older_than": "\(removed.cutoff.map { $0.formatted(.iso8601) } ?? "-")",
                ])
            }
        } catch {
            logger.error("dedup index not compacted; trying again later", metadata: ["error": "\(error)"])
        }
    }

    private func storeBatch(_ jobs: [LeasedJob], dedup: StoringOnly) async throws {
        let (placed, failures) = try await storing.run { try self.place(jobs, dedup: dedup.index) }
        let stored = placed.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken) }
        try await queue.settle(completions: stored, failures: failures, logger: logger)
    }

    /// Stores the batch's articles; the jobs whose article is stored, and the failures.
    private func place(_ jobs: [LeasedJob], dedup: DedupIndex) throws -> (stored: [LeasedJob], failures: [FailedAttempt]) {
        var incoming: [(LeasedJob, ArticleStore.Incoming)] = []
        var failures: [FailedAttempt] = []
        for job in jobs {
            switch Self.incoming(job) {
            case .success(let article):
                incoming.append((job, article))
            case .failure(let failure):
                logger.warning("store job unreadable", metadata: ["job": "\(job.id)", "error": "\(failure.message)"])
                failures.append(FailedAttempt(job, failure))
            }
        }
        var placements: [ArticleStore.Placement?]
        do {
            placements = try store.store(incoming.map(\.1), dedup: dedup, events: EventIndex(settings: eventSettings))
        } catch let error as DatabaseError where Self.isPassing(error) {
            // The worker loop waits this out and the batch comes back (nothing was written).
            throw QueueError.describing(error, path: store.path)
        } catch where incoming.count > 1 {
            // One article the store cannot take must not sink the batch: each on its own; the
            // one that fails is parked as dead with the reason.
            placements = try incoming.map { job, article in
                do {
                    return try store.store([article], dedup: dedup, events: EventIndex(settings: eventSettings)).first
                } catch where !Self.isPassing(error) {
                    logger.error("article not stored; its job is parked as dead", metadata: ["job": "\(job.id)", "error": "\(error)"])
                    failures.append(FailedAttempt(job, JobFailure(errorClass: "store-error", message: "\(job.url): \(error)", retryable: false)))
                    return nil
                }
            }
        }
        for ((job, _), placement) in zip(incoming, placements) {
            guard let placement else { continue }
            if placement.isNew {
                logger.debug("article stored", metadata: ["job": "\(job.id)", "article": "\(placement.id)", "url": "\(job.url)"])
            } else {
                logger.info("article not stored again: this job's article is stored already (the job ran twice)",
                            metadata: ["job": "\(job.id)", "queue": "\(job.queueID)", "article": "\(placement.id)", "url": "\(job.url)"])
            }
        }
        return (zip(incoming, placements).filter { $0.1 != nil }.map(\.0.0), failures)
    }

    /// Trouble with the article database's storage (busy, read-only, a full or failing disk) is
    /// not the article's fault: the batch is tried again, not parked.
    private static func isPassing(_ error: Error) -> Bool {
        guard let error = error as? DatabaseError else { return WorkerTrouble.isPassing(error) }
        return QueueError.describing(error, path: "").isTransient
    }

    /// The article a store job carries: its payload's body (the article, JSON) and metadata.
    static func incoming(_ job: LeasedJob) -> Result<ArticleStore.Incoming, JobFailure> {
        guard let payload = job.payload else {
            return .failure(JobFailure(errorClass: "no-payload", message: "store job \(job.id) carries no article (\(job.url))", retryable: false))
        }
        do {
            let page = try payload.decodeMetadata(ParsedPage.self)
            let article = try JSONDecoder().decode(Article.self, from: payload.body)
            return .success(ArticleStore.Incoming(job: ArticleStore.JobKey(queueID: job.queueID, jobID: job.id), article: article, url: article.url ?? page.finalURL, fetchedAt: page.fetchedAt))
        } catch {
            return .failure(JobFailure(errorClass: "bad-payload", message: "the article of store job \(job.id) (\(job.url)) is unreadable: \(error)",
                                       retryable: false))
        }
    }
}

/// The worker's dedup index, used only on `storing` (one serial queue), hence safe to hand
/// there although `DedupIndex` keeps the state of its batch unguarded.
private final class StoringOnly: @unchecked Sendable {
    let index: DedupIndex
    init(_ index: DedupIndex) { self.index = index }
}

extension BatchLeasing {
    /// The store stage's leasing: batches of 64, leases of two minutes (a batch takes well under a second).
    public static func store(workerID: String) -> BatchLeasing {
        BatchLeasing(stage: .store, workerID: workerID, batchSize: 64, leaseSeconds: 120)
    }
}
