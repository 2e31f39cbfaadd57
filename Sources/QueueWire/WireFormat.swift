import Foundation
import Model

/// The JSON form of the queue's types on the coordinator's HTTP API (`docs/openapi.json`).
/// Dates are seconds since 1970; payload bodies and metadata are base64 (`Data`'s default).
/// Server and client use these coders, so both sides agree by construction.
public enum WireCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}

/// The request and response bodies of the coordinator's HTTP API, one per endpoint
/// (`docs/openapi.json` describes them; `coordinator serve` answers them, `RemoteQueue` sends them).
public enum API {
    public struct RegisterWorker: Codable, Sendable {
        public var id: String
        public var stage: Stage
        public var hostname: String
        public var pid: Int
        public init(id: String, stage: Stage, hostname: String, pid: Int) {
            (self.id, self.stage, self.hostname, self.pid) = (id, stage, hostname, pid)
        }
    }

    public struct WorkerID: Codable, Sendable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    public struct Lease: Codable, Sendable {
        public var stage: Stage
        public var worker: String
        public var limit: Int
        public var leaseSeconds: TimeInterval
        public init(stage: Stage, worker: String, limit: Int, leaseSeconds: TimeInterval) {
            (self.stage, self.worker, self.limit, self.leaseSeconds) = (stage, worker, limit, leaseSeconds)
        }
    }

    public struct Jobs: Codable, Sendable {
        public var jobs: [LeasedJob]
        public init(jobs: [LeasedJob]) { self.jobs = jobs }
    }

    public struct Extend: Codable, Sendable {
        public var jobIDs: [Int64]
        public var leaseToken: String
        public var leaseSeconds: TimeInterval
        public init(jobIDs: [Int64], leaseToken: String, leaseSeconds: TimeInterval) {
            (self.jobIDs, self.leaseToken, self.leaseSeconds) = (jobIDs, leaseToken, leaseSeconds)
        }
    }

    public struct Release: Codable, Sendable {
        public var jobIDs: [Int64]
        public var leaseToken: String
        public init(jobIDs: [Int64], leaseToken: String) { (self.jobIDs, self.leaseToken) = (jobIDs, leaseToken) }
    }

    /// The ids still held (extend) or given back (release).
    public struct JobIDs: Codable, Sendable {
        public var jobIDs: [Int64]
        public init(jobIDs: [Int64]) { self.jobIDs = jobIDs }
    }

    public struct Complete: Codable, Sendable {
        public var completions: [Completion]
        public init(completions: [Completion]) { self.completions = completions }
    }

    public struct Settlements: Codable, Sendable {
        public var settlements: [Settlement]
        public init(settlements: [Settlement]) { self.settlements = settlements }
    }

    public struct Fail: Codable, Sendable {
        public var failures: [FailedAttempt]
        public init(failures: [FailedAttempt]) { self.failures = failures }
    }

    public struct Enqueue: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var url: String
            public var kind: URLKind?
            public var priority: Int?
            public init(url: String, kind: URLKind? = nil, priority: Int? = nil) { (self.url, self.kind, self.priority) = (url, kind, priority) }
        }
        public var urls: [Item]
        public init(urls: [Item]) { self.urls = urls }
    }

    /// One line per offered URL: `added` with the job, `known`, or `invalid` with the reason.
    public struct Enqueued: Codable, Sendable {
        public struct Outcome: Codable, Sendable {
            public var input: String
            public var outcome: String
            public var jobID: Int64?
            public var reason: String?
            public init(input: String, outcome: String, jobID: Int64? = nil, reason: String? = nil) {
                (self.input, self.outcome, self.jobID, self.reason) = (input, outcome, jobID, reason)
            }
        }
        public var outcomes: [Outcome]
        public init(outcomes: [Outcome]) { self.outcomes = outcomes }
    }

    public struct Hosts: Codable, Sendable {
        public var hosts: [String]
        public init(hosts: [String]) { self.hosts = hosts }
    }

    public struct Boilerplate: Codable, Sendable {
        public var fingerprints: [String: [Int64]]
        public init(fingerprints: [String: [Int64]]) { self.fingerprints = fingerprints }
    }

    public struct RecordBlocks: Codable, Sendable {
        public struct Page: Codable, Sendable {
            public var host: String
            public var fingerprints: [Int64]
            public init(host: String, fingerprints: [Int64]) { (self.host, self.fingerprints) = (host, fingerprints) }
        }
        public var pages: [Page]
        public init(pages: [Page]) { self.pages = pages }
    }

    public struct Host: Codable, Sendable {
        public var host: String
        public init(host: String) { self.host = host }
    }

    /// `robots` is null (not left out) for a host without one.
    public struct Robots: Codable, Sendable {
        public var robots: RobotsRecord?
        public init(robots: RobotsRecord?) { self.robots = robots }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(robots, forKey: .robots)
        }
    }

    public struct StoreRobots: Codable, Sendable {
        public var host: String
        public var status: Int
        public var body: Data
        public init(host: String, status: Int, body: Data) { (self.host, self.status, self.body) = (host, status, body) }
    }

    /// `delay` is null (not left out) for an unknown host.
    public struct HostDelay: Codable, Sendable {
        public var delay: TimeInterval?
        public init(delay: TimeInterval?) { self.delay = delay }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(delay, forKey: .delay)
        }
    }

    public struct Politeness: Codable, Sendable {
        public var host: String
        public var delay: TimeInterval?
        public var concurrency: Int?
        public init(host: String, delay: TimeInterval?, concurrency: Int?) { (self.host, self.delay, self.concurrency) = (host, delay, concurrency) }
    }

    /// The body of every 4xx/5xx answer.
    public struct Problem: Codable, Sendable {
        public var error: String
        public init(error: String) { self.error = error }
    }
}
