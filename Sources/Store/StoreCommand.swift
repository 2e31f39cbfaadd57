import ArgumentParser
import Foundation
import Logging
import Queue
import WorkerSupport

/// `store`: the store stage — the article database, near-duplicate detection, and their commands.
public struct StoreCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Stores articles, finds near-duplicate stories, and searches and exports what is stored.",
        subcommands: [DedupCommand.self, StoreRunCommand.self, ExportCommand.self, SearchCommand.self, StoreStatsCommand.self]
    )

    public init() {}
}

/// `--store-db`, the article database every command but `dedup` works on.
public struct ArticleStoreOptions: ParsableArguments {
    @Option(name: .customLong("store-db"), help: ArgumentHelp(
        "The article database file (default: WIREROOM_STORE_DB, else articles.sqlite beside the queue database).", valueName: "path"))
    public var path: String?

    public init() {}

    /// The path given, else the default beside `queuePath`.
    public func resolvedPath(besideQueue queuePath: String = QueueLocation.defaultDatabasePath()) -> String {
        path ?? ArticleStoreLocation.defaultPath(besideQueue: queuePath)
    }

    /// The store for reading: one that does not exist yet is an error naming the path, not an empty file.
    public func openExisting(besideQueue queuePath: String = QueueLocation.defaultDatabasePath()) throws -> ArticleStore {
        let path = resolvedPath(besideQueue: queuePath)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no article database at \(path) (run `store run`, or pass --store-db)")
        }
        return try ArticleStore(path: path)
    }
}

/// `store run`: the store-stage worker over the queue database on this machine.
struct StoreRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Lease store jobs, store their articles and put each in its story's cluster.",
        discussion: """
            Each batch is stored in one transaction of the article database, then its jobs are \
            completed; a job run again after a crash finds its article stored. SIGTERM or SIGINT \
            stops leasing; the batch in hand is stored and completed.
            """
    )

    @OptionGroup var queueOptions: WorkerQueueOptions
    @OptionGroup var storeOptions: ArticleStoreOptions
    @OptionGroup var dedup: DedupOptions

    @Option(help: "Store jobs leased and stored together.")
    var batch = 64

    @Flag(help: "Exit when no store job is ready.")
    var exitWhenIdle = false

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    func run() throws {
        bootstrapWorkerLogging()
        let logger = Logger(label: "wireroom.store")
        let queue = try queueOptions.openQueue(logger: logger)
        var leasing = BatchLeasing.store(workerID: queueOptions.workerName(stage: "store"))
        leasing.batchSize = batch
        if let leaseSeconds = queueOptions.leaseSeconds { leasing.leaseSeconds = leaseSeconds }
        leasing.exitWhenIdle = exitWhenIdle
        let store = try ArticleStore(path: storeOptions.resolvedPath(besideQueue: queueOptions.databasePath))
        let worker = StoreWorker(queue: queue, store: store, settings: dedup.settings, leasing: leasing, logger: logger)
        let signals = StopSignals(logger: logger) { worker.stop() }
        try worker.run()
        withExtendedLifetime(signals) {}
    }
}

/// `store export`: articles as JSON Lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print stored articles as JSON Lines, one story each unless copies are asked for.",
        discussion: """
            Each line holds id, url, canonical_url, title, authors, published, modified, language, \
            site, text, fetched_at, stored_at, cluster, duplicate_of, similarity, and provenance: for each \
            field with a value, where it came from (json-ld, meta:og, meta:article, time-element, url, …).
            """
    )

    @OptionGroup var storeOptions: ArticleStoreOptions

    @Option(help: ArgumentHelp("Only articles stored at or after this time (ISO 8601: 2026-11-22 or 2026-11-22T08:00:00Z).", valueName: "time"))
    var since: String?

    @Flag(help: "Include the copies of stories (duplicate_of set), not only each story's canonical article.")
    var includeDuplicates = false

    func validate() throws {
        if let since, Self.date(since) == nil {
            throw ValidationError("--since \(since.debugDescription) is not an ISO 8601 date or time (2026-11-22, 2026-11-22T08:00:00Z)")
        }
    }

    static func date(_ text: String) -> Date? {
        if let time = try? Date(text, strategy: .iso8601) { return time }
        return try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day())
    }

    func run() throws {
        let encoder = JSONOutput.makeEncoder()
        let output = BufferedOutput()
        try storeOptions.openExisting().export(since: since.flatMap(Self.date), includeDuplicates: includeDuplicates) { article in
            output.write(String(decoding: try encoder.encode(article), as: UTF8.self))
        }
        output.flush()
    }
}

/// `store search QUERY`: full-text search over stored articles.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search stored articles (SQLite FTS5 syntax: words, \"phrases\", OR, NOT, prefix*).",
        discussion: "Prints the best matches first, one per story, with a snippet where the words match ([…])."
    )

    @Argument(help: "What to search for.")
    var query: String

    @Option(help: "At most this many results.")
    var limit = 10

    @Flag(help: "Print JSON Lines instead of text.")
    var json = false

    @OptionGroup var storeOptions: ArticleStoreOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let hits = try storeOptions.openExisting().search(query, limit: limit)
        if json {
            let encoder = JSONOutput.makeEncoder()
            for hit in hits { print(String(decoding: try encoder.encode(hit), as: UTF8.self)) }
            return
        }
        if hits.isEmpty { print("no articles match \(query.debugDescription)") }
        for hit in hits {
            let copies = hit.duplicates > 0 ? " (+\(hit.duplicates) copies)" : ""
            print("#\(hit.id) \(hit.title ?? "(no title)")\(copies)\n  \(hit.url)\(hit.published.map { "  \($0)" } ?? "")\n  \(hit.snippet)\n")
        }
    }
}

/// `store stats`: what the article database holds.
struct StoreStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Articles stored, duplicates found, stories, languages.")

    @OptionGroup var storeOptions: ArticleStoreOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let summary = try storeOptions.openExisting().summary()
        if json {
            print(try JSONOutput.encode(summary))
            return
        }
        print("""
            articles stored   \(summary.articles)
            duplicates found  \(summary.duplicates)
            stories           \(summary.clusters) (\(summary.clustersWithCopies) with copies)
            last stored       \(summary.lastStoredAt.map { $0.formatted(.iso8601) } ?? "never")
            languages         \(summary.languages.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            """)
    }
}
