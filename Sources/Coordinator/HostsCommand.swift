import ArgumentParser
import Foundation
import Queue
import WorkerSupport

/// `coordinator hosts [HOST] [--delay S] [--concurrency N]`: see and set per-host politeness.
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "List hosts with their politeness and fetch jobs, or set a host's delay and concurrency.",
        discussion: """
            Politeness is enforced by the queue across every fetcher: a host gets at most \
            `concurrency` fetches at once and `delay` seconds between the starts of two fetches \
            (defaults 1 and 1 s; a larger robots.txt Crawl-delay raises the delay). Lower them \
            only for sites you run or may crawl faster.
            """
    )

    @OptionGroup var queue: QueueOptions

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
        let hosts = try jobQueue.hosts(named: key, limit: limit)
        if let key, hosts.isEmpty { throw ValidationError("the queue has no host \(key)") }
        if json {
            for host in hosts { print(try JSONOutput.encode(host)) }
            return
        }
        var rows = [["host", "delay", "concurrency", "paused", "queued", "leased"]]
        for host in hosts {
            rows.append([host.name, String(format: "%g s", host.delay), String(host.concurrency), host.paused ? "yes" : "no",
                         String(host.queued), String(host.leased)])
        }
        StatsReport.align(rows).forEach { print($0) }
        if hosts.count == limit { print("(first \(limit); use --limit for more)") }
    }

    /// The queue's key for a host name, host:port or URL.
    static func hostKey(_ text: String) throws -> String {
        switch URLNormalizer().hostKey(text) {
        case .success(let key): key
        case .failure(let reason): throw ValidationError("host \(text): \(reason)")
        }
    }
}
