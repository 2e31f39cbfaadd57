import Dispatch
import Model
import Queue
import Synchronization

/// Runs one page's parse at a time on a lane of its own and waits at most `limit` for it.
///
/// libxml2 and the extractor cannot be interrupted, so a page over its time is abandoned: it
/// goes on running on its old lane until it ends (input is bounded, so it does end), its result
/// is dropped, and the next page gets a new lane. The worker loop never waits longer than the
/// limit for a page.
final class PageDeadline: @unchecked Sendable {
    let limit: Duration
    /// Touched only by the worker loop's thread.
    private var lane = PageDeadline.makeLane()
    /// Pages abandoned and still running.
    let abandonedRunning = Atomic<Int>(0)

    init(limit: Duration) {
        self.limit = limit
    }

    /// `work`'s result, or nil when it took longer than the limit.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T? {
        PoolGuard.willBlock()
        let page = PageRun<T>()
        lane.async { [self] in
            if page.finish(work()) { abandonedRunning.subtract(1, ordering: .relaxed) }
        }
        let (seconds, attoseconds) = limit.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        if page.finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success {
            return page.result()
        }
        if let late = page.abandon() { return late }  // it finished just as the wait ran out
        abandonedRunning.add(1, ordering: .relaxed)
        lane = Self.makeLane()
        return nil
    }

    private static func makeLane() -> DispatchQueue {
        DispatchQueue(label: "wireroom.parser.page", qos: .userInitiated)
    }
}

/// One page's run: its result once there, and whether the worker stopped waiting for it.
private final class PageRun<T: Sendable>: Sendable {
    let finished = DispatchSemaphore(value: 0)
    private let state = Mutex<(result: T?, abandoned: Bool)>((nil, false))

    /// Records the result; true when the page had been abandoned by then.
    func finish(_ result: T) -> Bool {
        defer { finished.signal() }
        return state.withLock { state in
            state.result = result
            return state.abandoned
        }
    }

    func result() -> T? { state.withLock { $0.result } }

    /// Marks the page abandoned unless its result came in meanwhile (then that is returned).
    func abandon() -> T? {
        state.withLock { state in
            if state.result == nil { state.abandoned = true }
            return state.result
        }
    }
}
