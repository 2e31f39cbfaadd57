import ArgumentParser
import Foundation
import Model
import Queue
import Store
import WorkerSupport

/// `coordinator stats`: the state of the pipeline at a glance.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show per-stage job counts, throughput, oldest waiting job, live workers, top hosts and errors.",
        discussion: """
            --json prints one JSON object: counts under "stages", keyed by stage then state \
            (queued, scheduled, leased, retry, done, dead), and the other facts beside it; \
            "articles" holds the article database's counts (articles stored, duplicates found, \
            stories), or null before the store stage has stored anything; "hosts_in_alarm" the \
            hosts whose extraction health raised the drift alarm (see `coordinator hosts`); \
            "open_jobs" the jobs queued, leased or waiting to retry (0: the crawl has drained).
            """
    )

    @OptionGroup var queue: QueueOptions
    @OptionGroup var store: ArticleStoreOptions
    @OptionGroup var health: HealthOptions

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    @Option(name: .long, help: "How many hosts and errors to list.")
    var top = 5

    @Flag(name: .long, help: "Refresh the table in place until Ctrl-C (a live view).")
    var watch = false

    @Option(name: .long, help: ArgumentHelp("Seconds between refreshes with --watch.", valueName: "seconds"))
    var interval = 2.0

    func validate() throws {
        if top < 0 { throw ValidationError("--top must not be negative, got \(top)") }
        if watch && json { throw ValidationError("--watch shows the table; leave out --json") }
        if !(interval >= 0.2 && interval <= 3600) { throw ValidationError("--interval must be 0.2 to 3600 seconds, got \(interval)") }
    }

    func run() throws {
        let jobQueue = try queue.open()
        let articles = ArticleStoreReader(path: store.resolvedPath(besideQueue: queue.databasePath))
        guard watch else {
            let stats = try snapshot(jobQueue, articles)
            print(json ? try JSONOutput.encode(stats) : StatsReport.table(stats))
            return
        }
        // A live view: the screen is cleared and the table drawn again, until Ctrl-C (which the
        // default SIGINT handling ends; nothing is held that needs releasing).
        while true {
            let screen = "\u{1B}[H\u{1B}[2J" + StatsReport.table(try snapshot(jobQueue, articles))
                + "\n\nrefreshing every \(StatsReport.duration(interval)); Ctrl-C to stop"
            FileHandle.standardOutput.write(Data(screen.utf8))
            Thread.sleep(forTimeInterval: interval)
        }
    }

    private func snapshot(_ jobQueue: JobQueue, _ articles: ArticleStoreReader) throws -> StatsReport.PipelineStats {
        try StatsReport.PipelineStats(queue: jobQueue, top: top, articles: articles, thresholds: health.thresholds)
    }
}

/// Renders `QueueStats` for people (a table) and for machines (JSON).
enum StatsReport {
    /// The queue's facts and, beside them, the article database's and the hosts in alarm.
    struct PipelineStats: Encodable {
        var queue: QueueStats
        var articles: ArticleStore.Summary?
        var hostsInAlarm: [HostHealth]

        /// Read now; the article database only when it exists on this machine.
        init(queue jobQueue: JobQueue, top: Int, articles reader: ArticleStoreReader?, thresholds: HealthThresholds) throws {
            queue = try jobQueue.stats(top: top)
            articles = try reader?.store()?.summary()
            hostsInAlarm = try jobQueue.extractionHealth(thresholds: thresholds).filter(\.inAlarm)
        }

        func encode(to encoder: Encoder) throws {
            try queue.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(articles, forKey: .articles)
            try container.encode(hostsInAlarm, forKey: .hostsInAlarm)
            try container.encode(queue.openJobs, forKey: .openJobs)
        }

        enum CodingKeys: String, CodingKey { case articles, hostsInAlarm, openJobs }
    }

    static func table(_ pipeline: PipelineStats) -> String {
        let stats = pipeline.queue
        var out: [String] = []
        out.append("Wireroom queue \(stats.database)  at \(ISO8601DateFormatter().string(from: stats.generatedAt))")
        out.append("")
        let states = JobState.allCases.map(\.rawValue)
        var rows = [["stage"] + states + ["done/s 1m", "done/s 15m", "fail/s 15m", "oldest queued"]]
        for stage in Stage.allCases.map(\.rawValue) {
            let counts = stats.stages[stage] ?? [:]
            let rate = stats.throughput[stage]
            let oldest = stats.oldestQueuedAgeSeconds[stage] ?? nil
            rows.append([stage] + states.map { String(counts[$0] ?? 0) } + [
                format(rate?.donePerSecond1m), format(rate?.donePerSecond15m), format(rate?.failedPerSecond15m),
                oldest.map(duration) ?? "-",
            ])
        }
        out += align(rows)
        out.append("")
        let live = Stage.allCases.map { "\($0.rawValue) \(stats.liveWorkers[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        out.append("live workers: \(live)")
        for worker in stats.workers {
            out.append("  \(worker.id)  \(worker.stage)  \(worker.hostname) pid \(worker.pid)  seen \(duration(stats.generatedAt.timeIntervalSince(worker.lastSeen))) ago")
        }
        let window = duration(stats.errorWindowSeconds)
        out.append("top hosts by queued: " + list(stats.topHostsByQueued))
        out.append("top hosts by errors (last \(window)): " + list(stats.topHostsByErrors))
        out.append("top errors (last \(window)):" + (stats.topErrors.isEmpty ? " none" : ""))
        for error in stats.topErrors {
            out.append("  \(error.count)  \(error.errorClass)  e.g. \(error.example)")
        }
        out.append("paused hosts: " + (stats.pausedHosts.isEmpty ? "none" : stats.pausedHosts.joined(separator: ", ")))
        out.append("payloads waiting: \(stats.payloads.count) (\(bytes(stats.payloads.bytes)))")
        out.append("extraction drift alarms:" + (pipeline.hostsInAlarm.isEmpty ? " none" : ""))
        for host in pipeline.hostsInAlarm {
            out.append("  \(host.host): " + host.alarm.joined(separator: "; ") + "  (coordinator hosts \(host.host))")
        }
        if let articles = pipeline.articles {
            out.append("articles stored: \(articles.articles), duplicates found: \(articles.duplicates), "
                       + "stories: \(articles.clusters) (\(articles.clustersWithCopies) with copies), "
                       + "events in more than one language: \(articles.eventsAcrossLanguages)")
        } else {
            out.append("articles stored: none yet")
        }
        return out.joined(separator: "\n")
    }

    private static func list(_ hosts: [QueueStats.HostCount]) -> String {
        hosts.isEmpty ? "none" : hosts.map { "\($0.host) (\($0.count))" }.joined(separator: ", ")
    }

    private static func format(_ rate: Double?) -> String {
        guard let rate, rate > 0 else { return "0" }
        return rate >= 10 ? String(format: "%.0f", rate) : String(format: "%.2f", rate)
    }

    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: String(format: "%.0fs", seconds)
        case ..<7200: String(format: "%.0fm", seconds / 60)
        case ..<172_800: String(format: "%.0fh", seconds / 3600)
        default: String(format: "%.0fd", seconds / 86400)
        }
    }

    private static func bytes(_ count: Int) -> String {
        count < 1 << 20 ? "\(count / 1024) KiB" : String(format: "%.1f MiB", Double(count) / 1_048_576)
    }

    /// Pads cells into columns: numbers right-aligned, text left-aligned; control characters
    /// from pages and servers escaped (`TerminalText`).
    static func align(_ rows: [[String]]) -> [String] {
        let rows = rows.map { $0.map(TerminalText.safe) }
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let numeric = (0..<widths.count).map { column in
            rows.dropFirst().allSatisfy { row in row[column].allSatisfy { $0.isNumber || ".-/s%".contains($0) } }
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric[column] ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
