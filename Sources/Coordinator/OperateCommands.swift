import ArgumentParser
import Foundation
import Model
import Queue

/// `coordinator retry`: dead jobs back to the queue.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send dead jobs back to the queue, with their tries reset.",
        discussion: "Without a filter or ids every dead job is retried. Prints how many were sent back."
    )

    @OptionGroup var queue: QueueOptions
    @OptionGroup var filter: JobFilterOptions

    @Argument(help: "Only these job ids.")
    var ids: [Int64] = []

    func validate() throws {
        if let state = filter.state, state != .dead {
            throw ValidationError("retry applies to dead jobs only; --state \(state) cannot be retried")
        }
    }

    func run() throws {
        var jobFilter = try filter.jobFilter()
        if !ids.isEmpty { jobFilter.ids = ids }
        let count = try queue.open().retry(matching: jobFilter)
        print("sent \(count) dead job\(count == 1 ? "" : "s") back to the queue")
    }
}

/// `coordinator pause HOST`.
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop fetching from a host until it is resumed (jobs stay queued).")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "A host name, host:port or URL.") var host: String

    func run() throws { try setPaused(true, host: host, queue: queue) }
}

/// `coordinator resume HOST`.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Fetch from a paused host again.")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "A host name, host:port or URL.") var host: String

    func run() throws { try setPaused(false, host: host, queue: queue) }
}

private func setPaused(_ paused: Bool, host: String, queue: QueueOptions) throws {
    let key = try HostsCommand.hostKey(host)
    let changed = try queue.open(creating: paused).setPaused(paused, host: key)
    let word = paused ? "paused" : "resumed"
    print(changed ? "\(word) \(key)" : "\(key) was already \(paused ? "paused" : "not paused")")
}

/// `coordinator purge`: forget finished work older than a cutoff.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete done jobs, payloads and error history older than a cutoff.",
        discussion: """
            URLs stay in the seen-set, so purged pages are not fetched again. Dead jobs are kept for \
            inspection unless --dead is given. Durations: 30s, 15m, 12h, 7d.
            """
    )

    @OptionGroup var queue: QueueOptions

    @Option(name: .long, help: ArgumentHelp("Only what finished longer ago than this.", valueName: "duration"))
    var olderThan: String

    @Flag(name: .long, help: "Also delete dead jobs.")
    var dead = false

    func validate() throws { _ = try Self.parseDuration(olderThan) }

    func run() throws {
        let cutoff = Date().addingTimeInterval(-(try Self.parseDuration(olderThan)))
        let report = try queue.open().purge(before: cutoff, includeDead: dead)
        print("purged \(report.jobs) jobs, \(report.payloads) payloads, \(report.errors) error records, \(report.workers) stale workers")
    }

    static func parseDuration(_ text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0 else {
            throw ValidationError("'\(text)' is not a duration; use a number with s, m, h or d (e.g. 7d)")
        }
        return value * scale
    }
}
