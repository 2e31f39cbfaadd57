import ArgumentParser
import Foundation
import GRDB

/// How long stories stay in the dedup index, shared by `store dedup`, `store run` and `store compact`.
struct DedupWindowOption: ParsableArguments {
    @Option(help: "Stories older than this many days (by publication, else fetch time) leave the dedup index; copies are found within it.")
    var windowDays: Double = DedupSettings().window / 86_400

    var seconds: TimeInterval { windowDays * 86_400 }

    func validate() throws {
        guard windowDays > 0, windowDays.isFinite else { throw ValidationError("--window-days must be more than 0, got \(windowDays)") }
    }
}

/// The thresholds of near-duplicate detection as flags, shared by `store dedup` and `store run`.
struct DedupOptions: ParsableArguments {
    @Option(help: "Word similarity at or above which two stories are copies (0–1).")
    var threshold = DedupSettings().threshold

    @Option(help: "This many words inside both texts (not at their ends) that the other lacks mark two different stories.")
    var distinctWords = DedupSettings().distinctWords

    @Option(help: "MinHash bins per signature.")
    var bins = DedupSettings().bins

    @Option(help: "LSH bands the signature is cut into (bins must divide evenly).")
    var bands = DedupSettings().bands

    @OptionGroup var window: DedupWindowOption

    var settings: DedupSettings {
        var settings = DedupSettings()
        settings.threshold = threshold
        settings.distinctWords = distinctWords
        settings.bins = bins
        settings.bands = bands
        settings.window = window.seconds
        return settings
    }

    func validate() throws {
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
    }
}

/// The thresholds of event linking as flags, shared by `store dedup --events` and `store run`.
struct EventOptions: ParsableArguments {
    @Option(help: "Score at or above which two stories in different languages report one event (0–1).")
    var eventThreshold = EventSettings().threshold

    @Option(help: "The same for two stories in one language, which also share their language's capitalized common words (0–1).")
    var eventSameLanguageThreshold = EventSettings().sameLanguageThreshold

    @Option(help: "Stories published more than this many days apart never report one event.")
    var eventDays = EventSettings().maximumApart / 86_400

    var settings: EventSettings {
        var settings = EventSettings()
        settings.threshold = eventThreshold
        settings.sameLanguageThreshold = eventSameLanguageThreshold
        settings.maximumApart = eventDays * 86_400
        return settings
    }

    func validate() throws {
        guard (0...1).contains(eventThreshold) else { throw ValidationError("--event-threshold must be between 0 and 1, got \(eventThreshold)") }
        guard (0...1).contains(eventSameLanguageThreshold) else {
            throw ValidationError("--event-same-language-threshold must be between 0 and 1, got \(eventSameLanguageThreshold)")
        }
        guard eventDays >= 0, eventDays.isFinite else { throw ValidationError("--event-days must be 0 or more, got \(eventDays)") }
    }
}

/// `store dedup FILE.jsonl`: near-duplicate detection over a file, offline, in input order.
struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Find near-duplicate stories in a JSON Lines file; prints one line per input line.",
        discussion: """
            Input lines are {"id", "title", "text", "url"?, "language"?, "published"?}; id is a string \
            or a number, published an ISO 8601 date or time. Each prints {"id", "cluster", \
            "duplicate_of"}: documents judged copies of one story share cluster (the id of the \
            cluster's first document), and duplicate_of is that first-seen document's id, or null for \
            the first. A line that cannot be read prints {"line", "error"} and the run goes on (exit 1 \
            at the end). The LSH index lives in a temporary SQLite file (or --index, which a later run \
            goes on with), so memory stays flat however long the input; documents older than \
            --window-days before the newest leave it (a document without published is dated now).
            """
    )

    @Argument(help: ArgumentHelp("The JSON Lines input; - reads standard input.", valueName: "file.jsonl"))
    var file: String

    @Option(help: ArgumentHelp("Keep the index in this SQLite file (default: a temporary file, gone when the run ends).", valueName: "path"))
    var index: String?

    @OptionGroup var dedup: DedupOptions

    @Flag(help: "Also link the stories that report one event, in any language: each line then has \"event\" (the id of the event's first story).")
    var events = false

    @OptionGroup var eventOptions: EventOptions

    func run() throws {
        var reader: LineReader
        do { reader = try LineReader(path: file) } catch { throw ValidationError("cannot read \(file): \(error.localizedDescription)") }
        let path = index ?? FileManager.default.temporaryDirectory.appendingPathComponent("wireroom-dedup-\(getpid())-\(UUID().uuidString).sqlite").path
        let database = try StoreDatabase.open(at: path, durable: false)
        // The temporary index is unlinked while open (it keeps no journal): it goes away with the
        // process however that ends, even killed.
        if index == nil { try FileManager.default.removeItem(atPath: path) }
        let deduplicator = try DedupIndex(settings: dedup.settings)
        let linker = EventIndex(settings: eventOptions.settings)
        let output = BufferedOutput()
        // Documents are numbered after those of an index a run left behind.
        let firstDoc = try database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(doc) FROM dedup_documents") } ?? 0
        var lineNumber = 0
        var failures = 0
        var atEnd = false
        while !atEnd {
            // One write transaction per batch of lines: SQLite's cost per commit is paid rarely.
            try database.writeWithoutTransaction { db in
                try db.inTransaction {
                    try deduplicator.batch(in: db) { batch in
                        try linker.batch(in: db) { eventBatch in
                            for _ in 0..<5_000 {
                                guard let line = try reader.next() else { atEnd = true; break }
                                lineNumber += 1
                                if try !place(line, number: lineNumber, doc: firstDoc + Int64(lineNumber), in: batch, events: events ? eventBatch : nil,
                                              output: output) { failures += 1 }
                            }
                        }
                    }
                    if let cutoff = try deduplicator.compact(in: db).cutoff, events { _ = try linker.compact(in: db, before: cutoff) }
                    return .commit
                }
            }
        }
        output.flush()
        if failures > 0 {
            FileHandle.standardError.write(Data("store dedup: \(failures) line(s) could not be read; see their error lines\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Places one input line and prints its answer; false (and an error line) when the line
    /// cannot be read. A blank line is skipped.
    private func place(_ line: Data, number: Int, doc: Int64, in batch: DedupIndex.Batch, events: EventIndex.Batch?,
                       output: BufferedOutput) throws -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        let input: DedupInput
        do {
            input = try DedupInput(line)
        } catch {
            output.write(#"{"line":\#(number),"error":\#(DedupInput.quoted("line \(number): \(error)"))}"#)
            return false
        }
        let time = input.published ?? Date()
        let placement = try batch.place(doc: doc, text: input.text, time: time, label: input.id)
        let first = placement.clusterLabel ?? "null"
        guard let events else {
            output.write(#"{"id":\#(input.id),"cluster":\#(first),"duplicate_of":\#(placement.isDuplicate ? first : "null")}"#)
            return true
        }
        // A copy is in the event of the story it copies, as in the article store.
        let event = try placement.matched.flatMap { try events.event(of: $0) }
            ?? events.place(doc: doc, features: EventFeatures(text: input.text, language: input.language), language: input.language, published: time,
                         time: time, label: input.id)
        output.write(#"{"id":\#(input.id),"cluster":\#(first),"duplicate_of":\#(placement.isDuplicate ? first : "null"),"event":\#(event.eventLabel ?? "null")}"#)
        return true
    }
}

/// Standard output through a buffer: a million short lines written one `write` each would cost
/// more than the deduplication.
final class BufferedOutput {
    private var buffer = Data()

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
