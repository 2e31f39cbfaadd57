import Foundation
import Model

/// A host's extraction figures over some pages: how many, the shares lacking each part, and the
/// median body length.
public struct ExtractionFigures: Codable, Sendable, Equatable {
    public var pages = 0
    /// Share of pages (0–1) whose body is empty or shorter than `HealthThresholds.shortBody`.
    public var shortBody = 0.0
    public var missingTitle = 0.0
    public var missingPublished = 0.0
    public var missingAuthor = 0.0
    /// Median length of the bodies that are not short (0 when all are): the share of short and
    /// empty bodies is counted above, so the median tells how long the real articles came out.
    public var medianBodyCharacters = 0

    public init() {}
}

/// When a host's extraction counts as broken. The defaults, and why, are in the README
/// ("Extraction health").
public struct HealthThresholds: Sendable, Equatable {
    /// A body shorter than this many characters counts as empty: a teaser, a cookie notice, an
    /// error text. News articles run to thousands.
    public var shortBody = 300
    /// The host's latest pages (within 24 hours) that are compared with its history.
    public var recentPages = 50
    /// The history must hold this many pages (within 7 days, before the recent ones) to compare.
    public var baselinePages = 100
    /// A share that rises by this much (0–1) from history to the recent pages raises the alarm.
    public var rise = 0.3
    /// A median body length that falls below this fraction of the history's raises the alarm.
    public var lengthRatio = 0.5

    public init() {}

    /// Checks each threshold's range; the message names the one that is out of it.
    public func validate() throws {
        guard shortBody >= 0 else { throw QueueError.invalidArgument("the short-body threshold must be 0 or more characters, not \(shortBody)") }
        guard recentPages >= 1, baselinePages >= 1 else {
            throw QueueError.invalidArgument("recent and baseline pages must be at least 1, not \(recentPages) and \(baselinePages)")
        }
        guard rise > 0, rise <= 1 else { throw QueueError.invalidArgument("the alarm's rise must be above 0 and at most 1, not \(rise)") }
        guard lengthRatio > 0, lengthRatio < 1 else {
            throw QueueError.invalidArgument("the alarm's length ratio must be between 0 and 1, not \(lengthRatio)")
        }
    }

    /// Why the recent pages look broken next to the history; empty when they do not.
    public func driftReasons(recent: ExtractionFigures, history: ExtractionFigures) -> [String] {
        guard recent.pages >= recentPages, history.pages >= baselinePages else { return [] }
        var reasons: [String] = []
        let shares: [(String, Double, Double)] = [
            ("short or empty body", history.shortBody, recent.shortBody), ("missing title", history.missingTitle, recent.missingTitle),
            ("missing published date", history.missingPublished, recent.missingPublished),
            ("missing author", history.missingAuthor, recent.missingAuthor),
        ]
        for (name, before, now) in shares where now - before >= rise {
            reasons.append("\(name) \(Self.percent(before)) → \(Self.percent(now))")
        }
        if history.medianBodyCharacters > 0, Double(recent.medianBodyCharacters) < lengthRatio * Double(history.medianBodyCharacters) {
            reasons.append("median body \(history.medianBodyCharacters) → \(recent.medianBodyCharacters) characters")
        }
        return reasons
    }

    public static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}

/// A host's extraction health: its figures over the last 24 hours and 7 days, and the drift
/// alarm's reasons (its latest pages against the rest of its week).
public struct HostHealth: Codable, Sendable, Equatable {
    public var host: String
    public var last24Hours: ExtractionFigures
    public var last7Days: ExtractionFigures
    /// The latest pages, and the pages of the week before them, that the alarm compares.
    public var recent: ExtractionFigures
    public var history: ExtractionFigures
    /// Empty unless the host is in alarm.
    public var alarm: [String]

    public var inAlarm: Bool { !alarm.isEmpty }

    enum CodingKeys: String, CodingKey {
        case host, recent, history, alarm
        case last24Hours = "last_24h", last7Days = "last_7d"
    }
}
