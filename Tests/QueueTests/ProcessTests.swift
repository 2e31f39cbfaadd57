import Foundation
import Model
import Testing
import TestSupport
@testable import Queue

/// Real worker processes (the QueueExerciser executable) on one real database file.
@Suite("Several processes on one queue database", .serialized)
struct ProcessTests {
    /// Starts the exerciser with `arguments`, its stdout captured line by line.
    final class Worker: @unchecked Sendable {
        let process = Process()
        private let pipe = Pipe()

        init(_ arguments: [String]) throws {
            process.executableURL = builtProduct("QueueExerciser")
            process.arguments = arguments
            process.standardOutput = pipe
            try process.run()
        }

        /// Reads until the process exits; returns its output lines.
        func finish() -> [String] {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        /// Blocks until the process prints its first line.
        func firstLine() -> String {
            var bytes = Data()
            while let byte = try? pipe.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func ids(_ lines: [String], _ prefix: String) -> [Int64] {
        lines.compactMap { $0.hasPrefix(prefix + " ") ? Int64($0.dropFirst(prefix.count + 1)) : nil }
    }

    @Test("four processes leasing at once never receive the same job, and every job is done exactly once")
    func concurrentWorkers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        let total = 2000
        _ = try queue.add((0..<total).map { "https://host\($0 % 50).example/page/\($0)" })
        let db = directory.path("queue.sqlite")

        let fetchers = try (0..<4).map { index in
            try Worker(["work", "--db", db, "--worker", "fetcher-\(index)", "--batch", "\(5 + index * 10)", "--hand-off"])
        }
        let fetched = fetchers.flatMap { Self.ids($0.finish(), "done") }
        #expect(fetched.count == total)
        #expect(Set(fetched).count == total, "no job completed twice")
        #expect(fetchers.allSatisfy { $0.process.terminationStatus == 0 })

        let parsers = try (0..<4).map { index in
            try Worker(["work", "--db", db, "--stage", "parse", "--worker", "parser-\(index)", "--batch", "7"])
        }
        let parsed = parsers.flatMap { Self.ids($0.finish(), "done") }
        #expect(parsed.count == total, "exactly one parse job per completed fetch")
        #expect(Set(parsed).count == total)

        let stats = try queue.stats()
        #expect(stats.stages["fetch"] == ["queued": 0, "scheduled": 0, "leased": 0, "retry": 0, "done": total, "dead": 0])
        #expect(stats.stages["parse"]?["done"] == total)
        #expect(stats.payloads.count == 0, "parsed pages' payloads are deleted")
        #expect(try queue.hostsWithWrongCounts().isEmpty)
    }

    @Test("a worker killed with -9 while holding leases: its jobs come back after the lease time and finish")
    func killedWorker() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add((0..<40).map { "https://host\($0 % 8).example/\($0)" })
        let db = directory.path("queue.sqlite")

        let victim = try Worker(["hold", "--db", db, "--batch", "10", "--lease-seconds", "1", "--wait-seconds", "60"])
        let held = victim.firstLine().split(separator: " ").dropFirst().compactMap { Int64($0) }
        #expect(held.count == 10)
        kill(victim.process.processIdentifier, SIGKILL)
        victim.process.waitUntilExit()
        #expect(try queue.count(.fetch, .leased) == 10)

        Thread.sleep(forTimeInterval: 1.2)
        let survivor = try Worker(["work", "--db", db, "--batch", "8"])
        let done = Self.ids(survivor.finish(), "done")
        #expect(Set(done) == Set(try queue.jobs(matching: JobFilter(stage: .fetch), limit: 100).map(\.id)))
        #expect(Set(held).isSubset(of: done))
        #expect(try queue.count(.fetch, .done) == 40)
        #expect(try queue.hostsWithWrongCounts().isEmpty)
        for id in held {
            #expect(try queue.job(id: id).errors.map(\.errorClass) == ["lease-expired"])
        }
    }

    @Test("a worker that stalls past its lease: another finishes the jobs and the late completion is rejected")
    func lateCompletion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = try makeQueue(in: directory)
        _ = try queue.add((0..<6).map { "https://host\($0).example/" })
        let db = directory.path("queue.sqlite")

        let slow = try Worker(["hold", "--db", db, "--batch", "6", "--lease-seconds", "1", "--wait-seconds", "4", "--hand-off"])
        let held = slow.firstLine().split(separator: " ").dropFirst().compactMap { Int64($0) }
        #expect(held.count == 6)
        Thread.sleep(forTimeInterval: 1.2)
        let fast = try Worker(["work", "--db", db, "--batch", "6", "--hand-off", "--idle-seconds", "0.5"])
        #expect(Set(Self.ids(fast.finish(), "done")) == Set(held))
        let late = slow.finish()
        #expect(Set(Self.ids(late, "stale")) == Set(held), "every late completion is rejected")
        #expect(Self.ids(late, "done").isEmpty)
        #expect(try queue.count(.fetch, .done) == 6)
        #expect(try queue.count(.parse, .queued) == 6, "rejected completions enqueue nothing")
    }
}
