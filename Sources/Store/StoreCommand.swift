import ArgumentParser
import Foundation
import Logging
import Model
import Queue
import WorkerSupport

/// `store`: the store stage — the article database, near-duplicate detection, and their commands.
public struct StoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Stores articles, finds near-duplicate stories, and searches and exports what is stored.",
        subcommands: [DedupCommand.self, StoreRunCommand.self, ExportCommand.self, SearchCommand.self, EventsCommand.self, StoreStatsCommand.self,
                      CompactCommand.self]
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
struct StoreRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Lease store jobs, store their articles and put each in its story's cluster.",
        discussion: """
            Each batch is stored in one transaction of the article database, then its jobs are \
            completed; a job run again after a crash finds its article stored. Every \
            --compact-minutes the dedup index is compacted (see `store compact`). SIGTERM or SIGINT \
            stops leasing; the batch in hand is stored and completed.
            """
    )

    @OptionGroup var queueOptions: WorkerQueueOptions
    @OptionGroup var storeOptions: ArticleStoreOptions
    @OptionGroup var dedup: DedupOptions
    @OptionGroup var events: EventOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Store jobs leased and stored together.")
    var batch = 64

    @Option(help: "Minutes between compactions of the dedup index.")
    var compactMinutes: Double = 60

    @Flag(help: "Exit when no store job is ready.")
    var exitWhenIdle = false

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard compactMinutes > 0, compactMinutes.isFinite else { throw ValidationError("--compact-minutes must be more than 0, got \(compactMinutes)") }
    }

    func run() async throws {
        let logger = try logging.bootstrap(label: "wireroom.store")
        let queue = try queueOptions.openQueue(logger: logger)
        var leasing = BatchLeasing.store(workerID: queueOptions.workerName(stage: "store"))
        leasing.batchSize = batch
        if let leaseSeconds = queueOptions.leaseSeconds { leasing.leaseSeconds = leaseSeconds }
        leasing.exitWhenIdle = exitWhenIdle
        let store = try ArticleStore(path: storeOptions.resolvedPath(besideQueue: queueOptions.databasePath))
        let worker = StoreWorker(queue: queue, store: store, settings: dedup.settings, eventSettings: events.settings, leasing: leasing,
                                 compactionInterval: compactMinutes * 60, logger: logger)
        // A batch is stored in well under a second; a minute covers a busy disk.
        try await ServiceRunner.run(worker, gracePeriod: .seconds(60), logger: logger)
    }
}

/// A `--since` time that is not ISO 8601 is refused with an example of one.
func validateSince(_ since: String?) throws {
    if let since, ISODate.date(since) == nil {
        throw ValidationError("--since \(since.debugDescription) is not an ISO 8601 date or time (2026-11-22, 2026-11-22T08:00:00Z)")
    }
}

/// `store export`: articles as JSON Lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print stored articles as JSON Lines, one story each unless copies are asked for.",
        discussion: """
            Each line holds id, url, canonical_url, title, authors, published, modified, language, \
            site, text, fetched_at, stored_at, cluster, duplicate_of, similarity, event (the first \
            article of the happening it reports, in any language), and provenance: for each field with \
            a value, where it came from (json-ld, meta:og, meta:article, time-element, url, …).
            """
    )

    @OptionGroup var storeOptions: ArticleStoreOptions

    @Option(help: ArgumentHelp("Only articles stored at or after this time (ISO 8601: 2026-11-22 or 2026-11-22T08:00:00Z).", valueName: "time"))
    var since: String?

    @Flag(help: "Include the copies of stories (duplicate_of set), not only each story's canonical article.")
    var includeDuplicates = false

    func validate() throws {
        try validateSince(since)
    }

    func run() throws {
        let encoder = JSONOutput.makeEncoder()
        let output = BufferedOutput()
        try storeOptions.openExisting().export(since: since.flatMap(ISODate.date), includeDuplicates: includeDuplicates) { article in
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
        discussion: "Prints the best matches first, one per story, with a snippet where the words match ([…]), and the story's versions in other languages (its event's stories)."
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
            let title = TerminalText.safe(hit.title ?? "(no title)"), published = hit.published.map { "  \(TerminalText.safe($0))" } ?? ""
            print("#\(hit.id) \(title)\(copies)\n  \(TerminalText.safe(hit.url))\(published)\n  \(TerminalText.safe(hit.snippet))")
            for version in hit.versions {
                print("  also in \(TerminalText.safe(version.language ?? "?")): #\(version.id) \(TerminalText.safe(version.title ?? "(no title)"))  \(TerminalText.safe(version.url))")
            }
            print("")
        }
    }
}

/// `store events`: the happenings reported by more than one story, in any language.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List events: stories of one happening, from any outlet and in any language, latest first.",
        discussion: """
            Stories of one event are linked, not merged: each keeps its text and its copies (shown \
            as +N copies). An event is listed when it has more than one story (--all: any), with a \
            story stored at or after --since and, with --language, one in that language.
            """
    )

    @OptionGroup var storeOptions: ArticleStoreOptions

    @Option(help: ArgumentHelp("Only events with a story stored at or after this time (ISO 8601).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events with a story in this language (ISO 639-1: nl, en, …).", valueName: "code"))
    var language: String?

    @Flag(help: "Also events of one story.")
    var all = false

    @Option(help: "At most this many events.")
    var limit = 50

    @Flag(help: "Print JSON Lines instead of text.")
    var json = false

    func validate() throws {
        try validateSince(since)
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if let language, language.isEmpty || language.count > 12 || !language.allSatisfy({ $0.isLetter || $0 == "-" }) {
            throw ValidationError("--language \(language.debugDescription) is not a language code (nl, en, pt-BR)")
        }
    }

    func run() throws {
        let events = try storeOptions.openExisting().events(since: since.flatMap(ISODate.date), language: language, all: all, limit: limit)
        let output = BufferedOutput()
        defer { output.flush() }
        if json {
            let encoder = JSONOutput.makeEncoder()
            for event in events { output.write(String(decoding: try encoder.encode(event), as: UTF8.self)) }
            return
        }
        if events.isEmpty { output.write("no events\(language.map { " with a story in \($0)" } ?? "")\(since.map { " since \($0)" } ?? "")") }
        for event in events {
            let languages = event.languages.isEmpty ? "language unknown" : "\(event.languages.count) language\(event.languages.count == 1 ? "" : "s") (\(event.languages.joined(separator: ", ")))"
            output.write("event #\(event.id): \(event.stories.count) \(event.stories.count == 1 ? "story" : "stories"), \(TerminalText.safe(languages))")
            for story in event.stories {
                let copies = story.copies > 0 ? " (+\(story.copies) \(story.copies == 1 ? "copy" : "copies"))" : ""
                let published = story.published.map { String($0.prefix(10)) } ?? "          "
                output.write("  \(TerminalText.safe(story.language ?? "?"))  \(TerminalText.safe(published))  \(TerminalText.safe(story.site ?? "-"))  #\(story.id) "
                             + "\(TerminalText.safe(story.title ?? "(no title)"))\(copies)")
            }
            output.write("")
        }
    }
}

/// `store stats`: what the article database holds.
struct StoreStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Articles stored, duplicates found, stories, events, languages.")

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
            events            \(summary.events) (\(summary.eventsAcrossLanguages) in more than one language)
            last stored       \(summary.lastStoredAt.map { $0.formatted(.iso8601) } ?? "never")
            languages         \(summary.languages.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            """)
    }
}

/// `store compact`: the dedup index down to its window, and the space given back.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Remove stories older than the window from the dedup index and give the freed space back.",
        discussion: """
            The articles stay stored, searchable and exported; only their dedup index entries go, so \
            a copy arriving later than the window founds a new story. `store run` does this every \
            hour by itself (without giving space back: SQLite reuses it). --vacuum rewrites the \
            whole file once (needs as much free disk as the file, and blocks writers meanwhile); \
            files made by earlier versions need it once to give space back.
            """
    )

    @OptionGroup var storeOptions: ArticleStoreOptions
    @OptionGroup var window: DedupWindowOption

    @Flag(help: "Rewrite the whole file (VACUUM) after compacting.")
    var vacuum = false

    func run() throws {
        let store = try storeOptions.openExisting()
        var settings = DedupSettings()
        settings.window = window.seconds
        let before = try store.indexSize()
        let removed = try store.compact(dedup: try DedupIndex(settings: settings))
        try store.reclaimSpace(rewrite: vacuum)
        let after = try store.indexSize()
        let cutoff = removed.cutoff.map { " published (else fetched) before \($0.formatted(.iso8601))" } ?? ""
        print("""
            removed \(removed.documents) stories\(cutoff) and their \(removed.keys) keys from the dedup index, \(removed.events) from the event index
            the index holds \(after.documents) stories, \(after.keys) keys; file \(Self.mebibytes(before.fileBytes)) → \(Self.mebibytes(after.fileBytes))
            """)
    }

    static func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
