import Foundation
import Hummingbird
import Model
import Mustache
import Queue
import Store

/// The status page on `coordinator serve`, for people rather than workers: stages with their
/// counts and throughput over the last hour, live workers, hosts (drift alarms first), top errors,
/// dead jobs with their last error and a retry button, the latest stored articles. Server-rendered
/// HTML that refreshes itself; behind a login form that takes the API token once and sets a
/// session cookie (`StatusSession`), so the token never travels in a URL.
///
/// Every value from the web (titles, URLs, error texts) goes through Mustache's HTML escaping.
struct StatusPage: Sendable {
    let queue: JobQueue
    let session: StatusSession
    let token: String
    /// The article database, when it lives beside the queue.
    let articles: ArticleStoreReader?
    let thresholds: HealthThresholds
    /// Seconds between the page's own refreshes.
    static let refreshSeconds = 5
    private static let templates = StatusTemplates.library()

    init(queue: JobQueue, token: String, articles: ArticleStoreReader?, thresholds: HealthThresholds) {
        self.queue = queue
        self.token = token
        self.session = StatusSession(token: token)
        self.articles = articles
        self.thresholds = thresholds
    }

    /// Adds `/`, `/login`, `/logout`, `/status` and `/status/retry` to `router`; `blocking` runs
    /// the SQLite reads off the event loop.
    func add(to router: Router<QueueAPI.Context>, blocking: @escaping @Sendable (@escaping @Sendable () throws -> Response) async throws -> Response) {
        router.get("/") { _, _ in Self.redirect(to: "/status") }
        router.get("/login") { _, _ in
            Self.html(.ok, Self.templates.render(Login(message: nil), withTemplate: "login") ?? "")
        }
        router.post("/login") { request, _ in
            let form = try await Self.form(request)
            guard let given = form["token"], BearerTokenMiddleware<QueueAPI.Context>.equal(Array(given.utf8), Array(token.utf8)) else {
                return Self.html(.unauthorized, Self.templates.render(Login(message: "That is not the coordinator's token."), withTemplate: "login") ?? "")
            }
            var response = Self.redirect(to: "/status")
            response.headers[.setCookie] = session.cookie()
            return response
        }
        router.post("/logout") { _, _ in
            var response = Self.redirect(to: "/login")
            response.headers[.setCookie] = StatusSession.logoutCookie
            return response
        }
        router.get("/status") { request, _ in
            guard session.isValid(cookieHeader: request.headers[.cookie]) else { return Self.redirect(to: "/login") }
            return try await blocking {
                Self.html(.ok, Self.templates.render(try view(), withTemplate: "status") ?? "")
            }
        }
        router.post("/status/retry") { request, _ in
            guard session.isValid(cookieHeader: request.headers[.cookie]) else { return Self.redirect(to: "/login") }
            let form = try await Self.form(request)
            let ids = form["job"].flatMap(Int64.init).map { [$0] }
            guard ids != nil || form["all"] == "dead" else { return Self.html(.badRequest, "name a dead job (job=ID) or all=dead") }
            return try await blocking {
                _ = try queue.retry(matching: JobFilter(state: .dead, ids: ids))
                return Self.redirect(to: "/status")
            }
        }
    }

    // MARK: - What the page shows

    struct Login { var message: String? }

    struct View {
        var database: String
        var generatedAt: String
        var refreshSeconds: Int
        var openJobs: Int
        var stages: [StageRow]
        var workers: [WorkerRow]
        var hosts: [HostRow]
        var errors: [QueueStats.ErrorCount]
        var deadJobs: [DeadRow]
        var deadTotal: Int
        var articles: ArticlesView?
    }

    struct StageRow {
        var name: String
        var queued, scheduled, leased, retry, done, dead: Int
        var donePerSecond1m, donePerSecond15m, failedPerSecond15m: String
        var liveWorkers: Int
        /// An SVG polyline of jobs finished per minute over the last hour.
        var sparkline: String
        var peakPerMinute: Int
    }

    struct WorkerRow { var id, stage, hostname: String; var pid: Int; var lastSeen: String }

    struct HostRow {
        var name: String
        var delay: String
        var concurrency: Int
        var paused: Bool
        var queued, leased: Int
        var pages: Int
        var shortBody: String
        var medianBody: Int
        var alarm: String?
    }

    struct DeadRow { var id: Int64; var stage, url, error, updated: String }

    struct ArticlesView {
        var articles, duplicates, clusters, eventsAcrossLanguages: Int
        var latest: [ArticleRow]
    }

    struct ArticleRow { var id: Int64; var title, url, site, language, stored: String; var copyOf: Int64? }

    func view() throws -> View {
        let stats = try queue.stats(top: 10)
        let perMinute = try queue.finishedPerMinute(minutes: 60)
        let stages = Stage.allCases.map { stage in
            let counts = stats.stages[stage.rawValue] ?? [:]
            let rate = stats.throughput[stage.rawValue]
            let series = perMinute[stage] ?? []
            return StageRow(name: stage.rawValue, queued: counts["queued"] ?? 0, scheduled: counts["scheduled"] ?? 0, leased: counts["leased"] ?? 0,
                            retry: counts["retry"] ?? 0, done: counts["done"] ?? 0, dead: counts["dead"] ?? 0,
                            donePerSecond1m: Self.rate(rate?.donePerSecond1m), donePerSecond15m: Self.rate(rate?.donePerSecond15m),
                            failedPerSecond15m: Self.rate(rate?.failedPerSecond15m), liveWorkers: stats.liveWorkers[stage.rawValue] ?? 0,
                            sparkline: Self.polyline(series), peakPerMinute: series.max() ?? 0)
        }
        let health = Dictionary(try queue.extractionHealth(thresholds: thresholds).map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
        let hosts = try queue.hosts(limit: 50).map { host in
            let figures = health[host.name]
            return HostRow(name: host.name, delay: Self.seconds(host.delay), concurrency: host.concurrency, paused: host.paused,
                           queued: host.queued, leased: host.leased, pages: figures?.last24Hours.pages ?? 0,
                           shortBody: Self.percent(figures?.last24Hours.shortBody ?? 0), medianBody: figures?.last24Hours.medianBodyCharacters ?? 0,
                           alarm: figures.flatMap { $0.inAlarm ? $0.alarm.joined(separator: "; ") : nil })
        }.sorted { ($0.alarm != nil ? 0 : 1, -$0.queued, $0.name) < ($1.alarm != nil ? 0 : 1, -$1.queued, $1.name) }
        let dead = try queue.jobs(matching: JobFilter(state: .dead), limit: 20).map {
            DeadRow(id: $0.id, stage: $0.stage.rawValue, url: $0.url, error: $0.lastError ?? "", updated: Self.time($0.updatedAt))
        }
        let workers = stats.workers.map {
            WorkerRow(id: $0.id, stage: $0.stage.rawValue, hostname: $0.hostname, pid: $0.pid, lastSeen: Self.time($0.lastSeen))
        }
        var articles: ArticlesView?
        if let store = try self.articles?.store() {
            let summary = try store.summary()
            let latest = try store.latest(limit: 10).map {
                ArticleRow(id: $0.id, title: $0.title ?? "(no headline)", url: $0.url, site: $0.site ?? "", language: $0.language ?? "",
                           stored: Self.time($0.storedAt), copyOf: $0.duplicateOf)
            }
            articles = ArticlesView(articles: summary.articles, duplicates: summary.duplicates, clusters: summary.clusters,
                                    eventsAcrossLanguages: summary.eventsAcrossLanguages, latest: latest)
        }
        return View(database: stats.database, generatedAt: Self.time(stats.generatedAt), refreshSeconds: Self.refreshSeconds,
                    openJobs: stats.openJobs, stages: stages, workers: workers, hosts: hosts, errors: stats.topErrors, deadJobs: dead,
                    deadTotal: stages.reduce(0) { $0 + $1.dead }, articles: articles)
    }

    // MARK: - Formatting

    static func rate(_ value: Double?) -> String { String(format: "%.2f", value ?? 0) }
    static func percent(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }
    static func seconds(_ value: TimeInterval) -> String { value == value.rounded() ? "\(Int(value)) s" : String(format: "%.2f s", value) }
    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Points of a 120×24 polyline for `series` (oldest first), scaled to its peak.
    static func polyline(_ series: [Int]) -> String {
        guard series.count > 1 else { return "" }
        let peak = Double(max(series.max() ?? 0, 1))
        let step = 120.0 / Double(series.count - 1)
        return series.enumerated().map { index, value in
            String(format: "%.1f,%.1f", Double(index) * step, 23 - Double(value) / peak * 22)
        }.joined(separator: " ")
    }

    // MARK: - HTTP

    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                           .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// An `application/x-www-form-urlencoded` body of at most 4 KiB, as name → value.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 4096)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, !name.isEmpty { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
