import Foundation

/// Limits and identity every transfer of an engine shares.
public struct FetchConfiguration: Sendable {
    public var addressPolicy = AddressPolicy.publicOnly
    public var connectTimeout: TimeInterval = 10
    public var totalTimeout: TimeInterval = 60
    /// Abort when slower than `lowSpeedBytesPerSecond` for `lowSpeedTime` seconds (tarpits).
    public var lowSpeedBytesPerSecond = 100
    public var lowSpeedTime: TimeInterval = 15
    /// The largest body kept, counted after content decoding (so a gzip bomb stops too).
    public var maxBodyBytes = 10 * 1024 * 1024
    public var maxRedirects = 10
    public var userAgent = "WireroomBot/0.1 (+https://github.com/wireroom/wireroom)"
    /// Transfers in flight at once in one engine.
    public var maxTransfers = 64
    /// Keep bodies (false only for measuring the engine alone).
    public var keepBodies = true
    /// Keep the request and response heads as sent and received (for WARC records).
    public var keepRawHeads = false
    /// The one proxy transfers go through (`--proxy`), or nil for none. libcurl's own proxy
    /// variables (`http_proxy`, `ALL_PROXY`, …) are never read: through a proxy the connection
    /// check sees only the proxy, so with one the engine resolves each target itself and checks
    /// the address policy before every request and redirect (`FetchEngine.fetch`).
    public var proxy: String?

    public init() {}
}

/// One URL to fetch, with optional validators for a conditional GET.
public struct FetchRequest: Sendable {
    public var url: String
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    /// Keep only this many body bytes and end the transfer there, as a success (robots.txt is
    /// read up to 500 KiB); nil applies the engine's cap, past which the fetch fails.
    public var truncateAt: Int?

    public init(url: String, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil, truncateAt: Int? = nil) {
        self.url = url
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.truncateAt = truncateAt
    }
}

/// A completed HTTP exchange (any status; the caller classifies 4xx/5xx).
public struct FetchResponse: Sendable {
    public var status: Int
    public var finalURL: String
    /// Headers of the final response, in order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Bytes received after decoding (also when bodies are not kept).
    public var bodySize: Int
    public var connectedAddress: String
    public var seconds: Double
    public var httpVersion: String
    /// The final request's head as sent, and the final response's status line and header lines
    /// as received (CRLF-terminated), when `keepRawHeads` is set.
    public var rawRequestHead: Data?
    public var rawResponseHead: Data?

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { Self.sameHeaderName($0.name, name) }?.value
    }

    /// ASCII case-insensitive equality (header names are ASCII); Foundation's locale-aware
    /// comparison showed up in the worker's profile.
    static func sameHeaderName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
}
