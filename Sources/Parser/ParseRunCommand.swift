import ArgumentParser
import Foundation
import Logging
import Model
import Queue
import WorkerSupport

/// `parser run`: the parse-stage worker over a queue database on this machine.
struct ParseRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Lease parse jobs from the queue, extract their articles, hand them to the store stage.",
        discussion: """
            Each batch of pages is completed in one transaction that also creates the store jobs \
            carrying the articles. Pages with no article text (front pages, section pages) complete \
            without one; pages that cannot be parsed are parked as dead with the reason. SIGTERM or \
            SIGINT stops leasing; the batch in hand is finished and recorded. Run one per core.
            """
    )

    @OptionGroup var queueOptions: WorkerQueueOptions
    @OptionGroup var logging: LoggingOptions

    @Option(name: .long, help: "Pages leased and completed together.")
    var batch = 16

    @Flag(name: .long, help: "Exit when no parse job is ready.")
    var exitWhenIdle = false

    @Option(name: .long, help: ArgumentHelp(
        "The longest one page may take, seconds; a page over it is abandoned and parked as dead (parse-timeout).", valueName: "seconds"))
    var pageTimeout: Double = 10

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard pageTimeout > 0 && pageTimeout <= 3600 else {
            throw ValidationError("--page-timeout must be above 0 and at most 3600 seconds, got \(pageTimeout)")
        }
    }

    func run() async throws {
        let logger = try logging.bootstrap(label: "wireroom.parser")
        let queue = try queueOptions.openQueue(logger: logger)
        var configuration = ParseWorker.Configuration(workerID: queueOptions.workerName(stage: "parser"))
        configuration.batchSize = batch
        if let leaseSeconds = queueOptions.leaseSeconds { configuration.leaseSeconds = leaseSeconds }
        configuration.exitWhenIdle = exitWhenIdle
        configuration.pageTimeout = .milliseconds(Int(pageTimeout * 1000))
        let worker = ParseWorker(queue: queue, configuration: configuration, logger: logger)
        // The batch in hand is finished first: each page takes at most --page-timeout.
        try await ServiceRunner.run(worker, gracePeriod: .seconds(pageTimeout * Double(batch) + 30), logger: logger)
    }
}
