import Dispatch
import Foundation
import Glibc

/// The address policy for transfers through a proxy. libcurl's connection hook then sees only
/// the proxy's address, so the target's host is resolved here and every address it has is
/// checked before the request goes out (the proxy resolves it again; a name that changes its
/// answer in between is the proxy's to refuse).
enum ProxyTargetCheck {
    /// Nil when `url` may be fetched; else why not.
    static func refusal(for url: String, policy: AddressPolicy) async -> FetchFailure? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return .other("not a URL: \(url)")
        }
        guard scheme == "http" || scheme == "https" else { return .schemeRefused("\(scheme):// in \(url)") }
        guard var host = components.host, !host.isEmpty else { return .other("no host in \(url)") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let name = host
        return await withCheckedContinuation { continuation in
            // getaddrinfo blocks; it must not hold a thread of Swift's cooperative pool.
            DispatchQueue.global().async { continuation.resume(returning: check(host: name, policy: policy)) }
        }
    }

    private static func check(host: String, policy: AddressPolicy) -> FetchFailure? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else { return .dns("cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let address = current.pointee.ai_addr, let (scope, text) = AddressPolicy.describe(UnsafeRawPointer(address)),
               !policy.allows(scope) {
                return .privateAddressRefused(address: text, scope: scope.rawValue)
            }
            entry = current.pointee.ai_next
        }
        return nil
    }
}
