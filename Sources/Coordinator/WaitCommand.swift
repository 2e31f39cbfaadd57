import ArgumentParser
import Foundation
import Model
import Queue

/// `coordinator wait`: blocks until the crawl has drained, for scripts (add URLs, start workers,
/// wait, export).
struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until no job is queued, leased or waiting to retry (jobs scheduled for later do not count).",
        discussion: """
            Exits 0 once the queue has drained, 1 when --timeout passes first (saying how many jobs \
            are still open). Workers keep running; this only watches.
            """
    )

    @OptionGroup var queue: QueueOptions

    @Option(name: .long, help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout = 300.0

    @Option(name: .long, help: ArgumentHelp("Seconds between two looks at the queue.", valueName: "seconds"))
    var interval = 0.5

    func validate() throws {
        if !(timeout >= 0 && timeout.isFinite) { throw ValidationError("--timeout must be 0 or more seconds, got \(timeout)") }
        if !(interval >= 0.05 && interval <= 3600) { throw ValidationError("--interval must be 0.05 to 3600 seconds, got \(interval)") }
    }

    func run() throws {
        let jobQueue = try queue.open()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let open = try jobQueue.stats(top: 0).openJobs
            if open == 0 { return }
            guard Date() < deadline else {
                FileHandle.standardError.write(Data("coordinator wait: \(open) job(s) still open after \(StatsReport.duration(timeout))\n".utf8))
                throw ExitCode(1)
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
