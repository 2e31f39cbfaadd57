import ArgumentParser
import Foundation
import Model
import Queue

/// `coordinator add`: puts URLs into the frontier.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add source URLs (articles, feeds, sitemaps, home pages) to the queue.",
        discussion: """
            URLs are normalized (scheme and host case, default ports, dot segments, fragments and \
            tracking parameters such as utm_*, fbclid and gclid removed) and checked against the \
            seen-set: a URL already known is not fetched again unless --again is given. Only http \
            and https URLs are accepted; every refused line is reported with its reason.

            With --file, the list has one URL per line; lines starting with # and blank lines are \
            skipped; - reads standard input. Large lists are added in batches, with a progress line \
            when standard error is a terminal.

            Exits 1 when any input was refused (the others are still added).
            """
    )

    @OptionGroup var queue: QueueOptions

    @Argument(help: "URLs to add.")
    var urls: [String] = []

    @Option(name: .long, help: ArgumentHelp("Read URLs from a file, one per line (- for standard input).", valueName: "file"))
    var file: String?

    @Flag(name: .long, help: "Treat the URLs as RSS/Atom/JSON feeds.")
    var feed = false

    @Flag(name: .long, help: "Treat the URLs as sitemaps.")
    var sitemap = false

    @Flag(name: .long, help: "Discover from these pages: follow the feeds they advertise, their robots.txt sitemaps and the articles they link to; read them again like feeds.")
    var discover = false

    @Option(name: .long, help: "Higher runs first (within a host).")
    var priority = 0

    @Flag(name: .long, help: "Fetch URLs that were seen before again.")
    var again = false

    @Flag(name: .long, help: "List every URL's outcome, not only refused ones (the default for URLs given as arguments).")
    var verbose = false

    @Option(name: .long, help: "URLs per transaction.")
    var batchSize = 20_000

    func validate() throws {
        if urls.isEmpty && file == nil { throw ValidationError("give URLs as arguments or --file FILE") }
        if [feed, sitemap, discover].filter({ $0 }).count > 1 { throw ValidationError("--feed, --sitemap and --discover exclude each other") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        let jobQueue = try queue.open(creating: true)
        let kind: URLKind = feed ? .feed : sitemap ? .sitemap : discover ? .source : .auto
        var tally = AddTally(listEach: verbose || file == nil)
        let progress = ProgressLine()

        if !urls.isEmpty {
            let outcomes = try jobQueue.add(urls.map { URLRequestSpec(url: $0, kind: kind, priority: priority) }, reschedule: again)
            tally.record(outcomes, lines: nil)
        }
        if let file {
            // Reading and normalizing run on a second thread, a batch ahead of the writes.
            let batches = BatchHandOff<Result<ReadBatch, Error>>(capacity: 2)
            let path = file, size = batchSize
            let producer = Thread {
                do {
                    var reader = try URLListReader(path: path)
                    while true {
                        let lines = try reader.next(limit: size)
                        if lines.isEmpty { break }
                        batches.put(.success(ReadBatch(lines: lines, kind: kind, priority: priority)))
                    }
                } catch {
                    batches.put(.failure(error))
                }
                batches.close()
            }
            producer.start()
            while let next = batches.take() {
                let batch = try next.get()
                for number in batch.notUTF8Lines { tally.refuse("line \(number): not valid UTF-8 text; line skipped") }
                tally.record(try jobQueue.add(batch.urls, reschedule: again), lines: batch.lineNumbers)
                progress.update(tally.summary)
            }
            progress.finish()
        }
        print(tally.summary)
        if tally.invalid > 0 { throw ExitCode(1) }
    }
}

/// Counts outcomes and prints the lines a user needs to see.
struct AddTally {
    var listEach: Bool
    private(set) var added = 0
    private(set) var known = 0
    private(set) var invalid = 0

    init(listEach: Bool) { self.listEach = listEach }

    mutating func record(_ outcomes: [AddOutcome], lines: [Int]?) {
        for (index, outcome) in outcomes.enumerated() {
            let place = lines.map { "line \($0[index]): " } ?? ""
            switch outcome {
            case .added(let url, let jobID):
                added += 1
                if listEach { print("added    \(url) (job \(jobID))") }
            case .known(let url):
                known += 1
                if listEach { print("known    \(url)") }
            case .invalid(let input, let reason):
                refuse("\(place)\(input): \(reason)")
            }
        }
    }

    mutating func refuse(_ message: String) {
        invalid += 1
        FileHandle.standardError.write(Data("invalid  \(message)\n".utf8))
    }

    var summary: String { "added \(added), already known \(known), invalid \(invalid)" }
}

/// A single self-overwriting status line on standard error, shown only on a terminal.
struct ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1

    func update(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// One batch of a URL list, read and normalized off the writing thread.
struct ReadBatch: Sendable {
    var urls: PreparedURLs
    var lineNumbers: [Int]
    var notUTF8Lines: [Int]

    init(lines: [URLListReader.Line], kind: URLKind, priority: Int) {
        var specs: [URLRequestSpec] = []
        var numbers: [Int] = []
        var notUTF8: [Int] = []
        for line in lines {
            switch line {
            case .url(let url, let number):
                specs.append(URLRequestSpec(url: url, kind: kind, priority: priority))
                numbers.append(number)
            case .notUTF8(let number):
                notUTF8.append(number)
            }
        }
        urls = PreparedURLs(specs)
        lineNumbers = numbers
        notUTF8Lines = notUTF8
    }
}
