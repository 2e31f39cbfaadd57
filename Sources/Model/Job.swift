import Foundation

/// A job handed to a worker under a lease.
///
/// The worker must present `leaseToken` to complete, fail, extend or release it. If the
/// lease expires first, the job goes back to the queue and the token stops working.
public struct LeasedJob: Sendable, Equatable, Codable {
    public var id: Int64
    /// The identity of the queue file the job is in (`JobQueue.identity`): with `id`, the key
    /// that names this job across queue files.
    public var queueID: String
    public var stage: Stage
    public var url: String
    public var host: String
    public var kind: URLKind
    public var priority: Int
    /// 1 on the first try; a lease that expired, or a failure of the crawler's own
    /// (`JobQueue.uncountedErrorClasses`), gives its try back.
    public var attempt: Int
    public var leaseToken: String
    public var leaseExpiresAt: Date
    /// What the previous stage handed on (a fetched page, an extracted article); nil for fetch jobs.
    public var payload: Payload?
    /// What the last successful fetch of this URL answered, for a conditional GET.
    public var validators: URLValidators?

    /// A lease as the queue hands it out.
    package init(id: Int64, queueID: String, stage: Stage, url: String, host: String, kind: URLKind, priority: Int, attempt: Int,
                 leaseToken: String, leaseExpiresAt: Date, payload: Payload?, validators: URLValidators?) {
        (self.id, self.queueID, self.stage, self.url, self.host, self.kind) = (id, queueID, stage, url, host, kind)
        (self.priority, self.attempt, self.leaseToken, self.leaseExpiresAt) = (priority, attempt, leaseToken, leaseExpiresAt)
        (self.payload, self.validators) = (payload, validators)
    }
}

/// `ETag` and `Last-Modified` of a URL's last successful fetch: a re-fetch sends them back
/// (`If-None-Match`, `If-Modified-Since`) and an unchanged page costs a `304` instead of a body.
public struct URLValidators: Sendable, Equatable, Codable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Data passed from one stage to the next: a body (stored compressed) and its
/// metadata as JSON (status, final URL and headers for a page; fields for an article).
public struct Payload: Sendable, Equatable {
    public var metadata: Data
    public var body: Data {
        didSet { stored = nil }
    }
    /// The body as it will be stored (compressed), when prepared ahead of the write transaction.
    private(set) var stored: StoredBody?

    package struct StoredBody: Sendable, Equatable {
        package var compressed: Data
        package var size: Int
    }

    public init(metadata: Data, body: Data) {
        self.metadata = metadata
        self.body = body
    }

    /// Compresses the body now, on the caller's thread, so that completing the job later only
    /// writes bytes: the queue's write lock is not held while compressing, and a worker can
    /// compress on all its cores.
    public mutating func prepareForStorage() throws {
        stored = StoredBody(compressed: try PayloadCompression.compress(body), size: body.count)
    }

    /// Two payloads are equal when they carry the same data, prepared or not.
    public static func == (lhs: Payload, rhs: Payload) -> Bool {
        lhs.metadata == rhs.metadata && lhs.body == rhs.body
    }

    /// The stored form, computed now unless prepared before.
    package func storedBody() throws -> StoredBody {
        try stored ?? StoredBody(compressed: PayloadCompression.compress(body), size: body.count)
    }

    /// Encodes `metadata` as JSON.
    public init(metadata: some Encodable, body: Data) throws {
        self.init(metadata: try JSONEncoder().encode(metadata), body: body)
    }

    /// Decodes the metadata as `type`.
    public func decodeMetadata<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: metadata)
    }
}

/// A job that completing another creates, in the same transaction.
public enum FollowOn: Sendable, Equatable {
    /// The next stage of the same URL (fetch → parse, parse → store), carrying what it needs.
    case next(Stage, payload: Payload)
    /// A newly discovered URL (from a feed, sitemap or page), subject to the seen-set.
    case discovered(url: String, kind: URLKind, priority: Int)
    /// The same URL fetched again later (a feed re-poll), even though it has been seen; the
    /// wait becomes the URL's polling interval.
    case refetch(at: Date)
    /// The URL answered `304 Not Modified`. If it is polled (a feed or `--discover` source read
    /// before), its next reading is scheduled, each time it stays unchanged twice as late as the
    /// last (up to a day); the next change brings back the interval `refetch` set.
    case unchanged
}

/// Why a job failed, as the worker classified it.
public struct JobFailure: Error, Sendable, Equatable, Codable {
    /// A short, stable class such as `timeout`, `http-5xx`, `parse-error`; stats group by it.
    public var errorClass: String
    /// What happened, for a human (may name the URL, status, limit).
    public var message: String
    /// Whether trying again later may succeed. Final failures go straight to `dead`.
    public var retryable: Bool
    /// A server-requested wait (`Retry-After`); used instead of the computed backoff, and at
    /// most `JobQueue.maximumRetryAfter`. For fetch jobs it also holds back a whole host:
    /// `retryAfterHost` (the host that answered, after redirects), else the job's.
    public var retryAfter: TimeInterval?
    public var retryAfterHost: String?

    public init(errorClass: String, message: String, retryable: Bool, retryAfter: TimeInterval? = nil, retryAfterHost: String? = nil) {
        self.errorClass = errorClass
        self.message = message
        self.retryable = retryable
        self.retryAfter = retryAfter
        self.retryAfterHost = retryAfterHost
    }
}

/// The result of offering a job's outcome to the queue.
public enum Settlement: Sendable, Equatable {
    case accepted
    /// The lease was lost; the work is discarded and the job is, or will be, run by someone else.
    case staleLease
}

/// One job's outcome in a batch of completions.
public struct Completion: Sendable, Equatable, Codable {
    public var jobID: Int64
    public var leaseToken: String
    public var followOns: [FollowOn]
    /// For fetch jobs: the validators to keep for the URL's next fetch (nil keeps the old ones).
    public var validators: URLValidators?
    /// For parse jobs of article pages: what the extraction found, for the host's health figures.
    public var extraction: ExtractionOutcome?

    public init(jobID: Int64, leaseToken: String, followOns: [FollowOn] = [], validators: URLValidators? = nil,
                extraction: ExtractionOutcome? = nil) {
        self.jobID = jobID
        self.leaseToken = leaseToken
        self.followOns = followOns
        self.validators = validators
        self.extraction = extraction
    }
}
