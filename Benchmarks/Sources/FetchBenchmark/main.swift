// Fetch benchmark: the engine alone and the worker, on the benchmark news site of Benchmarks/bench_site.py,
// next to `curl --parallel` over the same URLs in the same run.
import ArgumentParser
import Fetcher
import Foundation
import Model
import Queue

@main
struct FetchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measures the fetch engine and worker against curl --parallel.")

    @Option(help: "urls.txt of the site made by bench_site.py.") var urls: String
    @Option(help: "Transfers in flight.") var inFlight = 64
    @Option(help: "A built `fetcher` binary, for the worker measurement.") var fetcher: String
    @Option(help: "A built `coordinator` binary.") var coordinator: String
    @Option(help: "Scratch directory.") var directory = NSTemporaryDirectory()
    @Flag(help: .hidden) var engineOnly = false

    func run() async throws {
        let list = try String(contentsOfFile: urls, encoding: .utf8).split(separator: "\n").map(String.init)
        if engineOnly {  // the child process of the engine measurement
            try await fetchWithEngine(list)
            return
        }
        print("Fetch benchmark — \(list.count) pages, \(inFlight) in flight, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("")
        print("measure                         pages/s    CPU-s   peak RSS")
        let curl = try measureProcess("/usr/bin/curl", ["--parallel", "--parallel-max", String(inFlight), "--silent", "-K", try curlConfig(list)])
        row("curl --parallel (reference)", list.count, curl)
        let engine = try measureProcess(CommandLine.arguments[0], Array(CommandLine.arguments.dropFirst()) + ["--engine-only"])
        row("engine alone (bodies dropped)", list.count, engine)
        let (worker, fetched) = try measureWorker(list)
        row("fetcher run (queue, payloads)", fetched, worker)
    }

    struct Measurement { var seconds: Double; var cpu: Double; var peakRSSKiB: Int }

    func row(_ name: String, _ pages: Int, _ m: Measurement) {
        print(name.padding(toLength: 30, withPad: " ", startingAt: 0)
              + String(format: "%9.0f  %7.2f  %6d MiB", Double(pages) / m.seconds, m.cpu, m.peakRSSKiB / 1024))
    }

    func curlConfig(_ list: [String]) throws -> String {
        let path = (directory as NSString).appendingPathComponent("curl-list.txt")
        try list.map { "url = \"\($0)\"\noutput = \"/dev/null\"" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs a command under GNU time, which reports the command's own CPU time and peak RSS.
    /// (Our own rusage cannot: a child spawned from this process inherits its peak RSS on Linux.)
    func measureProcess(_ executable: String, _ arguments: [String]) throws -> Measurement {
        let report = (directory as NSString).appendingPathComponent("time-report.txt")
        let start = Date()
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/time"),
                                      arguments: ["-f", "%U %S %M", "-o", report, executable] + arguments)
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        let fields = try String(contentsOfFile: report, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, fields.count == 3 else {
            throw ValidationError("\(executable) failed (exit \(process.terminationStatus)); see \(report)")
        }
        return Measurement(seconds: elapsed, cpu: fields[0] + fields[1], peakRSSKiB: Int(fields[2]))
    }

    /// The engine measurement's child: fetches every URL, 64 in flight, bodies dropped.
    func fetchWithEngine(_ list: [String]) async throws {
        var configuration = FetchConfiguration()
        configuration.addressPolicy = .allowLoopback
        configuration.maxTransfers = inFlight
        configuration.keepBodies = false
        let engine = FetchEngine(configuration: configuration)
        var failures = 0
        await withTaskGroup(of: Bool.self) { group in
            var next = 0
            while next < min(inFlight, list.count) {
                let url = list[next]
                group.addTask { (try? await engine.fetch(FetchRequest(url: url)).get().status) == 200 }
                next += 1
            }
            for await ok in group {
                if !ok { failures += 1 }
                if next < list.count {
                    let url = list[next]
                    group.addTask { (try? await engine.fetch(FetchRequest(url: url)).get().status) == 200 }
                    next += 1
                }
            }
        }
        engine.shutdown()
        if failures > 0 { print("engine: \(failures) fetches failed") }
    }

    /// The worker over a fresh queue holding the list; also returns how many fetch jobs it did
    /// (the queue drops repeated URLs).
    func measureWorker(_ list: [String]) throws -> (Measurement, Int) {
        let db = (directory as NSString).appendingPathComponent("fetch-bench.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        var configuration = QueueConfiguration()
        configuration.defaultHostDelay = 0
        configuration.defaultHostConcurrency = inFlight
        let queue = try JobQueue.open(at: db, creating: true, configuration: configuration)
        for start in stride(from: 0, to: list.count, by: 20_000) {
            _ = try queue.add(Array(list[start..<min(start + 20_000, list.count)]))
        }
        let m = try measureProcess(fetcher, ["run", "--db", db, "--allow-loopback", "--in-flight", String(inFlight), "--exit-when-idle"])
        let done = try queue.stats().stages["fetch"]?["done"] ?? 0
        if done != Set(list).count { print("worker: \(done) of \(Set(list).count) distinct URLs fetched") }
        return (m, done)
    }

}
