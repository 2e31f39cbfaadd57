import CCurl
import Foundation
import Synchronization

/// Many transfers in one process through libcurl's multi interface: one thread drives every
/// transfer (non-blocking I/O, connection reuse, HTTP/2 multiplexing); callers just `await`.
///
/// ```swift
/// let engine = FetchEngine(configuration: config)
/// switch await engine.fetch(FetchRequest(url: "https://example.org/")) { … }
/// engine.shutdown()
/// ```
///
/// `@unchecked Sendable`: the multi handle and every transfer are confined to the engine thread;
/// other threads only append to `incoming` (under its lock) and call `curl_multi_wakeup`, which
/// libcurl documents as safe from any thread.
public final class FetchEngine: @unchecked Sendable {
    public let configuration: FetchConfiguration
    /// The multi handle; touched by the engine thread, and by others only through `curl_multi_wakeup`.
    private let multi: UnsafeMutableRawPointer
    private let incoming = Mutex<(transfers: [Transfer], stopping: Bool)>(([], false))
    private let stopped = DispatchSemaphore(value: 0)

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    public init(configuration: FetchConfiguration) {
        _ = Self.globalInit
        self.configuration = configuration
        multi = curl_multi_init()
        wr_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        wr_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTransfers)
        let thread = Thread { [self] in run() }
        thread.name = "wireroom-fetch-engine"
        thread.start()
    }

    /// Fetches one URL. Never throws: the result is the response (any HTTP status) or why it failed.
    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure> {
        guard configuration.proxy != nil else { return await transfer(request) }
        // Through a proxy: each hop's target checked first, redirects followed here.
        var hop = request
        for _ in 0...configuration.maxRedirects {
            if let refusal = await ProxyTargetCheck.refusal(for: hop.url, policy: configuration.addressPolicy) { return .failure(refusal) }
            let result = await transfer(hop)
            guard case .success(let response) = result, [301, 302, 303, 307, 308].contains(response.status),
                  let location = response.header("Location"),
                  let next = URL(string: location, relativeTo: URL(string: response.finalURL))?.absoluteString
            else { return result }
            hop = FetchRequest(url: next, truncateAt: request.truncateAt)
        }
        return .failure(.redirectLimit(configuration.maxRedirects))
    }

    /// One transfer through the engine thread (libcurl follows redirects itself unless proxied).
    private func transfer(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure> {
        await withCheckedContinuation { continuation in
            let transfer = Transfer(request: request, configuration: configuration, continuation: continuation)
            let accepted = incoming.withLock { state -> Bool in
                guard !state.stopping else { return false }
                state.transfers.append(transfer)
                return true
            }
            if accepted {
                curl_multi_wakeup(multi)
            } else {
                continuation.resume(returning: .failure(.other("fetch engine is shut down")))
            }
        }
    }

    /// Lets the transfers in flight finish, refuses new ones, and stops the engine thread.
    public func shutdown() {
        incoming.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        stopped.wait()
    }

    /// The engine thread: admit new transfers up to the limit, drive I/O, hand back results.
    private func run() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        var waiting: [Transfer] = []
        while true {
            let (arrived, stopping) = incoming.withLock { state in
                defer { state.transfers.removeAll() }
                return (state.transfers, state.stopping)
            }
            waiting += arrived
            while active.count < configuration.maxTransfers, !waiting.isEmpty {
                let transfer = waiting.removeFirst()
                transfer.configure()
                active[transfer.handle] = transfer
                curl_multi_add_handle(multi, transfer.handle)
            }
            if stopping && active.isEmpty && waiting.isEmpty { break }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: handle) else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                transfer.continuation.resume(returning: transfer.outcome(code: code))
            }
            if active.isEmpty && waiting.isEmpty && !stopping {
                curl_multi_poll(multi, nil, 0, 1000, nil)
            } else if !active.isEmpty {
                curl_multi_poll(multi, nil, 0, 100, nil)
            }
        }
        curl_multi_cleanup(multi)
        stopped.signal()
    }
}
