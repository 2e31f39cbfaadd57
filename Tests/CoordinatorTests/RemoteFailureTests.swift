import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
import WorkerSupport

/// What a remote worker does when the coordinator fails: the same as on the file queue — retry
/// what passes, give up on what does not, never wedge, always stop on SIGTERM.
@Suite("Remote workers when the coordinator fails", .serialized)
struct RemoteFailureTests {
    static func requests(_ server: LocalServer) throws -> Int {
        return Int(String(decoding: try server.get("/count"), as: UTF8.self)) ?? -1
    }

    static func tokenFile(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("token")
        try Data("remote-failure-token-0123456789".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a coordinator that answers 500 to everything: the request is tried a bounded number of times, then thrown")
    func boundedServerErrors() async throws {
        let coordinator = try LocalServer.fixture("failing_coordinator.py", arguments: ["--status", "500"])
        let remote = RemoteQueue(client: try CoordinatorClient(baseURL: coordinator.url(""), token: "remote-failure-token-0123456789"),
                                 logger: Logger(label: "test"), backoff: Backoff(base: 0.05, maximum: 0.1), maxServerErrors: 3)
        await #expect(throws: CoordinatorClient.Failure.self) { try await remote.lease(stage: .parse, worker: "w", limit: 1, leaseSeconds: 60) }
        #expect(try Self.requests(coordinator) == 3)
    }

    @Test("a parser whose coordinator answers 500, 503 or nothing at all goes on trying and stops promptly on SIGTERM", arguments: [
        ["--status", "500"], ["--status", "503", "--retry-after", "30"], [],
    ])
    func stopsDuringOutage(mode: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let coordinator = try mode.isEmpty ? nil : LocalServer.fixture("failing_coordinator.py", arguments: mode)
        let closedPort = try LocalServer.freePort()
        let url = coordinator?.url("") ?? "http://127.0.0.1:\(closedPort)"
        let log = directory.path("parser.log")
        let logText = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let parser = try BackgroundProduct("parser", ["run", "--coordinator", url, "--token-file", try Self.tokenFile(in: directory)],
                                           output: .log(log))
        // Two failed calls retried (one where the coordinator asks for 30 s), then still running.
        let retries = mode.contains("--retry-after") ? 1 : 2
        try waitUntil(30, "\(retries) retried coordinator calls") {
            logText().components(separatedBy: "coordinator call failed; retrying").count > retries
        }
        #expect(parser.process.isRunning, "the worker did not exit on the coordinator's trouble: \(logText())")
        let stopped = parser.terminate()
        #expect(stopped.seconds < 5, "SIGTERM took \(stopped.seconds) s")
        #expect(stopped.status == 0, "\(logText())")
    }

    @Test("a remote fetcher keeps its requests within the coordinator's body limit; a page too large for any request is dead, with its class")
    func bodyLimit() throws {
        let site = try LocalServer.fixture("site_server.py")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.path("queue.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: database)
        _ = try queue.add((1...40).map { site.url("/article/\($0)") } + [site.url("/big?bytes=150000")])
        let server = try CoordinatorServer(database: database, directory: directory, extraArguments: ["--max-body-bytes", "65536"])
        let run = try runProduct("fetcher", ["run", "--coordinator", server.url, "--token-file", server.tokenFile, "--allow-loopback",
                                             "--exit-when-idle"])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(try queue.count(.parse, .queued) == 40)
        let big = try #require(try queue.jobs(matching: JobFilter(stage: .fetch)).first { $0.url.contains("/big") })
        #expect(big.state == .dead && big.lastError?.hasPrefix("too-large-for-api:") == true, "\(big.lastError ?? "")")
        #expect(try queue.count(.fetch, .leased) == 0)
    }
}
