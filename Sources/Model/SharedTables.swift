import Foundation

/// A host's robots.txt as last fetched.
public struct RobotsRecord: Sendable, Equatable, Codable {
    public var status: Int
    public var body: Data
    public var fetchedAt: Date

    public init(status: Int, body: Data, fetchedAt: Date) {
        (self.status, self.body, self.fetchedAt) = (status, body, fetchedAt)
    }
}

/// Boilerplate that only shows across pages: text blocks that recur on many pages of one host
/// ("Share on facebook", a newsletter pitch, the comment-form notice, a photo-credit line) are
/// chrome even where one page alone cannot tell. Parser workers record the fingerprints of the
/// blocks they extract per host here, in the queue database every parser shares, and drop the
/// blocks this table knows as recurring.
///
/// A block is boilerplate once it was on at least `minimumPages` recorded pages of its host and
/// on at least `minimumShare` of them (so a story syndicated to two URLs of a host is not).
/// The table stays bounded: every page is recorded while a host has fewer than `fullRecording`
/// recorded pages, then one page in `sampleEvery`; blocks seen once are forgotten after
/// `singletonLifetime`.
public struct BoilerplatePolicy: Sendable {
    public var minimumPages = 3
    public var minimumShare = 0.1
    public var fullRecording = 100
    public var sampleEvery = 10
    public var singletonLifetime: TimeInterval = 86_400

    public init() {}
}
