import ArgumentParser
import Foundation
import Model
import Queue
import WorkerSupport

/// `coordinator jobs`: look at jobs.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List jobs by stage, state and host, or show one job with its error history.",
        subcommands: [ListJobs.self, ShowJob.self],
        defaultSubcommand: ListJobs.self
    )

    struct ListJobs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var filter: JobFilterOptions

        @Option(name: .long, help: "At most this many jobs.")
        var limit = 50

        @Flag(name: .long, help: "One JSON object per line.")
        var json = false

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        }

        func run() throws {
            let jobs = try queue.open().jobs(matching: try filter.jobFilter(), limit: limit)
            if json {
                for job in jobs { print(try JSONOutput.encode(job)) }
                return
            }
            var rows = [["id", "stage", "state", "tries", "host", "url", "last error"]]
            for job in jobs {
                rows.append([String(job.id), job.stage.rawValue, job.state.rawValue, "\(job.attempts)/\(job.maxAttempts)",
                             job.host, job.url, job.lastError ?? ""])
            }
            StatsReport.align(rows).forEach { print($0) }
            if jobs.count == limit { print("(first \(limit); use --limit for more)") }
        }
    }

    struct ShowJob: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one job and its error history.")

        @OptionGroup var queue: QueueOptions

        @Argument(help: "The job id.")
        var id: Int64

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() throws {
            let detail = try queue.open().job(id: id)
            if json {
                print(try JSONOutput.encode(detail))
                return
            }
            let job = detail.job
            let date = ISO8601DateFormatter()
            print("job \(job.id)  \(job.stage) \(job.state)  tries \(job.attempts)/\(job.maxAttempts)  priority \(job.priority)")
            print("url      \(job.url)")
            print("host     \(job.host)")
            print("created  \(date.string(from: job.createdAt))   updated \(date.string(from: job.updatedAt))")
            if job.state == .retry || job.state == .scheduled { print("runs at  \(date.string(from: job.notBefore))") }
            if let worker = job.leaseWorker, let expiry = job.leaseExpiresAt {
                print("leased   by \(worker) until \(date.string(from: expiry))")
            }
            if let parent = job.parentID { print("parent   job \(parent)") }
            if let bytes = detail.payloadBytes { print("payload  \(bytes) bytes") }
            if !detail.followOnJobIDs.isEmpty { print("follow-on jobs  \(detail.followOnJobIDs.map(String.init).joined(separator: ", "))") }
            if let error = job.lastError { print("last error  \(TerminalText.safe(error))") }
            print(detail.errors.isEmpty ? "no errors" : "errors:")
            for error in detail.errors {
                print("  try \(error.attempt)  \(date.string(from: error.at))  \(error.worker ?? "-")  \(TerminalText.safe(error.errorClass)): \(TerminalText.safe(error.message))")
            }
        }
    }
}

/// Filters shared by `jobs list` and `retry`.
struct JobFilterOptions: ParsableArguments {
    @Option(name: .long, help: "fetch, parse or store.")
    var stage: Stage?

    @Option(name: .long, help: "queued, scheduled, leased, retry, done or dead.")
    var state: JobState?

    @Option(name: .long, help: "A host name, host:port or URL.")
    var host: String?

    @Option(name: .customLong("error"), help: ArgumentHelp("The class of the last error (timeout, http-5xx, …).", valueName: "class"))
    var errorClass: String?

    func jobFilter() throws -> JobFilter {
        var hostKey: String?
        if let host {
            switch URLNormalizer().hostKey(host) {
            case .success(let key): hostKey = key
            case .failure(let reason): throw ValidationError("--host \(host): \(reason)")
            }
        }
        return JobFilter(stage: stage, state: state, host: hostKey, errorClass: errorClass)
    }
}
