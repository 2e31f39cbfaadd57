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

/// What a parse job hands the store stage besides the article itself (the payload body, JSON).
public struct ParsedPage: Codable, Sendable, Equatable {
    public var finalURL: String
    public var fetchedAt: Date

    public init(finalURL: String, fetchedAt: Date) {
        self.finalURL = finalURL
        self.fetchedAt = fetchedAt
    }
}

/// What a page is: an article, or a page that lists articles (a front page, a section or tag
/// page), or something else (too little text to tell).
public enum PageKind: String, Codable, Sendable {
    case article, listing, other
}

/// An extracted article: clean body text and metadata. The body of a store job's payload (JSON).
public struct Article: Codable, Sendable, Equatable {
    public var url: String?
    public var title: String?
    public var authors: [String]
    public var published: String?
    public var modified: String?
    public var language: String?
    /// The body: paragraphs, headings, quotes separated by a blank line; list items one per line.
    public var text: String
    public var canonicalURL: String?
    public var siteName: String?
    public var description: String?
    public var image: String?
    public var tags: [String]
    /// The encoding the page was read as.
    public var encoding: String
    /// Which method found the body (`article`, `gentle`, `json-ld`, `headline`): a debugging aid.
    public var bodySource: String
    /// Whether the page is an article; listing pages are not stored as articles.
    public var pageKind: PageKind
    public var provenance: [String: String]

    public init(url: String?, title: String?, authors: [String], published: String?, modified: String?, language: String?,
                text: String, canonicalURL: String?, siteName: String?, description: String?, image: String?, tags: [String],
                encoding: String, bodySource: String, pageKind: PageKind, provenance: [String: String]) {
        self.url = url
        self.title = title
        self.authors = authors
        self.published = published
        self.modified = modified
        self.language = language
        self.text = text
        self.canonicalURL = canonicalURL
        self.siteName = siteName
        self.description = description
        self.image = image
        self.tags = tags
        self.encoding = encoding
        self.bodySource = bodySource
        self.pageKind = pageKind
        self.provenance = provenance
    }
}
