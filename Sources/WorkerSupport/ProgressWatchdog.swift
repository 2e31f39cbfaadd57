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
    /// Whether READY=1 was sent, and when WATCHDOG=1 was last sent.
    private let state = Mutex<(ready: Bool, lastSent: ContinuousClock.Instant?)>((false, nil))

    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// Called once the process has told systemd it is ready (`SystemdService`): systemd's
    /// watchdog runs from then on, so progress before it is not reported — a worker loop that
    /// starts first would otherwise send WATCHDOG=1 ahead of READY=1.
    public func markReady() {
        state.withLock { $0.ready = true }
    }

    /// Marks progress; tells systemd the worker is alive if it has not heard so lately.
    public func progress() {
        guard let interval = notifier.watchdogInterval, notifier.isActive else { return }
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard state.ready, state.lastSent.map({ now - $0 >= .seconds(interval / 2) }) ?? true else { return false }
            state.lastSent = now
            return true
        }
        if due { notifier.notify("WATCHDOG=1") }
    }
}
