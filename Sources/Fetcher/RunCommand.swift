import ArgumentParser
import Dispatch
import Foundation
import Logging
import Model
import Queue
import WorkerSupport

/// `fetcher run`: the fetch-stage worker over a queue database on this machine.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Lease fetch jobs from the queue and download them, many at once.",
        discussion: """
            Successful HTML, XHTML and XML answers become parse jobs carrying the page (in the same \
            transaction that completes the fetch); non-text answers are recorded and not parsed; 304 \
            counts as unchanged. Failures are classified (timeout, http-5xx, too-large, …) and retried \
            with backoff or parked as dead by the queue. SIGTERM or SIGINT stops leasing, lets the \
            transfers in flight finish (at most --timeout), records them and exits.
            """
    )

    @OptionGroup var queueOptions: WorkerQueueOptions
    @OptionGroup var fetchOptions: FetchOptions
    @OptionGroup var logging: LoggingOptions

    @Option(name: .long, help: "Transfers in flight at once.")
    var inFlight = 64

    @Flag(name: .long, help: "Exit when no fetch job is ready and none is in flight.")
    var exitWhenIdle = false

    @Option(name: .long, help: ArgumentHelp("Also write WARC/1.1 request and response records into this directory.", valueName: "dir"))
    var warc: String?

    @Option(name: .long, help: ArgumentHelp("Start a new WARC file past this size.", valueName: "bytes"))
    var warcMaxBytes = 1 << 30

    @Option(name: .long, help: ArgumentHelp(
        "The longest Retry-After (of a 429 or 503) honoured, seconds; a longer one waits this long.", valueName: "seconds"))
    var maxRetryAfter: Double = FetchWorker.Configuration.defaultMaxRetryAfter

    func validate() throws {
        guard maxRetryAfter >= 0 && maxRetryAfter.isFinite else {
            throw ValidationError("--max-retry-after must be 0 or more seconds, got \(maxRetryAfter)")
        }
        guard inFlight > 0 else { throw ValidationError("--in-flight must be at least 1, got \(inFlight)") }
        guard warcMaxBytes > 0 else { throw ValidationError("--warc-max-bytes must be positive, got \(warcMaxBytes)") }
    }

    func run() async throws {
        let logger = try logging.bootstrap(label: "wireroom.fetcher")
        let queue = try queueOptions.openQueue(logger: logger)
        var engineConfiguration = fetchOptions.configuration
        engineConfiguration.maxTransfers = inFlight
        engineConfiguration.keepRawHeads = warc != nil
        let engine = FetchEngine(configuration: engineConfiguration)
        var configuration = FetchWorker.Configuration(
            workerID: queueOptions.workerName(stage: "fetcher"),
            leaseSeconds: queueOptions.leaseSeconds ?? fetchOptions.timeout + 60)
        configuration.maxInFlight = inFlight
        configuration.exitWhenIdle = exitWhenIdle
        configuration.maxRetryAfter = maxRetryAfter
        configuration.warc = try warc.map { try WARCWriter(directory: $0, maxFileBytes: warcMaxBytes) }
        let worker = FetchWorker(queue: queue, engine: engine, configuration: configuration, logger: logger)

        defer { engine.shutdown() }
        // The transfers in flight finish within --timeout, then they are recorded.
        try await ServiceRunner.run(worker, gracePeriod: .seconds(fetchOptions.timeout + 30), logger: logger)
    }
}
