import Foundation
import Metrics
import Model
import Prometheus
import Queue
import Store
import Synchronization

/// The Prometheus exposition of `/metrics`. The queue's facts are read fresh at each scrape (one
/// read transaction, as `coordinator stats` does) into gauges; request counts and latencies come
/// from Hummingbird's `MetricsMiddleware` through swift-metrics, bootstrapped onto the same
/// registry.
///
/// - `wireroom_jobs{stage,state}`: jobs per stage and state — `done` and `dead` only grow, so
///   they serve as the completed and dead counters.
/// - `wireroom_oldest_queued_seconds{stage}`: age of the oldest ready job.
/// - `wireroom_done_per_second{stage,window}`, `wireroom_failed_per_second{stage,window}`.
/// - `wireroom_job_errors_last_hour{class}`: failed tries by class (fetch outcomes such as
///   `timeout` or `http-5xx`, `parse-error`, and `lease-expired` for lease expiries).
/// - `wireroom_live_workers{stage}`, `wireroom_paused_hosts`, `wireroom_payload_bytes`.
/// - `wireroom_articles{kind}` (stored, duplicates, stories), when the article database is on
///   the coordinator's machine.
/// - Extraction health of the hosts in alarm and of the `maxHealthHosts` others with the most
///   article pages parsed in the last 24 hours:
///   `wireroom_host_pages{host,window}` (24h, 7d), `wireroom_host_short_body_share`,
///   `wireroom_host_missing_share{host,window,field}` (title, published, author),
///   `wireroom_host_median_body_chars{host,window}`, and `wireroom_host_drift_alarm{host}` (1 in alarm).
///   Computed at most once a minute (every host's figures: 0.8 s at 1 000 hosts and 500 000
///   outcomes a week), so a short scrape interval does not keep a core busy.
/// A series that a scrape no longer sets — a host that left the top, an error class not seen
/// in the last hour — is removed from the registry, so the exposition stays bounded and shows
/// no stale values.
/// - `hb_requests`, `hb_request_errors` and the `http_server_request_duration` histogram (seconds)
///   per route, method and status, and `http_server_active_requests`, from the middleware.
final class QueueMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The article database, when it lives beside the queue: one read-only connection for the
    /// coordinator's lifetime.
    let articles: ArticleStoreReader?
    let thresholds: HealthThresholds
    /// Hosts with health series besides those in alarm.
    let maxHealthHosts: Int
    private let healthCache = Mutex<(computedAt: Date, hosts: [HostHealth])?>(nil)
    /// The gauges the last scrape set, by name and labels; a scrape runs under this lock.
    private let liveGauges = Mutex<[String: Prometheus.Gauge]>([:])
    static let healthRefreshInterval: TimeInterval = 60

    init(articleStorePath: String?, thresholds: HealthThresholds, maxHealthHosts: Int = 100) {
        registry = PrometheusCollectorRegistry()
        articles = articleStorePath.map(ArticleStoreReader.init(path:))
        self.thresholds = thresholds
        self.maxHealthHosts = maxHealthHosts
    }

    /// What `/v1/stats` answers: the same as `coordinator stats --json`.
    func pipelineStats(of queue: JobQueue) throws -> StatsReport.PipelineStats {
        try StatsReport.PipelineStats(queue: queue, top: 5, articles: articles, thresholds: thresholds)
    }

    /// Routes swift-metrics (the middleware's request metrics) to this registry; once per process.
    func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The registry's text after the queue's gauges were refreshed; the series this scrape did
    /// not set are removed.
    func exposition(of queue: JobQueue) throws -> String {
        try liveGauges.withLock { live in
            var scrape = Scrape(registry: registry)
            try refresh(&scrape, from: queue)
            for (key, gauge) in live where scrape.set[key] == nil { registry.unregisterGauge(gauge) }
            live = scrape.set
            return registry.emitToString()
        }
    }

    private func refresh(_ scrape: inout Scrape, from queue: JobQueue) throws {
        let stats = try queue.stats(top: 50)
        for (stage, states) in stats.stages {
            for (state, count) in states {
                scrape.gauge("wireroom_jobs", "Jobs per stage and state.", [("stage", stage), ("state", state)]).set(Double(count))
            }
        }
        for stage in Stage.allCases.map(\.rawValue) {
            let age = stats.oldestQueuedAgeSeconds[stage] ?? nil
            scrape.gauge("wireroom_oldest_queued_seconds", "Age of the oldest ready job.", [("stage", stage)]).set(age ?? 0)
            scrape.gauge("wireroom_live_workers", "Workers seen in the last minute.", [("stage", stage)]).set(Double(stats.liveWorkers[stage] ?? 0))
            if let throughput = stats.throughput[stage] {
                for (window, done, failed) in [("1m", throughput.donePerSecond1m, throughput.failedPerSecond1m),
                                               ("15m", throughput.donePerSecond15m, throughput.failedPerSecond15m)] {
                    scrape.gauge("wireroom_done_per_second", "Jobs finished per second.", [("stage", stage), ("window", window)]).set(done)
                    scrape.gauge("wireroom_failed_per_second", "Failed tries per second.", [("stage", stage), ("window", window)]).set(failed)
                }
            }
        }
        for error in stats.topErrors {
            scrape.gauge("wireroom_job_errors_last_hour", "Failed tries in the last hour by class.", [("class", error.errorClass)]).set(Double(error.count))
        }
        scrape.gauge("wireroom_paused_hosts", "Hosts paused by an operator.", []).set(Double(stats.pausedHosts.count))
        scrape.gauge("wireroom_payload_bytes", "Stored (compressed) payload bytes.", []).set(Double(stats.payloads.bytes))
        if let summary = try articles?.store()?.summary() {
            for (kind, count) in [("stored", summary.articles), ("duplicates", summary.duplicates), ("stories", summary.clusters),
                                  ("events_across_languages", summary.eventsAcrossLanguages)] {
                scrape.gauge("wireroom_articles", "Articles in the article database.", [("kind", kind)]).set(Double(count))
            }
        }
        try exportHealth(of: queue, into: &scrape)
    }

    /// The hosts with health series: those in alarm, and the busiest others.
    func hostsWithSeries(_ hosts: [HostHealth]) -> [HostHealth] {
        let others = hosts.filter { !$0.inAlarm }.sorted { ($0.last24Hours.pages, $1.host) > ($1.last24Hours.pages, $0.host) }
        return hosts.filter(\.inAlarm) + others.prefix(maxHealthHosts)
    }

    private func exportHealth(of queue: JobQueue, into scrape: inout Scrape) throws {
        for host in hostsWithSeries(try cachedHealth(of: queue)) {
            for (window, figures) in [("24h", host.last24Hours), ("7d", host.last7Days)] {
                let labels = [("host", host.host), ("window", window)]
                scrape.gauge("wireroom_host_pages", "Article pages parsed.", labels).set(Double(figures.pages))
                scrape.gauge("wireroom_host_short_body_share", "Share of article pages with an empty or very short body.", labels).set(figures.shortBody)
                for (field, share) in [("title", figures.missingTitle), ("published", figures.missingPublished), ("author", figures.missingAuthor)] {
                    scrape.gauge("wireroom_host_missing_share", "Share of article pages without the field.", labels + [("field", field)]).set(share)
                }
                scrape.gauge("wireroom_host_median_body_chars", "Median body length in characters.", labels).set(Double(figures.medianBodyCharacters))
            }
            scrape.gauge("wireroom_host_drift_alarm", "1 when the host's extraction worsened sharply against its own history.", [("host", host.host)])
                .set(host.inAlarm ? 1.0 : 0.0)
        }
    }

    private func cachedHealth(of queue: JobQueue) throws -> [HostHealth] {
        if let cached = healthCache.withLock({ $0 }), Date().timeIntervalSince(cached.computedAt) < Self.healthRefreshInterval {
            return cached.hosts
        }
        let hosts = try queue.extractionHealth(thresholds: thresholds)
        healthCache.withLock { $0 = (Date(), hosts) }
        return hosts
    }

}

/// The gauges one scrape sets, by name and labels.
private struct Scrape {
    let registry: PrometheusCollectorRegistry
    var set: [String: Prometheus.Gauge] = [:]

    mutating func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Prometheus.Gauge {
        let gauge = labels.isEmpty ? registry.makeGauge(name: name, help: help) : registry.makeGauge(name: name, labels: labels, help: help)
        set[([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1}")] = gauge
        return gauge
    }
}
