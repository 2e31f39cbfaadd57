import Foundation
import Logging
import Model
import Queue
import Robots
import ServiceLifecycle
import WorkerSupport

/// The parse-stage worker: leases parse jobs in batches, extracts each page's article, and
/// completes the batch in one transaction that also creates the store jobs carrying the
/// articles. Blocks that recur across a host's pages are learnt in the queue database
/// (`JobQueue.recordBlocks`) and dropped from later pages of that host. A page with no article
/// text, or one that lists articles (a front page, a section page), completes without a store
/// job; a page that cannot be parsed at all is parked as dead with the reason. What the
/// extraction found on each article page (body length, title, date, author; an empty page as
/// body 0) goes with its completion into the host's extraction health. Feeds and sitemaps
/// yield fetch jobs for the URLs they list, and feeds are scheduled to be read again; so are
/// `--discover` sources, which also lead to their feeds, sitemaps and linked articles.
///
/// Pages are parsed on a thread of the worker's own (`BlockingExecutor`), one at a time under
/// the page deadline, so a batch of CPU work never holds a thread of the cooperative pool that
/// the lease keeper needs. A graceful shutdown stops leasing; the batch in hand is finished and
/// recorded.
public final class ParseWorker: Service {
    public struct Configuration: Sendable {
        public var workerID: String
        public var batchSize = 16
        /// Longer than a batch can take (pages are capped, extraction is bounded).
        public var leaseSeconds: TimeInterval = 300
        public var idleSleep: TimeInterval = 0.5
        /// How soon a feed is read again when it names no longer interval (TTL, Cache-Control).
        public var feedPollInterval: TimeInterval = 15 * 60
        /// Stop once no parse job is ready (tests, one-shot runs).
        public var exitWhenIdle = false
        /// The longest one page may take; over it the page is abandoned and its job parked as
        /// dead (`parse-timeout`). Pages take milliseconds: this is for pathological input.
        public var pageTimeout: Duration = .seconds(10)

        public init(workerID: String) {
            self.workerID = workerID
        }
    }

    private let queue: any JobSource & BoilerplateStore & RobotsCache
    private let extractor: Extractor
    private let configuration: Configuration
    private let logger: Logger
    private let parsing = BlockingExecutor(label: "wireroom.parser.batch")

    /// `queue` gives the jobs, the hosts' boilerplate and (for `--discover` sources) the
    /// sitemaps their robots.txt lists.
    public init(queue: any JobSource & BoilerplateStore & RobotsCache, extractor: Extractor = Extractor(), configuration: Configuration, logger: Logger) {
        self.queue = queue
        self.extractor = extractor
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a stop is requested (or, with `exitWhenIdle`, until no parse job is ready).
    public func run() async throws {
        var leasing = BatchLeasing(stage: .parse, workerID: configuration.workerID, batchSize: configuration.batchSize,
                                   leaseSeconds: configuration.leaseSeconds)
        leasing.idleSleep = configuration.idleSleep
        leasing.exitWhenIdle = configuration.exitWhenIdle
        let deadline = PageDeadline(limit: configuration.pageTimeout)
        try await queue.runBatches(leasing, logger: logger) { jobs in
            let boilerplate = try await queue.boilerplate(hosts: Set(jobs.map(\.host)))
            let sitemaps = await sitemaps(of: Set(jobs.filter { $0.kind == .source }.map(\.host)))
            let results = try await parsing.run {
                jobs.map { job in
                    defer { ProgressWatchdog.shared.progress() }
                    let (known, listed) = (boilerplate[job.host] ?? [], sitemaps[job.host] ?? [])
                    return (job, deadline.run { self.parse(job, boilerplate: known, sitemaps: listed) } ?? self.timedOut(job, deadline: deadline))
                }
            }
            try await settle(results)
            try await queue.recordBlocks(results.compactMap { job, outcome in
                guard case .article(_, let fingerprints, _) = outcome else { return nil }
                return HostBlocks(host: job.host, fingerprints: fingerprints)
            })
        }
    }

    /// The sitemaps the stored robots.txt of each of `hosts` lists (a source's discoveries).
    private func sitemaps(of hosts: Set<String>) async -> [String: [String]] {
        var listed: [String: [String]] = [:]
        for host in hosts {
            guard let robots = try? await queue.robots(host: host), robots.status < 400 else { continue }
            listed[host] = RobotsTxt(String(decoding: robots.body, as: UTF8.self)).sitemaps
        }
        return listed
    }

    /// A page abandoned at the deadline: parked as dead, since it would take as long again.
    private func timedOut(_ job: LeasedJob, deadline: PageDeadline) -> Outcome {
        logger.warning("page abandoned: parsing took longer than the page timeout",
                       metadata: ["url": "\(job.url)", "timeout": "\(deadline.limit)",
                                  "abandoned_still_running": "\(deadline.abandonedRunning.load(ordering: .relaxed))"])
        return .failed(JobFailure(errorClass: "parse-timeout",
                                  message: "\(job.url): parsing took longer than \(deadline.limit); the page was abandoned", retryable: false))
    }

    enum Outcome: Sendable {
        case article(Payload, blockFingerprints: Set<Int64>, ExtractionOutcome)
        /// A feed or sitemap: the URLs it lists, and for a feed its next reading.
        case listing([FollowOn])
        /// A page without article text (an empty body is an outcome the host's health counts),
        /// or a page that lists articles (not counted: it is not an article page).
        case noArticle(ExtractionOutcome?)
        case failed(JobFailure)
    }

    /// Extracts one job's page, dropping the blocks known as its host's boilerplate; a source
    /// also leads to `sitemaps`.
    func parse(_ job: LeasedJob, boilerplate: Set<Int64>, sitemaps: [String] = []) -> Outcome {
        guard let payload = job.payload else {
            return .failed(JobFailure(errorClass: "no-payload", message: "parse job \(job.id) carries no page (\(job.url))", retryable: false))
        }
        let page: FetchedPage
        do {
            page = try payload.decodeMetadata(FetchedPage.self)
        } catch {
            return .failed(JobFailure(errorClass: "bad-payload", message: "page metadata of \(job.url) is unreadable: \(error)", retryable: false))
        }
        if job.kind == .feed || job.kind == .sitemap || FeedReader.looksLikeFeed(payload.body, contentType: page.contentType) {
            return readFeed(job, payload.body, page)
        }
        do {
            let extracted = try extractor.extractPage(payload.body, url: page.finalURL, httpCharset: page.charset, boilerplate: boilerplate)
            if job.kind == .source { return .listing(discoveries(job, page, extracted, sitemaps: sitemaps)) }
            let article = extracted.article
            if article.pageKind == .listing { return .noArticle(nil) }
            let outcome = ExtractionOutcome(bodyCharacters: article.text.unicodeScalars.count, hasTitle: article.title != nil,
                                            hasPublished: article.published != nil, hasAuthor: !article.authors.isEmpty)
            guard !article.text.isEmpty else { return .noArticle(outcome) }
            var stored = try Payload(metadata: ParsedPage(finalURL: page.finalURL, fetchedAt: page.fetchedAt),
                                     body: JSONEncoder().encode(extracted.article))
            try stored.prepareForStorage()
            return .article(stored, blockFingerprints: extracted.blockFingerprints, outcome)
        } catch {
            return .failed(JobFailure(errorClass: "unparseable", message: "\(job.url): \(error)", retryable: false))
        }
    }

    /// A feed's or sitemap's links become fetch jobs (through the seen-set); a feed is read again
    /// after its TTL or Cache-Control max-age, else `feedPollInterval`, at most a day later.
    func readFeed(_ job: LeasedJob, _ body: Data, _ page: FetchedPage, now: Date = Date()) -> Outcome {
        do {
            let listing = try FeedReader.read(body, baseURL: page.finalURL)
            var followOns = listing.links.map { FollowOn.discovered(url: $0, kind: listing.linkKind, priority: job.priority) }
            if listing.format != .sitemap && listing.format != .sitemapIndex {
                let maxAge = page.headers["Cache-Control"].flatMap(Self.maxAge)
                let interval = min(max(configuration.feedPollInterval, listing.timeToLive ?? 0, maxAge ?? 0), 86_400)
                followOns.append(.refetch(at: now.addingTimeInterval(interval)))
            }
            logger.debug("feed read", metadata: ["url": "\(job.url)", "format": "\(listing.format.rawValue)", "links": "\(listing.links.count)"])
            return .listing(followOns)
        } catch {
            return .failed(JobFailure(errorClass: "bad-feed", message: "\(job.url): \(error)", retryable: false))
        }
    }

    /// What a `--discover` source leads to: the feeds it advertises, the sitemaps its host's
    /// robots.txt lists, the articles it links to on its own host (headline links), and its
    /// next reading.
    func discoveries(_ job: LeasedJob, _ page: FetchedPage, _ extracted: Extractor.ExtractedPage, sitemaps: [String], now: Date = Date()) -> [FollowOn] {
        let base = URL(string: page.finalURL)
        let resolve = { (href: String) in URL(string: href, relativeTo: base)?.absoluteURL }
        var followOns = extracted.advertisedFeeds.compactMap(resolve).map { FollowOn.discovered(url: $0.absoluteString, kind: .feed, priority: job.priority) }
        followOns += sitemaps.map { FollowOn.discovered(url: $0, kind: .sitemap, priority: job.priority) }
        let host = base?.host?.lowercased()
        let articles = extracted.headlineLinks.compactMap(resolve).filter { ["http", "https"].contains($0.scheme) && $0.host?.lowercased() == host }
        followOns += articles.map { FollowOn.discovered(url: $0.absoluteString, kind: .page, priority: job.priority) }
        followOns.append(.refetch(at: now.addingTimeInterval(configuration.feedPollInterval)))
        return followOns
    }

    /// `max-age` of a Cache-Control header, in seconds.
    static func maxAge(_ header: String) -> TimeInterval? {
        header.split(separator: ",").lazy.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .first { $0.hasPrefix("max-age=") }.flatMap { TimeInterval($0.dropFirst("max-age=".count)) }
    }

    /// Records a batch: articles and empty pages complete together (store jobs created in the
    /// same transaction); failures are recorded in one call.
    private func settle(_ results: [(LeasedJob, Outcome)]) async throws {
        var completions: [Completion] = []
        var failures: [FailedAttempt] = []
        for (job, outcome) in results {
            switch outcome {
            case .article(let payload, _, let extraction):
                completions.append(Completion(jobID: job.id, leaseToken: job.leaseToken, followOns: [.next(.store, payload: payload)],
                                              extraction: extraction))
            case .listing(let followOns):
                completions.append(Completion(jobID: job.id, leaseToken: job.leaseToken, followOns: followOns))
            case .noArticle(let extraction):
                logger.debug("not an article", metadata: ["url": "\(job.url)"])
                completions.append(Completion(jobID: job.id, leaseToken: job.leaseToken, extraction: extraction))
            case .failed(let failure):
                logger.warning("page not parsed", metadata: ["url": "\(job.url)", "error": "\(failure.errorClass): \(failure.message)"])
                failures.append(FailedAttempt(job, failure))
            }
        }
        try await queue.settle(completions: completions, failures: failures, logger: logger)
    }
}
