import Foundation
import Model

/// How the queue behaves; built once from flags and environment and passed in.
public struct QueueConfiguration: Sendable {
    /// How much a crash of the machine (not of a process) may cost.
    ///
    /// In WAL mode `normal` syncs the log at checkpoints only: a power cut can roll the
    /// database back by the transactions of the last moments (work is then redone, never
    /// half-applied). A killed process loses nothing either way. `full` syncs every commit
    /// and survives power cuts, at the disk's fsync rate (about 300 commits/s on this disk).
    public enum Durability: String, Sendable, CaseIterable {
        case normal
        case full
    }

    /// Tries before a job is parked as dead. Expired leases and the classes in
    /// `JobQueue.uncountedErrorClasses` do not count as tries.
    public var maxAttempts = 5
    /// Expired leases before a job is parked as dead: one that takes its worker down each time.
    public var maxLeaseExpirations = 10
    /// First retry delay; doubled on each further try, with jitter, up to `retryMaxDelay`.
    public var retryBaseDelay: TimeInterval = 30
    public var retryMaxDelay: TimeInterval = 6 * 3600
    /// How long a fetched page stays after it was parsed: 0 deletes it on completion,
    /// a positive value leaves it for `coordinator purge` to remove once older than that.
    public var payloadRetention: TimeInterval = 0
    /// Politeness for hosts the queue has not seen before.
    public var defaultHostDelay: TimeInterval = 1
    public var defaultHostConcurrency = 1
    /// A worker counts as live while its last heartbeat is younger than this.
    public var workerLiveness: TimeInterval = 60
    /// How long a writer waits for another process's write lock before giving up.
    public var busyTimeout: TimeInterval = 30
    public var durability = Durability.normal
    /// The queue's notion of now; tests move it by hand.
    public var clock: @Sendable () -> Date = { Date() }

    public init() {}
}
