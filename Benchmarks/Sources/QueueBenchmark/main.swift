// Queue benchmark: bulk enqueue and lease+complete throughput on the full schema
// (frontier, politeness, payloads, leases), printed next to the raw SQLite reference.
import ArgumentParser
import Foundation
import Logging
import Model
import Queue
import WorkerSupport

@main
struct QueueBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measures the job queue and prints figures next to the raw SQLite reference.",
        subcommands: [Run.self, Worker.self],
        defaultSubcommand: Run.self)
}

/// The issue's anchors, measured with Python's sqlite3 on this machine kind when the issue was written.
let issueAnchors: [String: Double] = [
    "bulk_insert_rows_per_s": 204_000,
    "lease_complete_batch1_procs1_jobs_per_s": 4_900, "lease_complete_batch1_procs4_jobs_per_s": 5_300,
    "lease_complete_batch100_procs1_jobs_per_s": 54_000, "lease_complete_batch100_procs4_jobs_per_s": 36_000,
]

struct Run: ParsableCommand {
    @Option(help: "Directory for the benchmark databases.") var directory = NSTemporaryDirectory()
    @Option(help: "JSON printed by reference_sqlite.py in this run.") var reference: String?
    @Option(help: "URLs to enqueue.") var urls = 1_000_000
    @Option(help: "A built `coordinator` binary, to time `coordinator add --file` end to end.") var coordinator: String?
    @Option(help: "Only these parts (enqueue, lease, parse, http); default all.") var only: [String] = []

    private func wants(_ part: String) -> Bool { only.isEmpty || only.contains(part) }

    func run() throws {
        let referenceFigures = try reference.map {
            try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: URL(fileURLWithPath: $0)))
        } ?? [:]
        var rows: [(String, Double, String)] = []

        // 1. Enqueue: normalization, seen-set and job rows, in batches as `coordinator add` does.
        if wants("enqueue") { try enqueue(into: &rows) }
        // 2. Lease + complete on the fetch stage: 10 000 hosts, each at most one lease in flight.
        if wants("lease") {
            for (batch, jobs) in [(1, 20_000), (100, 400_000)] {
                for processes in [1, 4] {
                    let rate = try leaseComplete(stage: .fetch, batch: batch, processes: processes, jobs: jobs)
                    rows.append(("fetch lease+complete batch \(batch), \(processes) proc (jobs/s)", rate,
                                 "key lease_complete_batch\(batch)_procs\(processes)_jobs_per_s"))
                }
            }
        }
        // 3. The parse stage: each lease inflates a 30 KB page payload, each completion deletes it.
        if wants("parse") {
            let parseRate = try leaseComplete(stage: .parse, batch: 100, processes: 1, jobs: 20_000)
            rows.append(("parse lease+complete with 30 KB payloads, batch 100, 1 proc (jobs/s)", parseRate, ""))
        }
        // 4. Lease + complete through `coordinator serve` (HTTP, JSON, one connection per worker
        //    process), next to the same work on the SQLite file directly, in this run.
        if wants("http") {
            guard let coordinator else { throw ValidationError("the http part needs --coordinator (a built coordinator binary)") }
            for connections in [1, 4, 16] {
                let direct = try leaseComplete(stage: .fetch, batch: 100, processes: connections, jobs: 100_000)
                rows.append(("fetch lease+complete batch 100, \(connections) proc, SQLite file (jobs/s)", direct, ""))
                let http = try leaseComplete(stage: .fetch, batch: 100, processes: connections, jobs: 100_000, through: coordinator)
                rows.append(("fetch lease+complete batch 100, \(connections) HTTP connections (jobs/s)", http,
                             String(format: "%.2f× the SQLite file", http / direct)))
            }
        }
        printTable(rows, reference: referenceFigures)
    }

    private func enqueue(into rows: inout [(String, Double, String)]) throws {
        let list = (0..<urls).map(syntheticURL)
        let normalizeStart = Date()
        let normalizer = URLNormalizer()
        var valid = 0
        for url in list { if case .success = normalizer.normalize(url) { valid += 1 } }
        let normalizeSeconds = Date().timeIntervalSince(normalizeStart)
        precondition(valid == urls)
        rows.append(("normalize only (URLs/s, 1 core)", Double(urls) / normalizeSeconds, ""))

        let enqueuePath = fresh("enqueue")
        let queue = try JobQueue.open(at: enqueuePath, creating: true)
        let enqueueStart = Date()
        for start in stride(from: 0, to: list.count, by: 20_000) {
            _ = try queue.add(Array(list[start..<min(start + 20_000, list.count)]))
        }
        let enqueueSeconds = Date().timeIntervalSince(enqueueStart)
        rows.append(("enqueue \(urls) URLs (rows/s)", Double(urls) / enqueueSeconds,
                     String(format: "%.1f s total; aim < 15 s", enqueueSeconds)))

        if let coordinator {
            let file = (directory as NSString).appendingPathComponent("bench-urls.txt")
            try (list.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let db = fresh("cli")
            let start = Date()
            let process = try Process.run(URL(fileURLWithPath: coordinator), arguments: ["add", "--db", db, "--file", file])
            process.waitUntilExit()
            let seconds = Date().timeIntervalSince(start)
            rows.append(("coordinator add --file, \(urls) URLs (rows/s)", Double(urls) / seconds,
                         String(format: "%.1f s wall, whole command", seconds)))
        }

    }

    private func fresh(_ name: String) -> String {
        let path = (directory as NSString).appendingPathComponent("bench-\(name).sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return path
    }

    /// Fills a fresh queue with `jobs` ready jobs of `stage`, runs `processes` workers to empty
    /// it — on the file, or through `coordinator serve` started from the binary `through` — and
    /// returns jobs per second from the first lease to the last completion.
    private func leaseComplete(stage: Stage, batch: Int, processes: Int, jobs: Int, through server: String? = nil) throws -> Double {
        let path = fresh("lease-\(stage)-\(batch)-\(processes)")
        var configuration = QueueConfiguration()
        configuration.defaultHostDelay = 0
        configuration.defaultHostConcurrency = 1
        let queue = try JobQueue.open(at: path, creating: true, configuration: configuration)
        let list = (0..<jobs).map { "https://host\($0 % 10_000).example/news/\($0).html" }
        for start in stride(from: 0, to: jobs, by: 20_000) {
            _ = try queue.add(Array(list[start..<min(start + 20_000, jobs)]))
        }
        if stage == .parse { try handOffToParse(queue, count: jobs) }

        let api = try server.map { try APIServer(binary: $0, database: path) }
        defer { api?.stop() }
        let me = URL(fileURLWithPath: CommandLine.arguments[0])
        let pipes = (0..<processes).map { _ in Pipe() }
        let workers = try pipes.enumerated().map { index, pipe in
            let process = Process()
            process.executableURL = me
            let queueArguments = api.map { ["--coordinator", $0.url, "--token-file", $0.tokenFile] } ?? ["--db", path]
            process.arguments = ["worker", "--stage", stage.rawValue, "--batch", String(batch), "--name", "w\(index)"] + queueArguments
            process.standardOutput = pipe
            try process.run()
            return process
        }
        var done = 0
        var first = Double.infinity, last = 0.0
        for (process, pipe) in zip(workers, pipes) {
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let fields = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            done += Int(fields[0])
            guard fields[0] > 0 else { continue }  // a worker that found the stage empty has no times
            first = min(first, fields[1])
            last = max(last, fields[2])
        }
        precondition(done == jobs, "workers completed \(done) of \(jobs)")
        return Double(done) / (last - first)
    }

    /// Moves every fetch job on to a parse job carrying a 30 KB page, as a fetcher would.
    private func handOffToParse(_ queue: JobQueue, count: Int) throws {
        let page = Data((0..<1000).map { "<p>Paragraph \($0) of the story, with words.</p>" }.joined().prefix(30_000).utf8)
        let payload = Payload(metadata: Data(#"{"status":200}"#.utf8), body: page)
        var moved = 0
        while moved < count {
            let jobs = try queue.lease(stage: .fetch, worker: "setup", limit: 1000, leaseSeconds: 600)
            _ = try queue.complete(jobs.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken, followOns: [.next(.parse, payload: payload)]) })
            moved += jobs.count
        }
    }

    private func printTable(_ rows: [(String, Double, String)], reference: [String: Double]) {
        print("Queue benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(hostDescription())")
        print("")
        let width = rows.map(\.0.count).max() ?? 0
        print("measure".padding(toLength: width, withPad: " ", startingAt: 0) + "      wireroom   raw SQLite (this run)   issue anchor   ours/this-run  ours/anchor")
        for (name, value, note) in rows {
            let key = note.hasPrefix("key ") ? String(note.dropFirst(4)) : (name.hasPrefix("enqueue") ? "bulk_insert_rows_per_s" : "")
            let measured = reference[key]
            let anchor = issueAnchors[key]
            var line = name.padding(toLength: width, withPad: " ", startingAt: 0)
            line += String(format: "  %12.0f", value)
            line += measured.map { String(format: "  %22.0f", $0) } ?? String(repeating: " ", count: 24)
            line += anchor.map { String(format: "  %13.0f", $0) } ?? String(repeating: " ", count: 15)
            line += measured.map { String(format: "  %14.2f", value / $0) } ?? String(repeating: " ", count: 16)
            line += anchor.map { String(format: "  %11.2f", value / $0) } ?? ""
            if !note.isEmpty && !note.hasPrefix("key ") { line += "   (\(note))" }
            print(line)
        }
        if let normal = reference["single_commit_normal_per_s"], let full = reference["single_commit_full_per_s"] {
            print("")
            print(String(format: "single-row commits (raw SQLite, this run): %.0f/s synchronous=NORMAL, %.0f/s FULL", normal, full))
        }
    }

    private func hostDescription() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return cpu
    }
}

/// Realistic news URLs: 1 000 hosts, dated paths with slugs, some with tracking parameters.
func syntheticURL(_ index: Int) -> String {
    let host = "www.outlet\(index % 1000).example"
    let tracking = index % 10 == 0 ? "?utm_source=rss&utm_medium=feed" : ""
    return "https://\(host)/news/2026/\(index % 12 + 1)/\(index % 28 + 1)/story-\(index)-about-the-day.html\(tracking)"
}

/// One worker process: leases batches and completes each batch in one call until the stage is empty.
/// Prints `done firstLeaseTime lastCompletionTime`.
struct Worker: AsyncParsableCommand {
    @Option var db: String?
    @Option var coordinator: String?
    @Option var tokenFile: String?
    @Option var stage: String
    @Option var batch: Int
    @Option var name: String

    func run() async throws {
        let queue: any JobSource
        if let coordinator, let tokenFile {
            let client = try CoordinatorClient(baseURL: coordinator, token: try APIToken.read(file: tokenFile))
            queue = RemoteQueue(client: client, logger: Logger(label: "benchmark"))
        } else {
            var configuration = QueueConfiguration()
            configuration.busyTimeout = 120
            queue = FileQueue(try JobQueue.open(at: db ?? "", configuration: configuration))
        }
        guard let stage = Stage(rawValue: stage) else { throw ValidationError("unknown stage \(stage)") }
        var done = 0
        var first: Double?
        var last = 0.0
        var emptyLeases = 0
        while emptyLeases < 3 {
            let start = Date().timeIntervalSince1970
            let jobs = try await queue.lease(stage: stage, worker: name, limit: batch, leaseSeconds: 300)
            if jobs.isEmpty {
                emptyLeases += 1
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            emptyLeases = 0
            if first == nil { first = start }
            _ = try await queue.complete(jobs.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken) })
            done += jobs.count
            last = Date().timeIntervalSince1970
        }
        print("\(done) \(first ?? 0) \(last)")
    }
}

/// `coordinator serve` on a loopback port over a benchmark database, stopped with SIGTERM.
final class APIServer {
    let url: String
    let tokenFile: String
    private let process = Process()

    init(binary: String, database: String) throws {
        tokenFile = database + ".token"
        try Data((UUID().uuidString + UUID().uuidString + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        let port = Int.random(in: 20_000..<40_000)
        url = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--db", database, "--listen", "127.0.0.1:\(port)", "--token-file", tokenFile]
        process.standardError = FileHandle.nullDevice
        try process.run()
        let health = try CoordinatorClient(baseURL: url, token: nil, timeout: 1)
        for _ in 0..<200 {
            if (try? health.send(method: "GET", path: "/healthz", body: nil))?.status == 200 { return }
            usleep(50_000)
        }
        throw ValidationError("coordinator serve did not start on port \(port)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
