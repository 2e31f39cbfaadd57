import Foundation
import Logging
import Model
import Queue
import QueueWire
import Testing
import TestSupport
import WorkerSupport

/// The coordinator's HTTP API through the real client: served in-process where only the API is under test,
/// by a real `coordinator serve` process where the process is (its busy timeout, its metrics).
@Suite("Coordinator API", .serialized)
struct APITests {
    /// A queue file with two fetch jobs, on two hosts so one lease can take both.
    static func queueWithTwoJobs(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("queue.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: path)
        _ = try queue.add(["http://127.0.0.1:9/a", "http://localhost:9/b"])
        return path
    }

    /// The documented operations: (method, path, example request body or nil).
    static func documentedOperations() throws -> [(method: String, path: String, example: Data?, operation: [String: Any])] {
        let document = try openAPIDocument()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return try paths.sorted { $0.key < $1.key }.flatMap { path, operations in
            try operations.map { method, value in
                let operation = try #require(value as? [String: Any])
                let content = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
                let example = try content?["example"].map { try JSONSerialization.data(withJSONObject: $0) }
                return (method.uppercased(), path, example, operation)
            }
        }
    }

    static func openAPIDocument() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func stages(_ database: String) throws -> [String: [String: Int]] {
        try JobQueue.open(at: database).stats().stages
    }

    @Test("/healthz needs no token; every other endpoint answers 401 without the right one, and nothing changes")
    func authentication() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory)) { server in
            let before = try Self.stages(server.database)
            #expect(try await server.client(anonymous: true).request(method: "GET", path: "/healthz", body: nil).status == 200)
            let operations = try Self.documentedOperations().filter { $0.path != "/healthz" }
            #expect(operations.count == 17, "the server has 17 authenticated routes; each must be documented")
            for (method, path, example, _) in operations {
                for client in [try server.client(anonymous: true), try server.client(token: "wrong-token-0123456789"), try server.client(token: server.token + "x")] {
                    let answer = try await client.request(method: method, path: path, body: example)
                    #expect(answer.status == 401, "\(method) \(path)")
                    #expect(String(decoding: answer.body, as: UTF8.self).contains("bearer token"))
                }
            }
            #expect(try Self.stages(server.database) == before)
        }
    }

    @Test("a queue file another process holds locked past the busy timeout is answered 503 with Retry-After, then served once the lock goes")
    func busyDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CoordinatorServer(database: try Self.queueWithTwoJobs(in: directory), directory: directory,
                                           extraArguments: ["--busy-timeout", "0.2"])
        let lease = Data(#"{"stage":"fetch","worker":"w","limit":5,"leaseSeconds":60}"#.utf8)
        // Another process takes the write lock and keeps it until its stdin closes.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()
            """, server.database]
        let (input, output) = (Pipe(), Pipe())
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("locked"))
        let busy = try server.client().send(method: "POST", path: "/v1/lease", body: lease)
        #expect(busy.status == 503)
        #expect(busy.retryAfter == 2)
        #expect(String(decoding: busy.body, as: UTF8.self).contains("stayed locked by other processes"))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        let served = try server.client().send(method: "POST", path: "/v1/lease", body: lease)
        #expect(served.status == 200)
        #expect(try Self.stages(server.database)["fetch"]?["leased"] == 2)
    }

    @Test("hostile URLs in /v1/enqueue and in a completion's discovered links are refused; the server stays up")
    func hostileURLs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory)) { server in
            let client = try server.client()
            let enqueue = #"{"urls":[{"url":"http://[fe80::1%25eth0]/"},{"url":"http://[a b]/"},{"url":"http://[%41]/"}]}"#
            let answer = try await client.request(method: "POST", path: "/v1/enqueue", body: Data(enqueue.utf8))
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            #expect(String(decoding: answer.body, as: UTF8.self).components(separatedBy: "invalid host").count == 4)

            let remote = RemoteQueue(client: client, logger: Logger(label: "test"))
            let job = try #require(try await remote.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 60).first)
            let settlements = try await remote.complete([Completion(jobID: job.id, leaseToken: job.leaseToken, followOns: [
                .discovered(url: "http://[::1%25lo]/", kind: .page, priority: 0), .discovered(url: "http://[a b]/x", kind: .feed, priority: 0),
            ])])
            #expect(settlements == [.accepted])
            #expect(try await client.request(method: "GET", path: "/healthz", body: nil).status == 200, "the server is still up")
            #expect(try Self.stages(server.database)["fetch"]?["done"] == 1)
        }
    }

    @Test("out-of-range politeness and robots records are refused naming the field; host names are normalized; a huge priority names its field")
    func rangesAndHostNames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory)) { server in
            let client = try server.client()
            let cases: [(String, String, Int, String)] = [
                ("/v1/hosts/politeness", #"{"host":"example.org","delay":1e308}"#, 400, "host delay must be 0 to 86400"),
                ("/v1/hosts/politeness", #"{"host":"example.org","concurrency":100000}"#, 400, "host concurrency must be 1 to 1000"),
                ("/v1/hosts/politeness", #"{"host":"[a b]","delay":1}"#, 400, "invalid host"),
                ("/v1/robots/store", #"{"host":"exa mple.org","status":200,"body":""}"#, 400, "invalid host"),
                ("/v1/robots/store", #"{"host":"example.org","status":7,"body":""}"#, 400, "status must be 100 to 599"),
                ("/v1/enqueue", #"{"urls":[{"url":"https://example.org/a","priority":1e20}]}"#, 400, "priority"),
            ]
            for (path, body, status, message) in cases {
                let answer = try await client.request(method: "POST", path: path, body: Data(body.utf8))
                #expect(answer.status == status, "\(path) \(body)")
                #expect(String(decoding: answer.body, as: UTF8.self).contains(message), "\(path): \(String(decoding: answer.body, as: UTF8.self))")
            }
            let stored = try await client.request(method: "POST", path: "/v1/robots/store", body: Data(#"{"host":"Example.ORG:80","status":200,"body":"VXNlci1hZ2VudDogKgo="}"#.utf8))
            #expect(stored.status == 200)
            #expect(try JobQueue.open(at: server.database).robots(host: "example.org")?.status == 200, "stored under the normalized host")
        }
    }

    @Test("completing or failing someone else's lease, or an expired one, is 409 and changes nothing")
    func conflicts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock(Date())
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory), clock: clock) { server in
            let logger = Logger(label: "test")
            let remote = RemoteQueue(client: try server.client(), logger: logger)
            let mine = try #require(try await remote.lease(stage: .fetch, worker: "a", limit: 1, leaseSeconds: 60).first)
            let theirs = try #require(try await remote.lease(stage: .fetch, worker: "b", limit: 1, leaseSeconds: 1).first)
            let before = try Self.stages(server.database)

            let client = try server.client()
            let stolen = API.Complete(completions: [Completion(jobID: theirs.id, leaseToken: mine.leaseToken)])
            let answer = try await client.request(method: "POST", path: "/v1/complete", body: try WireCoding.encoder().encode(stolen))
            #expect(answer.status == 409)
            #expect(try WireCoding.decoder().decode(API.Settlements.self, from: answer.body).settlements == [.staleLease])
            let failure = JobFailure(errorClass: "timeout", message: "test", retryable: true)
            #expect(try await remote.fail([FailedAttempt(jobID: theirs.id, leaseToken: mine.leaseToken, failure: failure)]) == [.staleLease])
            #expect(try Self.stages(server.database) == before)

            clock.advance(1.5)  // `theirs` expires
            #expect(try await remote.complete([Completion(jobID: theirs.id, leaseToken: theirs.leaseToken)]) == [.staleLease])
            #expect(try await remote.fail([FailedAttempt(jobID: theirs.id, leaseToken: theirs.leaseToken, failure: failure)]) == [.staleLease])
            #expect(try await remote.extend(jobIDs: [theirs.id], leaseToken: theirs.leaseToken, leaseSeconds: 60).isEmpty)
            #expect(try Self.stages(server.database) == before)

            // The rightful holder is still answered.
            #expect(try await remote.complete([Completion(jobID: mine.id, leaseToken: mine.leaseToken)]) == [.accepted])
        }
    }

    @Test("the OpenAPI document and the server agree: each documented example is answered with a documented status and shape")
    func openAPIContract() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory)) { server in
            let document = try Self.openAPIDocument()
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            let client = try server.client()
            for (method, path, example, operation) in try Self.documentedOperations() {
                #expect(method == "GET" || example != nil, "\(method) \(path) has no example request")
                let answer = try await client.request(method: method, path: path, body: example)
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                let documented = try #require(responses[String(answer.status)], "\(method) \(path) answered \(answer.status), not documented")
                guard let schema = (documented["content"] as? [String: Any])?["application/json"].flatMap({ ($0 as? [String: Any])?["schema"] as? [String: Any] })
                else { continue }
                let resolved = (schema["$ref"] as? String).flatMap { schemas[String($0.split(separator: "/").last!)] } ?? schema
                let object = try #require(try JSONSerialization.jsonObject(with: answer.body, options: .fragmentsAllowed) as? [String: Any], "\(path)")
                for key in resolved["required"] as? [String] ?? [] {
                    #expect(object[key] != nil, "\(method) \(path): no \(key) in \(String(decoding: answer.body, as: UTF8.self))")
                }
                if resolved["additionalProperties"] as? Bool == false, let properties = resolved["properties"] as? [String: Any] {
                    #expect(Set(object.keys).isSubset(of: Set(properties.keys)), "\(method) \(path): undocumented keys")
                }
            }
        }
    }

    @Test("/metrics exports the queue's figures and the API's request counts and latencies in Prometheus' text format")
    func metrics() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CoordinatorServer(database: try Self.queueWithTwoJobs(in: directory), directory: directory)
        let client = try server.client()
        let lease = API.Lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 60)
        #expect(try client.send(method: "POST", path: "/v1/lease", body: try WireCoding.encoder().encode(lease)).status == 200)
        #expect(try client.send(method: "GET", path: "/metrics", body: nil).status == 200)  // the first scrape's request is counted by the next
        let answer = try client.send(method: "GET", path: "/metrics", body: nil)
        let text = String(decoding: answer.body, as: UTF8.self)
        for line in [
            #"wireroom_jobs{stage="fetch",state="queued"} 1.0"#, #"wireroom_jobs{stage="fetch",state="leased"} 1.0"#,
            #"wireroom_live_workers{stage="fetch"} 0.0"#, "# TYPE wireroom_oldest_queued_seconds gauge",
            #"hb_requests{http_route="/v1/lease",http_request_method="POST",http_response_status_code="200"} 1"#,
            #"http_server_request_duration_bucket{http_route="/v1/lease""#,
        ] {
            #expect(text.contains(line), "no \(line) in /metrics")
        }
    }

    @Test("a remote worker's round trip: lease, extend, complete with a payload follow-on, then the next stage leases the payload")
    func remoteRoundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await InProcessCoordinator.serving(try Self.queueWithTwoJobs(in: directory)) { server in
            let remote = RemoteQueue(client: try server.client(), logger: Logger(label: "test"))
            try await remote.registerWorker(id: "fetcher-remote", stage: .fetch, hostname: "elsewhere", pid: 1)
            let jobs = try await remote.lease(stage: .fetch, worker: "fetcher-remote", limit: 10, leaseSeconds: 60)
            #expect(jobs.count == 2)
            #expect(try await remote.extend(jobIDs: jobs.map(\.id), leaseToken: jobs[0].leaseToken, leaseSeconds: 120).sorted() == jobs.map(\.id).sorted())
            let page = Data("<html><body><p>Body bytes, \u{0} and all 256 values survive base64.</p></body></html>".utf8) + Data((0...255).map { UInt8($0) })
            let payload = Payload(metadata: Data(#"{"status":200}"#.utf8), body: page)
            let settlements = try await remote.complete([
                Completion(jobID: jobs[0].id, leaseToken: jobs[0].leaseToken, followOns: [
                    .next(.parse, payload: payload), .discovered(url: "http://127.0.0.1:9/c", kind: .page, priority: 1),
                ]),
            ])
            #expect(settlements == [.accepted])
            #expect(try await remote.release(jobIDs: [jobs[1].id], leaseToken: jobs[1].leaseToken) == [jobs[1].id])
            let parse = try #require(try await remote.lease(stage: .parse, worker: "parser-remote", limit: 10, leaseSeconds: 60).first)
            #expect(parse.payload == payload)
            #expect(try JobQueue.open(at: server.database).stats().liveWorkers["fetch"] == 1)
            try await remote.unregisterWorker(id: "fetcher-remote")
            try await remote.storeRobots(host: "example.org", status: 200, body: Data("User-agent: *\nDisallow: /x\n".utf8))
            #expect(try await remote.robots(host: "example.org")?.body == Data("User-agent: *\nDisallow: /x\n".utf8))
            #expect(try await remote.robots(host: "unknown.example") == nil)
            try await remote.setHostPoliteness(host: "example.org", delay: 3, concurrency: nil)
            #expect(try await remote.hostDelay(host: "example.org") == 3)
            try await remote.recordBlocks([HostBlocks(host: "example.org", fingerprints: [42])])
            #expect(try await remote.boilerplate(hosts: ["example.org"]).isEmpty)  // one page is not a pattern
        }
    }

}
