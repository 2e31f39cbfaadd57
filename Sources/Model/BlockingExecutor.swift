import Dispatch
import Synchronization

/// Runs blocking work — an SQLite transaction that may wait out the busy timeout, a libcurl
/// easy transfer — on a dispatch queue of its own and suspends the caller meanwhile, so the
/// cooperative pool's threads (one per core) stay free for the tasks of the process.
public struct BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    /// `concurrent`: calls may run side by side (readers of a WAL database); otherwise they run
    /// one after the other, in the order they came.
    public init(label: String, concurrent: Bool = false) {
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: concurrent ? .concurrent : [])
    }

    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}

/// Catches blocking calls made from a worker loop's tasks, which run on the cooperative pool.
///
/// Worker loops run with a `watch` set; a task-local does not follow work handed to a dispatch
/// queue, so a blocking primitive (an SQLite transaction, a coordinator request, a page parse
/// waiting on its deadline, a WARC file write) that still sees it was called on the pool, not
/// through a `BlockingExecutor`, and is counted there. The tests that run workers in-process
/// check that `PoolWatch.workers` counted none.
public enum PoolGuard {
    @TaskLocal public static var watch: PoolWatch?

    /// Runs a worker loop under the watch already set (a test's), else `PoolWatch.workers`.
    public static func watchingWorkerLoop<Result>(_ loop: () async throws -> Result) async rethrows -> Result {
        try await $watch.withValue(watch ?? PoolWatch.workers) { try await loop() }
    }

    /// Called by every blocking primitive before it blocks.
    public static func willBlock() {
        watch?.record()
    }
}

/// Counts the blocking calls made under it (`PoolGuard`).
public final class PoolWatch: Sendable {
    /// The watch every worker loop of the process runs under.
    public static let workers = PoolWatch()

    private let count = Atomic<Int>(0)

    public init() {}

    public var blockingCalls: Int { count.load(ordering: .relaxed) }

    func record() { count.add(1, ordering: .relaxed) }
}
