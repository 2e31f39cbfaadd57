/// The three stages a URL passes through, in order.
///
/// A job belongs to one stage; completing it may enqueue jobs of the next stage
/// (fetch → parse → store) in the same transaction.
public enum Stage: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case fetch
    case parse
    case store

    public var description: String { rawValue }
}

/// Where a job is in its life.
///
/// `queued` jobs are ready now. `scheduled` (a future re-poll) and `retry`
/// (waiting out a backoff) become `queued` when their `not_before` time comes.
/// `done` and `dead` are final; a dead job keeps its last error and can be
/// sent back with `coordinator retry`.
public enum JobState: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case queued
    case scheduled
    case leased
    case retry
    case done
    case dead

    public var description: String { rawValue }
}

/// What a URL is believed to point at; `auto` lets the parser decide from the response.
public enum URLKind: String, Sendable, Codable, CaseIterable {
    case auto
    case page
    case feed
    case sitemap
    /// A site's home or section page to discover from (`coordinator add --discover`): the feeds
    /// it advertises, the sitemaps of its host's robots.txt and the articles it links to are
    /// followed, and it is read again on the feed schedule.
    case source
}
