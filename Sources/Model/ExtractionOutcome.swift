import Foundation

/// What the parser made of one article page: the figures a host's extraction health is made of.
public struct ExtractionOutcome: Codable, Sendable, Equatable {
    /// Characters (Unicode scalars) of the extracted body; 0 when none was found.
    public var bodyCharacters: Int
    public var hasTitle: Bool
    public var hasPublished: Bool
    public var hasAuthor: Bool

    public init(bodyCharacters: Int, hasTitle: Bool, hasPublished: Bool, hasAuthor: Bool) {
        self.bodyCharacters = bodyCharacters
        self.hasTitle = hasTitle
        self.hasPublished = hasPublished
        self.hasAuthor = hasAuthor
    }
}
