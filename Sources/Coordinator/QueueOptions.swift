import ArgumentParser
import Foundation
import Queue

/// The options every command that touches the queue shares.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The queue database file.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "Durability of commits: normal survives a killed process, full also a power cut (slower).",
        valueName: "normal|full"))
    var durability: QueueConfiguration.Durability = .normal

    var databasePath: String { db ?? QueueLocation.defaultDatabasePath() }

    /// Opens the queue; `creating` only for commands that may start a new one (`add`).
    func open(creating: Bool = false) throws -> JobQueue {
        var configuration = QueueConfiguration()
        configuration.durability = durability
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
