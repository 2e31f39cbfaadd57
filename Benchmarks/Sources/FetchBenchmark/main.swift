// Fetch benchmark: the engine alone and the worker, on the local news site of ../shared/bench,
// next to `curl --parallel` over the same URLs in the same run.
import ArgumentParser
import Fetcher
import Foundation
import Queue

@main
struct FetchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measures the fetch engine and worker against curl --parallel.")

    @Option(help: "urls.txt of the site made by make_site.py.") var urls: String
    @Option(help: "Transfers in flight.") var inFlight = 64
    @Option(help: "A built `fetcher` binary, for the worker measurement.") var fetcher: String
    @Option(help: "A built `coordinator` binary.") var coordinator: String
    @Option(help: "Scratch directory.") var directory = NSTemporaryDirectory()

    func run() async throws {
        let list = try String(contentsOfFile: urls, encoding: .utf8).split(separator: "\n").map(String.init)
        print("Fetch benchmark — \(list.count) pages, \(inFlight) in flight, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("")
        print("measure                         pages/s    CPU-s   peak RSS")
        let curl = try measureProcess("/usr/bin/curl", ["--parallel", "--parallel-max", String(inFlight), "--silent", "-K", try curlConfig(list)])
        row("curl --parallel (reference)", list.count, curl)
        let engine = try await measureEngine(list)
        row("engine alone (bodies dropped)", list.count, engine)
        let worker = try measureWorker(list)
        row("fetcher run (queue, payloads)", list.count, worker)
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

    /// Runs a child process; CPU and peak RSS come from its rusage.
    func measureProcess(_ executable: String, _ arguments: [String]) throws -> Measurement {
        let start = Date()
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        let process = try Process.run(URL(fileURLWithPath: executable), arguments: arguments)
        process.waitUntilExit()
        var after = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &after)
        let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
        return Measurement(seconds: Date().timeIntervalSince(start), cpu: cpu, peakRSSKiB: after.ru_maxrss)
    }

    func measureEngine(_ list: [String]) async throws -> Measurement {
        var configuration = FetchConfiguration()
        configuration.addressPolicy = .allowLoopback
        configuration.maxTransfers = inFlight
        configuration.keepBodies = false
        let engine = FetchEngine(configuration: configuration)
        var before = rusage()
        getrusage(RUSAGE_SELF.rawValue, &before)
        let start = Date()
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
        let elapsed = Date().timeIntervalSince(start)
        engine.shutdown()
        var after = rusage()
        getrusage(RUSAGE_SELF.rawValue, &after)
        if failures > 0 { print("engine: \(failures) fetches failed") }
        let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
        return Measurement(seconds: elapsed, cpu: cpu, peakRSSKiB: after.ru_maxrss)
    }

    func measureWorker(_ list: [String]) throws -> Measurement {
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
        if done != list.count { print("worker: \(done) of \(list.count) fetch jobs done") }
        return m
    }

    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
}
