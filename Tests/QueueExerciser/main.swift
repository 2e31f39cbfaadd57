// A worker process for the queue's multi-process tests: leases jobs from a real database
// file, completes them, and reports every outcome on standard output, one line each.
import ArgumentParser
import Foundation
import Model
import Queue

struct QueueExerciser: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Works a queue database the way a worker does, printing `done ID` / `stale ID` lines.",
        subcommands: [Work.self, Hold.self])

    struct Options: ParsableArguments {
        @Option var db: String
        @Option var stage: Stage = .fetch
        @Option var worker: String = "exerciser-\(getpid())"
        @Option var batch = 10
        @Option var leaseSeconds: Double = 30
        /// Complete fetch jobs with a parse job carrying a payload, as a fetcher does.
        @Flag var handOff = false

        func open() throws -> JobQueue {
            var configuration = QueueConfiguration()
            configuration.busyTimeout = 60
            return try JobQueue.open(at: db, configuration: configuration)
        }

        func completion(for job: LeasedJob) throws -> Completion {
            let followOns: [FollowOn] = handOff && job.stage == .fetch
                ? [.next(.parse, payload: Payload(metadata: Data("{\"status\":200}".utf8), body: Data("<html>\(job.url)</html>".utf8)))]
                : []
            return Completion(jobID: job.id, leaseToken: job.leaseToken, followOns: followOns)
        }
    }

    /// Leases and completes until the stage stays empty for `--idle-seconds`.
    struct Work: ParsableCommand {
        @OptionGroup var options: Options
        @Option var idleSeconds: Double = 2

        func run() throws {
            let queue = try options.open()
            var idleSince = Date()
            while Date().timeIntervalSince(idleSince) < idleSeconds {
                let jobs = try queue.lease(stage: options.stage, worker: options.worker, limit: options.batch,
                                           leaseSeconds: options.leaseSeconds)
                if jobs.isEmpty {
                    usleep(20_000)
                    continue
                }
                idleSince = Date()
                let settlements = try queue.complete(try jobs.map(options.completion))
                for (job, settlement) in zip(jobs, settlements) {
                    say(settlement == .accepted ? "done \(job.id)" : "stale \(job.id)")
                }
            }
        }
    }

    /// Leases one batch, reports it, waits (long enough for the lease to expire), then tries to complete it.
    struct Hold: ParsableCommand {
        @OptionGroup var options: Options
        @Option var waitSeconds: Double = 5

        func run() throws {
            let queue = try options.open()
            let jobs = try queue.lease(stage: options.stage, worker: options.worker, limit: options.batch,
                                       leaseSeconds: options.leaseSeconds)
            say("leased \(jobs.map { String($0.id) }.joined(separator: " "))")
            Thread.sleep(forTimeInterval: waitSeconds)
            let settlements = try queue.complete(try jobs.map(options.completion))
            for (job, settlement) in zip(jobs, settlements) {
                say(settlement == .accepted ? "done \(job.id)" : "stale \(job.id)")
            }
        }
    }
}

extension Stage: ExpressibleByArgument {}

/// Writes a line straight to the stdout file descriptor, so the test reading it sees it at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

QueueExerciser.main()
