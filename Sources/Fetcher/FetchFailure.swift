import CCurl

/// Why a fetch failed, classified the way the queue and `fetcher get` report it.
public enum FetchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case dns(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    /// The body (after decoding) passed the cap.
    case tooLarge(limit: Int)
    case redirectLimit(Int)
    /// A scheme other than http/https, for the request or a redirect.
    case schemeRefused(String)
    case privateAddressRefused(address: String, scope: String)
    case network(String)
    case decoding(String)
    case protocolError(String)
    case http(status: Int)
    case other(String)

    /// The stable class name: `fetcher get` prints it last; stats group by it.
    public var errorClass: String {
        switch self {
        case .dns: "dns"
        case .connect: "connect"
        case .tls: "tls"
        case .timeout: "timeout"
        case .tooLarge: "too-large"
        case .redirectLimit: "redirect-limit"
        case .schemeRefused: "scheme-refused"
        case .privateAddressRefused: "private-address-refused"
        case .network: "network"
        case .decoding: "decoding"
        case .protocolError: "protocol"
        case .http(let status): status >= 500 ? "http-5xx" : "http-4xx"
        case .other: "other"
        }
    }

    /// Whether a later try may succeed: network trouble and server errors yes; policy
    /// refusals, caps, client errors and broken content no (408 and 429 are the exceptions).
    public var retryable: Bool {
        switch self {
        case .dns, .connect, .timeout, .network: true
        case .http(let status): status >= 500 || status == 408 || status == 429
        case .tls, .tooLarge, .redirectLimit, .schemeRefused, .privateAddressRefused, .decoding, .protocolError, .other: false
        }
    }

    public var description: String { "\(errorClass): \(detail)" }

    /// What happened, without the class.
    public var detail: String {
        switch self {
        case .dns(let detail), .connect(let detail), .tls(let detail), .timeout(let detail), .network(let detail),
             .decoding(let detail), .protocolError(let detail), .other(let detail):
            detail
        case .tooLarge(let limit): "body exceeds the \(limit)-byte cap"
        case .redirectLimit(let limit): "more than \(limit) redirects"
        case .schemeRefused(let detail): "\(detail) (only http and https are fetched)"
        case .privateAddressRefused(let address, let scope):
            "\(address) is a \(scope) address (allow with --allow-loopback or --allow-private)"
        case .http(let status): "HTTP \(status)"
        }
    }

    /// Maps a libcurl result code; `message` is libcurl's error buffer.
    static func from(code: CURLcode, message: String) -> FetchFailure {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .dns(message)
        case CURLE_COULDNT_CONNECT: .connect(message)
        case CURLE_OPERATION_TIMEDOUT: .timeout(message)
        case CURLE_TOO_MANY_REDIRECTS: .redirectLimit(-1)
        // libcurl reports both a refused scheme and an answer that is not HTTP/1.x or 2 (a garbage
        // status line reads as HTTP/0.9) with this code; only its message tells them apart.
        case CURLE_UNSUPPORTED_PROTOCOL where message.contains("HTTP/0.9") || message.contains("HTTP version"):
            .protocolError(message)
        case CURLE_UNSUPPORTED_PROTOCOL: .schemeRefused(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH: .tls(message)
        case CURLE_BAD_CONTENT_ENCODING: .decoding(message)
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM: .protocolError(message)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING: .network(message)
        default: .other(message)
        }
    }
}
