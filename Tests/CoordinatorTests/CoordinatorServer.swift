import Foundation
import Model
import Queue
import TestSupport
import WorkerSupport

/// `coordinator serve` as a process of its own on a free loopback port, over a queue file; killed
/// when the test drops it. `restart()` kills it (SIGKILL: a crash) and starts it again on the
/// same port and file.
final class CoordinatorServer: @unchecked Sendable {
    let port: Int
    let token = "test-token-" + UUID().uuidString
    let database: String
    let tokenFile: String
    private let extraArguments: [String]
    private var process: BackgroundProduct?

    init(database: String, directory: TemporaryDirectory, extraArguments: [String] = []) throws {
        self.database = database
        self.extraArguments = extraArguments
        tokenFile = directory.path("token")
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        port = try LocalServer.freePort()
        try start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        process = try BackgroundProduct("coordinator", ["serve", "--db", database, "--listen", "127.0.0.1:\(port)", "--token-file", tokenFile]
                                        + extraArguments)
        try LocalServer.waitUntilListening(port: port)
    }

    func stop(signal: Int32) {
        process?.stop(signal: signal)
    }

    func restart() throws {
        stop(signal: SIGKILL)
        try start()
    }

    /// A client sending `token` (the server's by default; nil sends none).
    func client(token: String? = nil, anonymous: Bool = false) throws -> CoordinatorClient {
        try CoordinatorClient(baseURL: url, token: anonymous ? nil : (token ?? self.token))
    }
}
