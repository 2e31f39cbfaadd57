import CCurl
import Foundation
import Model
import Queue

/// An HTTP/JSON client for the coordinator's API, on one libcurl easy handle (so the connection
/// is kept alive between calls). Calls are serialized: a worker's queue calls are few and
/// batched. `request` suspends the caller while the transfer runs on a thread of the client's
/// own; `send` blocks its caller (scripts and tests).
///
/// Unlike the fetcher's engine, it has no address policy: the coordinator's URL is the
/// operator's configuration, not crawled input. It never uses a proxy.
public final class CoordinatorClient: @unchecked Sendable {
    /// What went wrong with one call: the transport (no answer) or the answer's status.
    public enum Failure: Error, CustomStringConvertible {
        case transport(String)
        case status(Int, String)

        public var description: String {
            switch self {
            case .transport(let message): "coordinator unreachable: \(message)"
            case .status(let status, let message): "coordinator answered \(status): \(message)"
            }
        }
    }

    public let baseURL: String
    private let authorization: String?
    private let timeout: TimeInterval
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer
    private let transfers = BlockingExecutor(label: "wireroom.coordinator-client")

    /// `baseURL` such as `http://10.0.0.5:8470`; `token` is the bearer token (nil: none, for
    /// `/healthz`).
    public init(baseURL: String, token: String?, timeout: TimeInterval = 60) throws {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw Failure.transport("coordinator URL must be http:// or https:// with a host, got \(baseURL)")
        }
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authorization = token.map { "Authorization: Bearer \($0)" }
        self.timeout = timeout
        guard let handle = curl_easy_init() else { throw Failure.transport("libcurl could not make a handle") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// One request, no retry, off the caller's thread: the status and body of the answer, and
    /// its `Retry-After` in seconds if it had one. Throws `.transport` when no answer came.
    public func request(method: String, path: String, body: Data?) async throws -> Answer {
        try await transfers.run { try self.send(method: method, path: path, body: body) }
    }

    /// An answer: its status, body and `Retry-After` in seconds.
    public typealias Answer = (status: Int, body: Data, retryAfter: TimeInterval?)

    /// `request`, blocking the calling thread.
    public func send(method: String, path: String, body: Data?) throws -> Answer {
        PoolGuard.willBlock()
        lock.lock()
        defer { lock.unlock() }
        curl_easy_reset(handle)
        let response = ResponseBuffer()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Content-Type: application/json")
        if let authorization { headers = curl_slist_append(headers, authorization) }
        headers = curl_slist_append(headers, "Expect:")  // no 100-continue round trip for large bodies
        defer { curl_slist_free_all(headers) }
        let context = Unmanaged.passUnretained(response).toOpaque()
        wr_easy_setopt_string(handle, CURLOPT_URL, baseURL + path)
        wr_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, &errorBuffer)
        wr_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        wr_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        // Never through a proxy from the environment (http_proxy, ALL_PROXY): the bearer token
        // would go to it in clear.
        wr_easy_setopt_string(handle, CURLOPT_PROXY, "")
        wr_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        wr_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        wr_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        wr_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers)
        wr_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        wr_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, clientWrite)
        wr_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        let code = (body ?? Data()).withUnsafeBytes { bytes -> CURLcode in
            if body != nil, let start = bytes.baseAddress {
                wr_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                wr_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: start))
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw Failure.transport("\(baseURL)\(path): \(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)")
        }
        var status = 0
        wr_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var retryAfter: curl_off_t = 0
        wr_easy_getinfo_off(handle, CURLINFO_RETRY_AFTER, &retryAfter)
        return (status, response.data, retryAfter > 0 ? TimeInterval(retryAfter) : nil)
    }
}

/// The body of an answer, collected by libcurl's write callback.
private final class ResponseBuffer {
    var data = Data()
}

private func clientWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue().data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
    return size * count
}
