import CCurl
import Foundation
import Glibc

/// One transfer in flight: the easy handle, what the callbacks collect, and who waits for it.
///
/// `@unchecked Sendable`: created by the caller, handed to the engine thread once (under the
/// engine's lock), and from then on touched only by that thread and libcurl's callbacks on it.
final class Transfer: @unchecked Sendable {
    let request: FetchRequest
    let configuration: FetchConfiguration
    let continuation: CheckedContinuation<Result<FetchResponse, FetchFailure>, Never>
    let handle: UnsafeMutableRawPointer
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private var headerList: UnsafeMutablePointer<curl_slist>?
    var body = Data()
    var bodySize = 0
    var headers: [(name: String, value: String)] = []
    var exceededCap = false
    var truncated = false
    var rawRequestHead = Data()
    var rawResponseHead = Data()
    var refusedAddress: (address: String, scope: String)?
    let started = Date()

    init(request: FetchRequest, configuration: FetchConfiguration,
         continuation: CheckedContinuation<Result<FetchResponse, FetchFailure>, Never>) {
        self.request = request
        self.configuration = configuration
        self.continuation = continuation
        handle = curl_easy_init()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
    }

    /// Sets every option; the transfer's own address is the callbacks' context.
    func configure() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        let seconds = { (value: TimeInterval) in Int(value * 1000) }
        wr_easy_setopt_string(handle, CURLOPT_URL, request.url)
        wr_easy_setopt_pointer(handle, CURLOPT_PRIVATE, context)
        wr_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, &errorBuffer)
        wr_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        wr_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        wr_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        if let proxy = configuration.proxy {
            // Redirects are followed by the engine, which checks each target's address first.
            wr_easy_setopt_string(handle, CURLOPT_PROXY, proxy)
        } else {
            wr_easy_setopt_string(handle, CURLOPT_PROXY, "")  // "": no proxy, whatever the environment says
            wr_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        }
        wr_easy_setopt_long(handle, CURLOPT_MAXREDIRS, configuration.maxRedirects)
        wr_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, seconds(configuration.connectTimeout))
        wr_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, seconds(configuration.totalTimeout))
        wr_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond)
        wr_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, Int(configuration.lowSpeedTime))
        if request.truncateAt == nil {
            wr_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxBodyBytes))
        }
        wr_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        wr_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        wr_easy_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        wr_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, transferWrite)
        wr_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        wr_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, transferHeader)
        wr_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        wr_easy_setopt_opensocket(handle, transferOpenSocket)
        if configuration.keepRawHeads {
            wr_easy_setopt_debug(handle, transferDebug)
            wr_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, context)
            wr_easy_setopt_long(handle, CURLOPT_VERBOSE, 1)  // the debug callback only runs in verbose mode
        }
        wr_easy_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context)
        var extra: [String] = []
        // Validators come from the queue (another machine's worker, an older database): one with
        // a control character would inject headers, and is not sent.
        if let etag = request.ifNoneMatch.flatMap(FetchWorker.headerSafe) { extra.append("If-None-Match: \(etag)") }
        if let date = request.ifModifiedSince.flatMap(FetchWorker.headerSafe) { extra.append("If-Modified-Since: \(date)") }
        for line in extra { headerList = curl_slist_append(headerList, line) }
        if headerList != nil { wr_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList) }
    }

    /// The outcome once libcurl reports the transfer done with `code`.
    func outcome(code: CURLcode) -> Result<FetchResponse, FetchFailure> {
        if let refused = refusedAddress { return .failure(.privateAddressRefused(address: refused.address, scope: refused.scope)) }
        if exceededCap || (code == CURLE_FILESIZE_EXCEEDED && request.truncateAt == nil) {
            return .failure(.tooLarge(limit: configuration.maxBodyBytes))
        }
        if code == CURLE_TOO_MANY_REDIRECTS { return .failure(.redirectLimit(configuration.maxRedirects)) }
        guard code == CURLE_OK || truncated else {
            let message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(.from(code: code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message))
        }
        var status = 0
        var effectiveURL: UnsafePointer<CChar>?
        var address: UnsafePointer<CChar>?
        var version = 0
        wr_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        wr_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effectiveURL)
        wr_easy_getinfo_string(handle, CURLINFO_PRIMARY_IP, &address)
        wr_easy_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
        return .success(FetchResponse(
            status: status, finalURL: effectiveURL.map { String(cString: $0) } ?? request.url, headers: headers,
            body: body, bodySize: bodySize, connectedAddress: address.map { String(cString: $0) } ?? "",
            seconds: Date().timeIntervalSince(started),
            httpVersion: version == CURL_HTTP_VERSION_2_0 ? "2" : "1.1",
            rawRequestHead: configuration.keepRawHeads ? rawRequestHead : nil,
            rawResponseHead: configuration.keepRawHeads ? rawResponseHead : nil))
    }

    static func from(_ context: UnsafeMutableRawPointer) -> Transfer {
        Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    }
}

/// Body bytes (already decoded): kept up to the cap; past it the transfer is aborted.
private func transferWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Transfer.from(context)
    let length = size * count
    if let limit = transfer.request.truncateAt, transfer.bodySize + length > limit {
        let kept = limit - transfer.bodySize
        transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: kept)
        transfer.bodySize = limit
        transfer.truncated = true
        return 0  // ends the transfer; `outcome` reports the kept part as the body
    }
    guard transfer.bodySize + length <= transfer.configuration.maxBodyBytes else {
        transfer.exceededCap = true
        return 0
    }
    transfer.bodySize += length
    if transfer.configuration.keepBodies { transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length) }
    return length
}

/// Header lines; a status line starts a new response (after a redirect), so only the final one's headers remain.
private func transferHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Transfer.from(context)
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    if transfer.configuration.keepRawHeads {
        if bytes.starts(with: "HTTP/".utf8) { transfer.rawResponseHead.removeAll() }
        transfer.rawResponseHead.append(contentsOf: bytes)
    }
    if bytes.starts(with: "HTTP/".utf8) {
        transfer.headers.removeAll()
    } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
        let name = String(decoding: trimmed(bytes[..<colon]), as: UTF8.self)
        let value = String(decoding: trimmed(bytes[(colon + 1)...]), as: UTF8.self)
        transfer.headers.append((name, value))
        // Size the body buffer once instead of growing it chunk by chunk (page faults, copies).
        if transfer.configuration.keepBodies, FetchResponse.sameHeaderName(name, "Content-Length"),
           let length = Int(value), length > 0 {
            transfer.body.reserveCapacity(min(length, transfer.configuration.maxBodyBytes))
        }
    }
    return length
}

/// `bytes` without leading and trailing spaces, tabs, CR and LF.
private func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
    let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
        return bytes[bytes.startIndex..<bytes.startIndex]
    }
    return bytes[first...last]
}

/// Opens the socket for the address libcurl is about to connect to — unless the policy refuses it.
private func transferOpenSocket(_ context: UnsafeMutableRawPointer?, _ purpose: curlsocktype,
                                _ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
    guard let context, let address else { return -1 }
    let transfer = Transfer.from(context)
    let socketAddress = UnsafeRawPointer(address).advanced(by: MemoryLayout<curl_sockaddr>.offset(of: \.addr)!)
    guard let (scope, text) = AddressPolicy.describe(socketAddress) else { return -1 }
    // Through a proxy the only address connected is the proxy's, which the operator named;
    // targets were checked before the request (`FetchEngine.fetch`).
    guard transfer.configuration.proxy != nil || transfer.configuration.addressPolicy.allows(scope) else {
        transfer.refusedAddress = (text, scope.rawValue)
        return -1
    }
    return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
}

/// Verbose-mode callback: keeps the last request head libcurl sent (each redirect replaces it).
private func transferDebug(_ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?,
                           _ size: Int, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard type == CURLINFO_HEADER_OUT, let data, let context else { return 0 }
    let transfer = Transfer.from(context)
    transfer.rawRequestHead = Data(bytes: data, count: size)
    return 0
}
