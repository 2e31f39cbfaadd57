import Foundation
import Synchronization

/// The systemd watchdog (`WatchdogSec=`) fed by a worker's own progress: the worker loop calls
/// `progress()` each time it gets through something (a lease, a page, a transfer, an idle pause)
/// and that sends `WATCHDOG=1`, at most every half of the interval systemd allows. A timer would
/// keep a stuck worker looking alive forever; this way a loop that stops moving is restarted.
public final class ProgressWatchdog: Sendable {
    /// The process's watchdog, from systemd's environment (inactive outside systemd).
    public static let shared = ProgressWatchdog(notifier: SystemdNotifier())

    private let notifier: SystemdNotifier
    private let lastSent = Mutex<ContinuousClock.Instant?>(nil)

    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// Marks progress; tells systemd the worker is alive if it has not heard so lately.
    public func progress() {
        guard let interval = notifier.watchdogInterval, notifier.isActive else { return }
        let now = ContinuousClock.now
        let due = lastSent.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(interval / 2) }) ?? true else { return false }
            last = now
            return true
        }
        if due { notifier.notify("WATCHDOG=1") }
    }
}
