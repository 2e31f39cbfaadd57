import Foundation
import Model

/// How a polled URL that keeps answering `304 Not Modified` is read less often: each unchanged
/// answer doubles the wait, up to a day (or the URL's own interval, if that is longer). A feed
/// that changes hourly is then read about hourly whatever its base, and a dormant one once a day.
enum PollBackoff {
    static let ceiling: TimeInterval = 86_400

    static func next(after interval: TimeInterval, base: TimeInterval) -> TimeInterval {
        min(max(interval, base, 1) * 2, max(base, ceiling))
    }
}
