import Foundation
import Logging
import Model
import Queue
import QueueWire

/// The queue reached through the coordinator's HTTP API (`coordinator serve`): what a worker on
/// another machine uses in place of `FileQueue`, behind the same seams (`QueueSeams`).
///
/// A coordinator that cannot be reached, or answers 503 (busy, disk full, restarting), is
/// waited for with backoff (503's `Retry-After` honoured) for as long as it takes, unless the
/// process is asked to stop (graceful shutdown of its service group, or task cancellation):
/// then `WorkerStopped` is thrown and the leases in
/// hand expire, their jobs going back to the queue. Any other 5xx is tried `maxServerErrors`
/// times and then thrown, so one deterministic server error cannot wedge a worker; the worker
/// loop then goes on as it does after a failed batch on the file queue. Re-submitting is safe:
/// a completion the coordinator already recorded comes back as a stale lease. A 4xx answer is
/// the request's fault and is thrown at once with the coordinator's message; 409 is a lost lease.
///
/// Completions are sent in requests of at most `maxRequestBytes`; a coordinator whose
/// `--max-body-bytes` is lower (413) gets smaller ones, and a single completion too large for
/// any request is recorded as that job's failure (`too-large-for-api`).
public final class RemoteQueue: QueueSeams {
    private let client: CoordinatorClient
    private let logger: Logger
    private let backoff: Backoff
    /// Tries of a request the coordinator answers with 500 (or another 5xx but 503).
    public let maxServerErrors: Int
    /// The largest completion request sent, bytes of JSON.
    public let maxRequestBytes: Int

    public init(client: CoordinatorClient, logger: Logger, backoff: Backoff = Backoff(base: 0.5, maximum: 30),
                maxServerErrors: Int = 5, maxRequestBytes: Int = 64 << 20) {
        self.client = client
        self.logger = logger
        self.backoff = backoff
        self.maxServerErrors = maxServerErrors
        self.maxRequestBytes = maxRequestBytes
    }

    /// POSTs `request` to `path` until an answer comes; returns the status and decoded body
    /// of a 2xx or 409 answer.
    private func call<Response: Decodable>(_ path: String, _ request: some Encodable, as type: Response.Type) async throws -> (status: Int, body: Response) {
        try await call(path, body: try WireCoding.encoder().encode(request), as: type)
    }

    private func call<Response: Decodable>(_ path: String, body: Data, as type: Response.Type) async throws -> (status: Int, body: Response) {
        var attempt = 0
        var serverErrors = 0
        while true {
            attempt += 1
            let answer: CoordinatorClient.Answer
            do {
                answer = try await client.request(method: "POST", path: path, body: body)
            } catch let failure as CoordinatorClient.Failure {
                try await wait(backoff.delay(afterAttempt: attempt), attempt: attempt, path: path, reason: failure.description)
                continue
            }
            switch answer.status {
            case 200..<300, 409:
                do {
                    return (answer.status, try WireCoding.decoder().decode(Response.self, from: answer.body))
                } catch {
                    throw CoordinatorClient.Failure.status(answer.status, "unreadable answer to \(path): \(error)")
                }
            case 503:
                let delay = answer.retryAfter.map { min(max($0, 0.1), 60) } ?? backoff.delay(afterAttempt: attempt)
                try await wait(delay, attempt: attempt, path: path, reason: "status 503: \(Self.problem(answer.body))")
            case 500..<600:
                serverErrors += 1
                guard serverErrors < maxServerErrors else {
                    throw CoordinatorClient.Failure.status(answer.status, "\(path) failed \(serverErrors) times: \(Self.problem(answer.body))")
                }
                try await wait(backoff.delay(afterAttempt: attempt), attempt: attempt, path: path, reason: "status \(answer.status): \(Self.problem(answer.body))")
            default:
                throw CoordinatorClient.Failure.status(answer.status, Self.problem(answer.body))
            }
        }
    }

    private static func problem(_ body: Data) -> String {
        (try? WireCoding.decoder().decode(API.Problem.self, from: body))?.error ?? String(decoding: body.prefix(300), as: UTF8.self)
    }

    /// Sleeps `delay` and throws `WorkerStopped` as soon as the worker is asked to stop.
    private func wait(_ delay: TimeInterval, attempt: Int, path: String, reason: String) async throws {
        logger.warning("coordinator call failed; retrying", metadata: [
            "path": "\(path)", "attempt": "\(attempt)", "reason": "\(reason)", "retry_in_s": "\(String(format: "%.1f", delay))",
        ])
        guard await StopRequest.sleep(for: delay) else { throw WorkerStopped() }
    }

    /// An answer without a body of interest (the coordinator answers `{}`).
    private struct Empty: Codable {}

    public func registerWorker(id: String, stage: Stage, hostname: String, pid: Int) async throws {
        _ = try await call("/v1/workers/register", API.RegisterWorker(id: id, stage: stage, hostname: hostname, pid: pid), as: Empty.self)
    }

    public func workerHeartbeat(id: String) async throws {
        _ = try await call("/v1/workers/heartbeat", API.WorkerID(id: id), as: Empty.self)
    }

    public func unregisterWorker(id: String) async throws {
        _ = try await call("/v1/workers/unregister", API.WorkerID(id: id), as: Empty.self)
    }

    public func lease(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) async throws -> [LeasedJob] {
        try await call("/v1/lease", API.Lease(stage: stage, worker: worker, limit: limit, leaseSeconds: leaseSeconds), as: API.Jobs.self).body.jobs
    }

    public func extend(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) async throws -> [Int64] {
        try await call("/v1/extend", API.Extend(jobIDs: jobIDs, leaseToken: leaseToken, leaseSeconds: leaseSeconds), as: API.JobIDs.self).body.jobIDs
    }

    public func release(jobIDs: [Int64], leaseToken: String) async throws -> [Int64] {
        try await call("/v1/release", API.Release(jobIDs: jobIDs, leaseToken: leaseToken), as: API.JobIDs.self).body.jobIDs
    }

    public func complete(_ completions: [Completion]) async throws -> [Settlement] {
        guard !completions.isEmpty else { return [] }
        let encoder = WireCoding.encoder()
        let encoded = try completions.map { try encoder.encode($0) }
        var settlements: [Settlement] = []
        var start = 0
        while start < encoded.count {
            var end = start + 1
            var bytes = encoded[start].count
            while end < encoded.count, bytes + encoded[end].count + 1 <= maxRequestBytes {
                bytes += encoded[end].count + 1
                end += 1
            }
            settlements += try await complete(Array(completions[start..<end]), encoded: Array(encoded[start..<end]))
            start = end
        }
        return settlements
    }

    /// One request for `completions`, halved while the coordinator finds it too large (413).
    private func complete(_ completions: [Completion], encoded: [Data]) async throws -> [Settlement] {
        var body = Data(#"{"completions":["#.utf8)
        for (index, completion) in encoded.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(completion)
        }
        body.append(contentsOf: Array("]}".utf8))
        do {
            return try await call("/v1/complete", body: body, as: API.Settlements.self).body.settlements
        } catch CoordinatorClient.Failure.status(413, let message) {
            guard completions.count > 1 else { return [try await failTooLarge(completions[0], bytes: body.count, message: message)] }
            let half = completions.count / 2
            let first = try await complete(Array(completions[..<half]), encoded: Array(encoded[..<half]))
            return try await first + complete(Array(completions[half...]), encoded: Array(encoded[half...]))
        }
    }

    /// A completion no request can carry: the job is failed for good, with the reason.
    private func failTooLarge(_ completion: Completion, bytes: Int, message: String) async throws -> Settlement {
        logger.error("a job's completion is too large for the coordinator; the job is parked as dead",
                     metadata: ["job": "\(completion.jobID)", "bytes": "\(bytes)", "coordinator": "\(message)"])
        let failure = JobFailure(errorClass: "too-large-for-api",
                                 message: "the completion is \(bytes) bytes of JSON, over the coordinator's --max-body-bytes (\(message))",
                                 retryable: false)
        return try await fail([FailedAttempt(jobID: completion.jobID, leaseToken: completion.leaseToken, failure: failure)])[0]
    }

    public func fail(_ failures: [FailedAttempt]) async throws -> [Settlement] {
        guard !failures.isEmpty else { return [] }
        return try await call("/v1/fail", API.Fail(failures: failures), as: API.Settlements.self).body.settlements
    }

    /// The coordinator's boilerplate policy applies; `policy` is for the queue on this machine.
    public func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy) async throws -> [String: Set<Int64>] {
        guard !hosts.isEmpty else { return [:] }
        return try await call("/v1/boilerplate/query", API.Hosts(hosts: hosts.sorted()), as: API.Boilerplate.self).body.fingerprints.mapValues(Set.init)
    }

    public func recordBlocks(_ pages: [HostBlocks], policy: BoilerplatePolicy) async throws {
        guard !pages.isEmpty else { return }
        let request = API.RecordBlocks(pages: pages.map { API.RecordBlocks.Page(host: $0.host, fingerprints: $0.fingerprints.sorted()) })
        _ = try await call("/v1/boilerplate/record", request, as: Empty.self)
    }

    public func robots(host: String) async throws -> RobotsRecord? {
        try await call("/v1/robots/get", API.Host(host: host), as: API.Robots.self).body.robots
    }

    public func storeRobots(host: String, status: Int, body: Data) async throws {
        _ = try await call("/v1/robots/store", API.StoreRobots(host: host, status: status, body: body), as: Empty.self)
    }

    public func hostDelay(host: String) async throws -> TimeInterval? {
        try await call("/v1/hosts/delay", API.Host(host: host), as: API.HostDelay.self).body.delay
    }

    public func setHostPoliteness(host: String, delay: TimeInterval?, concurrency: Int?) async throws {
        _ = try await call("/v1/hosts/politeness", API.Politeness(host: host, delay: delay, concurrency: concurrency), as: Empty.self)
    }
}
