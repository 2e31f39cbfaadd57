import Foundation

/// What a fetched page carries to the parse stage: this is the payload metadata of a parse job;
/// the payload body is the page as fetched (decoded transfer encoding, original charset).
public struct FetchedPage: Codable, Sendable, Equatable {
    public var status: Int
    public var finalURL: String
    public var contentType: String?
    public var charset: String?
    /// Headers a parser or a later conditional GET needs (ETag, Last-Modified, Content-Language, …).
    public var headers: [String: String]
    public var fetchedAt: Date

    public init(status: Int, finalURL: String, contentType: String?, charset: String?, headers: [String: String], fetchedAt: Date) {
        self.status = status
        self.finalURL = finalURL
        self.contentType = contentType
        self.charset = charset
        self.headers = headers
        self.fetchedAt = fetchedAt
    }
}
