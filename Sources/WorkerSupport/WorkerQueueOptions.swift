import ArgumentParser
import Foundation
import Logging
import Model
import Queue

/// How every stage worker reaches the queue — `--db PATH` (the SQLite file, on the same
/// machine) or `--coordinator URL --token-file F` (the coordinator's HTTP API, from anywhere) —
/// and `--worker-id`.
public struct WorkerQueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file (workers on the coordinator's machine).", valueName: "path"))
    public var db: String?

    @Option(name: .long, help: ArgumentHelp("The coordinator's API (`coordinator serve`), e.g. http://10.0.0.5:8470 (default: $WIREROOM_COORDINATOR).", valueName: "url"))
    public var coordinator: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API's bearer token (default: $WIREROOM_TOKEN_FILE, else $WIREROOM_TOKEN).", valueName: "path"))
    public var tokenFile: String?

    @Option(name: .long, help: "This worker's name in `coordinator stats` (default: STAGE-HOST-PID).")
    public var workerID: String?

    @Option(name: .long, help: ArgumentHelp(
        "How long a lease lasts before the queue hands the job to another worker; heartbeats extend it during long work (default: per stage).",
        valueName: "seconds"))
    public var leaseSeconds: Double?

    public init() {}

    public func validate() throws {
        if db != nil && coordinator != nil { throw ValidationError("give either --db (the queue file) or --coordinator (its API), not both") }
        if coordinator == nil && tokenFile != nil { throw ValidationError("--token-file is for --coordinator") }
        if let leaseSeconds, !(leaseSeconds >= 1 && leaseSeconds <= 86_400) {
            throw ValidationError("--lease-seconds must be 1 to 86400, got \(leaseSeconds)")
        }
    }

    public var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    /// The worker's name: the one given, else `stage-host-pid`.
    public func workerName(stage: String) -> String {
        workerID ?? "\(stage)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }

    /// The queue as the options say: the coordinator's API (`--coordinator`, else
    /// `$WIREROOM_COORDINATOR` unless `--db` is given), or the database file.
    public func openQueue(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any QueueSeams {
        guard let coordinator = coordinator ?? (db == nil ? environment["WIREROOM_COORDINATOR"].flatMap { $0.isEmpty ? nil : $0 } : nil) else {
            return FileQueue(try JobQueue.open(at: databasePath))
        }
        let token = try APIToken.read(file: tokenFile, environment: environment)
        logger.info("queue through the coordinator's API", metadata: ["coordinator": "\(coordinator)"])
        return RemoteQueue(client: try CoordinatorClient(baseURL: coordinator, token: token), logger: logger)
    }
}

/// The coordinator API's bearer token, as server and workers read it: from a file (first line,
/// surrounding whitespace dropped), `$WIREROOM_TOKEN_FILE`, or `$WIREROOM_TOKEN`.
public enum APIToken {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let path = file ?? environment["WIREROOM_TOKEN_FILE"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw Missing(description: "cannot read the token file \(path)") }
            let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard token.count >= 16 else { throw Missing(description: "the token in \(path) is shorter than 16 characters") }
            return token
        }
        if let token = environment["WIREROOM_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw Missing(description: "$WIREROOM_TOKEN is shorter than 16 characters") }
            return token
        }
        throw Missing(description: "no API token: give --token-file, or set WIREROOM_TOKEN_FILE or WIREROOM_TOKEN")
    }
}
