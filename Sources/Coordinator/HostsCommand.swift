import ArgumentParser
import Foundation
import Model
import Queue
import WorkerSupport

/// `coordinator hosts [HOST] [--delay S] [--concurrency N]`: see per-host politeness and
/// extraction health; set politeness.
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "List hosts with their politeness, fetch jobs and extraction health, or set a host's delay and concurrency.",
        discussion: """
            Politeness is enforced by the queue across every fetcher: a host gets at most \
            `concurrency` fetches at once and `delay` seconds between the starts of two fetches \
            (defaults 1 and 1 s; a larger robots.txt Crawl-delay raises the delay). Lower them \
            only for sites you run or may crawl faster.

            Extraction health, over the host's article pages parsed in the last 24 hours: pages, \
            the shares with a short or empty body and without title, published date or author, \
            and the median body length; with HOST, also over 7 days and the drift alarm's two \
            sides. The alarm is raised when the host's latest pages are much worse than the rest \
            of its week (a redesign the extractor does not follow). Hosts in alarm come first.
            """
    )

    @OptionGroup var queue: QueueOptions
    @OptionGroup var health: HealthOptions

    @Argument(help: "A host name, host:port or URL; without one, the busiest hosts are listed.")
    var host: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between two fetches of the host.", valueName: "seconds"))
    var delay: Double?

    @Option(name: .long, help: ArgumentHelp("Fetches of the host at once, across all fetchers.", valueName: "n"))
    var concurrency: Int?

    @Option(name: .long, help: "At most this many hosts.")
    var limit = 100

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func validate() throws {
        if (delay != nil || concurrency != nil) && host == nil { throw ValidationError("--delay and --concurrency need a HOST") }
        if let delay, !(delay >= 0 && delay.isFinite) { throw ValidationError("--delay must be 0 or more seconds, got \(delay)") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1, got \(concurrency)") }
        if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let key = try host.map(Self.hostKey)
        let changing = delay != nil || concurrency != nil
        let jobQueue = try queue.open(creating: changing)
        if let key, changing {
            try jobQueue.setHostPoliteness(host: key, delay: delay, concurrency: concurrency)
        }
        let reports = try Self.reports(jobQueue, host: key, limit: limit, thresholds: health.thresholds)
        if let key, reports.isEmpty { throw ValidationError("the queue has no host \(key)") }
        if json {
            for report in reports { print(try JSONOutput.encode(report)) }
            return
        }
        var rows = [["host", "delay", "concurrency", "paused", "queued", "leased"] + Self.figureColumns.map { $0 + " 24h" } + ["drift alarm"]]
        for report in reports {
            let host = report.host
            rows.append([host.name, String(format: "%g s", host.delay), String(host.concurrency), host.paused ? "yes" : "no",
                         String(host.queued), String(host.leased)] + Self.cells(report.health?.last24Hours)
                        + [report.health.map { $0.inAlarm ? "ALARM" : "-" } ?? "-"])
        }
        StatsReport.align(rows).forEach { print($0) }
        if reports.count == limit { print("(first \(limit); use --limit for more)") }
        if key != nil, let health = reports.first?.health { print("\n" + Self.detail(health, thresholds: self.health.thresholds)) }
    }

    /// A host's politeness and fetch jobs, and its extraction health if it had article pages parsed this week.
    struct HostReport: Encodable {
        var host: HostSummary
        var health: HostHealth?

        func encode(to encoder: Encoder) throws {
            try host.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(health, forKey: .health)
        }

        enum CodingKeys: String, CodingKey { case health }
    }

    /// The host named, or: hosts in alarm, then the busiest by jobs, then by pages parsed.
    static func reports(_ queue: JobQueue, host: String?, limit: Int, thresholds: HealthThresholds) throws -> [HostReport] {
        let health = try queue.extractionHealth(host: host, thresholds: thresholds)
        let byName = Dictionary(health.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
        let busiest = try queue.hosts(named: host, limit: limit)
        var names = health.filter(\.inAlarm).map(\.host) + busiest.map(\.name) + health.map(\.host)
        var seen = Set<String>()
        names = names.filter { seen.insert($0).inserted }
        let summaries = Dictionary(busiest.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return try names.prefix(limit).compactMap { name in
            guard let summary = try summaries[name] ?? queue.hosts(named: name, limit: 1).first else { return nil }
            return HostReport(host: summary, health: byName[name])
        }
    }

    static let figureColumns = ["pages", "short body", "no title", "no date", "no author", "median chars"]

    static func cells(_ figures: ExtractionFigures?) -> [String] {
        guard let figures, figures.pages > 0 else { return figureColumns.map { _ in "-" } }
        return [String(figures.pages)] + [figures.shortBody, figures.missingTitle, figures.missingPublished, figures.missingAuthor]
            .map(HealthThresholds.percent) + [String(figures.medianBodyCharacters)]
    }

    /// One host's figures over each window, and the alarm with its reasons.
    static func detail(_ health: HostHealth, thresholds: HealthThresholds) -> String {
        var rows = [["extraction health"] + figureColumns]
        rows.append(["last 24 hours"] + cells(health.last24Hours))
        rows.append(["last 7 days"] + cells(health.last7Days))
        rows.append(["latest \(thresholds.recentPages) pages"] + cells(health.recent))
        rows.append(["the week before them"] + cells(health.history))
        let alarm = health.inAlarm ? "ALARM: " + health.alarm.joined(separator: "; ")
            : health.history.pages < thresholds.baselinePages || health.recent.pages < thresholds.recentPages
                ? "none (too few pages to compare: \(thresholds.recentPages) latest and \(thresholds.baselinePages) before them needed)" : "none"
        return (StatsReport.align(rows) + ["drift alarm: " + alarm]).joined(separator: "\n")
    }

    /// The queue's key for a host name, host:port or URL.
    static func hostKey(_ text: String) throws -> String {
        switch URLNormalizer().hostKey(text) {
        case .success(let key): key
        case .failure(let reason): throw ValidationError("host \(text): \(reason)")
        }
    }
}

/// The drift alarm's thresholds as flags, shared by `hosts`, `stats` and `serve` (`/metrics`).
struct HealthOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A body shorter than this counts as empty.", valueName: "characters"))
    var shortBody = HealthThresholds().shortBody

    @Option(help: ArgumentHelp("A host's latest pages (within 24 hours) compared with the rest of its week.", valueName: "pages"))
    var alarmRecentPages = HealthThresholds().recentPages

    @Option(help: ArgumentHelp("Pages the rest of the week must hold to compare with.", valueName: "pages"))
    var alarmHistoryPages = HealthThresholds().baselinePages

    @Option(help: ArgumentHelp("Alarm when a share (short body, missing title, date, author) rises by this much (0-1).", valueName: "share"))
    var alarmRise = HealthThresholds().rise

    @Option(help: ArgumentHelp("Alarm when the median body length falls below this fraction of the week's (0-1).", valueName: "fraction"))
    var alarmLengthRatio = HealthThresholds().lengthRatio

    var thresholds: HealthThresholds {
        var thresholds = HealthThresholds()
        thresholds.shortBody = shortBody
        thresholds.recentPages = alarmRecentPages
        thresholds.baselinePages = alarmHistoryPages
        thresholds.rise = alarmRise
        thresholds.lengthRatio = alarmLengthRatio
        return thresholds
    }

    func validate() throws {
        do { try thresholds.validate() } catch { throw ValidationError("\(error)") }
    }
}
