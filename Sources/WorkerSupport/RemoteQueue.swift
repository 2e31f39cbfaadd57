import Foundation
import Logging
import Queue

/// The queue reached through the coordinator's HTTP API (`coordinator serve`): what a worker on
/// another machine uses in place of `JobQueue`, behind the same `WorkQueue` protocol.
///
/// A coordinator that cannot be reached, or answers 5xx (restarting, overloaded), is retried
/// with backoff for as long as it takes: a worker never drops finished work, it re-submits it.
/// Re-submitting is safe: a completion the coordinator already recorded (the answer was lost)
/// comes back as a stale lease and changes nothing. A 4xx answer is the request's fault and is
/// thrown at once with the coordinator's message; a 409 is a lost lease.
public final class RemoteQueue: WorkQueue {
    private let client: CoordinatorClient
    private let logger: Logger
    private let backoff: Backoff

    public init(client: CoordinatorClient, logger: Logger, backoff: Backoff = Backoff(base: 0.5, maximum: 30)) {
        self.client = client
        self.logger = logger
        self.backoff = backoff
    }

    /// POSTs `request` to `path` until an answer comes; returns the status and decoded body
    /// of a 2xx or 409 answer.
    private func call<Response: Decodable>(_ path: String, _ request: some Encodable, as type: Response.Type) throws -> (status: Int, body: Response) {
        let body = try WireCoding.encoder().encode(request)
        var attempt = 0
        while true {
            attempt += 1
            let answer: (status: Int, body: Data)
            do {
                answer = try client.send(method: "POST", path: path, body: body)
            } catch let failure as CoordinatorClient.Failure {
                try wait(after: attempt, path: path, reason: failure.description)
                continue
            }
            switch answer.status {
            case 200..<300, 409:
                do {
                    return (answer.status, try WireCoding.decoder().decode(Response.self, from: answer.body))
                } catch {
                    throw CoordinatorClient.Failure.status(answer.status, "unreadable answer to \(path): \(error)")
                }
            case 500..<600:
                try wait(after: attempt, path: path, reason: "status \(answer.status)")
            default:
                let problem = try? WireCoding.decoder().decode(API.Problem.self, from: answer.body)
                throw CoordinatorClient.Failure.status(answer.status, problem?.error ?? String(decoding: answer.body.prefix(300), as: UTF8.self))
            }
        }
    }

    private func wait(after attempt: Int, path: String, reason: String) throws {
        let delay = backoff.delay(afterAttempt: attempt)
        logger.warning("coordinator call failed; retrying", metadata: [
            "path": "\(path)", "attempt": "\(attempt)", "reason": "\(reason)", "retry_in_s": "\(String(format: "%.1f", delay))",
        ])
        Thread.sleep(forTimeInterval: delay)
    }

    /// An answer without a body of interest (the coordinator answers `{}`).
    private struct Empty: Codable {}

    public func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) throws {
        _ = try call("/v1/workers/register", API.RegisterWorker(id: id, stage: stage, hostname: hostname, pid: pid), as: Empty.self)
    }

    public func workerHeartbeat(id: String) throws {
        _ = try call("/v1/workers/heartbeat", API.WorkerID(id: id), as: Empty.self)
    }

    public func unregisterWorker(id: String) throws {
        _ = try call("/v1/workers/unregister", API.WorkerID(id: id), as: Empty.self)
    }

    public func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) throws -> [LeasedJob] {
        try call("/v1/lease", API.Lease(stage: stage, worker: worker, limit: limit, leaseSeconds: leaseSeconds), as: API.Jobs.self).body.jobs
    }

    public func heartbeat(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) throws -> [Int64] {
        try call("/v1/extend", API.Extend(jobIDs: jobIDs, leaseToken: leaseToken, leaseSeconds: leaseSeconds), as: API.JobIDs.self).body.jobIDs
    }

    @discardableResult
    public func release(jobIDs: [Int64], leaseToken: String) throws -> [Int64] {
        try call("/v1/release", API.Release(jobIDs: jobIDs, leaseToken: leaseToken), as: API.JobIDs.self).body.jobIDs
    }

    public func complete(_ completions: [Completion]) throws -> [Settlement] {
        guard !completions.isEmpty else { return [] }
        return try call("/v1/complete", API.Complete(completions: completions), as: API.Settlements.self).body.settlements
    }

    public func fail(jobID: Int64, leaseToken: String, failure: JobFailure) throws {
        let answer = try call("/v1/fail", API.Fail(jobID: jobID, leaseToken: leaseToken, failure: failure), as: Empty.self)
        if answer.status == 409 { throw QueueError.staleLease(jobID: jobID) }
    }

    /// The coordinator's boilerplate policy applies; `policy` is for the queue on this machine.
    public func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy) throws -> [String: Set<Int64>] {
        guard !hosts.isEmpty else { return [:] }
        return try call("/v1/boilerplate/query", API.Hosts(hosts: hosts.sorted()), as: API.Boilerplate.self).body.fingerprints.mapValues(Set.init)
    }

    public func recordBlocks(_ pages: [(host: String, fingerprints: Set<Int64>)], policy: BoilerplatePolicy) throws {
        guard !pages.isEmpty else { return }
        let request = API.RecordBlocks(pages: pages.map { API.RecordBlocks.Page(host: $0.host, fingerprints: $0.fingerprints.sorted()) })
        _ = try call("/v1/boilerplate/record", request, as: Empty.self)
    }

    public func robots(host: String) throws -> RobotsRecord? {
        try call("/v1/robots/get", API.Host(host: host), as: API.Robots.self).body.robots
    }

    public func storeRobots(host: String, status: Int, body: Data) throws {
        _ = try call("/v1/robots/store", API.StoreRobots(host: host, status: status, body: body), as: Empty.self)
    }

    public func hostDelay(host: String) throws -> TimeInterval? {
        try call("/v1/hosts/delay", API.Host(host: host), as: API.HostDelay.self).body.delay
    }

    public func setHostPoliteness(host: String, delay: TimeInterval?, concurrency: Int?) throws {
        _ = try call("/v1/hosts/politeness", API.Politeness(host: host, delay: delay, concurrency: concurrency), as: Empty.self)
    }
}
