import Foundation
import Hummingbird
import HummingbirdTesting
import Model
import Queue
import Testing
import TestSupport
@testable import Coordinator

/// The API's router answered in-process (HummingbirdTesting): what needs no server process —
/// request validation, authentication — without starting one.
@Suite("Coordinator API, in-process")
struct InProcessAPITests {
    static let token = "in-process-token-0123456789"

    /// The API over a queue of two jobs, with a 64 KiB body limit.
    static func application(in directory: TemporaryDirectory) throws -> (Application<RouterResponder<BasicRequestContext>>, JobQueue) {
        let queue = try JobQueue.open(at: try APITests.queueWithTwoJobs(in: directory))
        let api = QueueAPI(queue: queue, token: token, maxBodyBytes: 65536,
                           metrics: QueueMetrics(articleStorePath: nil, thresholds: HealthThresholds()))
        return (Application(router: api.router()), queue)
    }

    @Test("malformed, out-of-range and oversized requests get 400 or 413 with a message; nothing changes")
    func badRequests() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (app, queue) = try Self.application(in: directory)
        let before = try queue.stats().stages
        let cases: [(String, String, Int, String)] = [
            ("/v1/lease", "not json", 400, "malformed request body"),
            ("/v1/lease", #"{"stage":"fetch"}"#, 400, "missing worker"),
            ("/v1/lease", #"{"stage":"harvest","worker":"w","limit":1,"leaseSeconds":60}"#, 400, "stage"),
            ("/v1/lease", #"{"stage":"fetch","worker":"w","limit":0,"leaseSeconds":60}"#, 400, "limit must be 1 to 1000"),
            ("/v1/lease", #"{"stage":"fetch","worker":"w","limit":5,"leaseSeconds":-1}"#, 400, "leaseSeconds"),
            ("/v1/complete", #"{"completions":[{"jobID":"one"}]}"#, 400, "completions"),
            ("/v1/fail", #"{"failures":[{"jobID":1}]}"#, 400, "failures"),
            ("/v1/enqueue", #"{"urls":"http://example.org"}"#, 400, "urls"),
            ("/v1/lease", String(repeating: " ", count: 100_000) + "{}", 413, "over the limit of 65536 bytes"),
        ]
        try await app.test(.router) { client in
            for (path, body, status, message) in cases {
                try await client.execute(uri: path, method: .post, headers: [.authorization: "Bearer \(Self.token)"],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(Int(response.status.code) == status, "\(path) \(body.prefix(60))")
                    #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/v1/nowhere", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(try queue.stats().stages == before)
    }

    @Test("no token, a wrong one or another scheme is 401 with a message; /healthz needs none")
    func authentication() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (app, _) = try Self.application(in: directory)
        try await app.test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong-token-0123456789"], [.authorization: "Basic \(Self.token)"]] {
                try await client.execute(uri: "/v1/stats", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(headers)")
                    #expect(String(buffer: response.body).contains("error"))
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
