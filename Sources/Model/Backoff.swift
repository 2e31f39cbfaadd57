import Foundation

/// Exponential backoff with jitter: `base · 2^(attempt−1)`, capped, then scaled by a random
/// factor in [0.5, 1] so that jobs that failed together do not retry together.
public struct Backoff: Sendable {
    public var base: TimeInterval
    public var maximum: TimeInterval

    public init(base: TimeInterval, maximum: TimeInterval) {
        self.base = base
        self.maximum = maximum
    }

    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let capped = min(maximum, base * pow(2, exponent))
        return capped * (0.5 + 0.5 * random)
    }
}
