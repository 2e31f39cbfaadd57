import ArgumentParser
import Foundation
import Model
import Queue

/// The options every command that touches the queue shares.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "Durability of commits: normal survives a killed process, full also a power cut (slower).",
        valueName: "normal|full"))
    var durability: QueueConfiguration.Durability = .normal

    @Option(name: .long, help: ArgumentHelp(
        "How long a write waits for another process's lock on the file before it is answered 'busy' (503 through the API).",
        valueName: "seconds"))
    var busyTimeout: Double = 30

    var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    func validate() throws {
        guard busyTimeout >= 0 && busyTimeout <= 3600 else {
            throw ValidationError("--busy-timeout must be between 0 and 3600 seconds, got \(busyTimeout)")
        }
    }

    /// Opens the queue; `creating` only for commands that may start a new one (`add`).
    func open(creating: Bool = false) throws -> JobQueue {
        var configuration = QueueConfiguration()
        configuration.durability = durability
        configuration.busyTimeout = busyTimeout
        return try JobQueue.open(at: databasePath, creating: creating, configuration: configuration)
    }
}

extension QueueConfiguration.Durability: ExpressibleByArgument {}

extension Stage: ExpressibleByArgument {}

extension JobState: ExpressibleByArgument {}

/// Lets ArgumentParser print our errors' descriptions as the message, and exit non-zero.
extension QueueError: LocalizedError {
    public var errorDescription: String? { description }
}
