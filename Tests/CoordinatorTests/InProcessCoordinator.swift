import Foundation
import Hummingbird
import HummingbirdTesting
import Queue
import TestSupport
import WorkerSupport
@testable import Coordinator

/// The coordinator's API served in-process on a loopback port (HummingbirdTesting's live mode):
/// for tests of the API itself, through the real client, without starting a server process.
/// Tests of the process — its flags, signals, busy timeout, metrics bootstrap — use `CoordinatorServer`.
struct InProcessCoordinator: Sendable {
    let database: String
    let token: String
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }

    /// Serves the API over the queue file at `database` while `body` runs; the queue tells time
    /// by `clock` when one is given (a test then moves lease expiry by hand).
    static func serving(_ database: String, clock: ManualClock? = nil, maxBodyBytes: Int = 8 << 20,
                        _ body: @Sendable (InProcessCoordinator) async throws -> Void) async throws {
        let token = "in-process-token-" + UUID().uuidString
        var configuration = QueueConfiguration()
        if let clock { configuration.clock = { clock.now } }
        let queue = try JobQueue.open(at: database, configuration: configuration)
        let api = QueueAPI(queue: queue, token: token, maxBodyBytes: maxBodyBytes,
                           metrics: QueueMetrics(articleStorePath: nil, thresholds: HealthThresholds()))
        try await Application(router: api.router()).test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            try await body(InProcessCoordinator(database: database, token: token, port: port))
        }
    }

    private init(database: String, token: String, port: Int) {
        (self.database, self.token, self.port) = (database, token, port)
    }

    /// A client sending `token` (the server's by default; `anonymous` sends none).
    func client(token: String? = nil, anonymous: Bool = false) throws -> CoordinatorClient {
        try CoordinatorClient(baseURL: url, token: anonymous ? nil : (token ?? self.token))
    }
}
