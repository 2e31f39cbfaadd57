import CIDN2
import Foundation
import Model

/// Turns a URL as written (in a feed, a link, a user's file) into the one form the
/// frontier keys its seen-set on, or says why it cannot be crawled.
///
/// Two spellings of one resource must map to one key, or the crawler fetches it twice:
/// scheme and host are lower-cased, default ports dropped, dot segments removed, the
/// fragment cut, percent-escapes of unreserved characters decoded, and tracking
/// parameters (`utm_*`, `fbclid`, `gclid`, …) removed. The order of the remaining query
/// parameters is kept: sites may depend on it.
public struct URLNormalizer: Sendable {
    /// A normalized URL and the host it belongs to (the politeness key: host[:port]).
    public struct Normalized: Sendable, Equatable {
        public var url: String
        public var host: String
    }

    /// Why a URL was refused.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(length: Int, limit: Int)
        case malformed
        case unsupportedScheme(String)
        case missingHost
        case invalidHost(String)
        case invalidPort(String)
        case credentials

        public var description: String {
            switch self {
            case .empty: "empty URL"
            case .tooLong(let length, let limit): "URL is \(length) characters long; the limit is \(limit)"
            case .malformed: "not a valid URL"
            case .unsupportedScheme(let scheme): "scheme '\(scheme)' is not crawled (only http and https)"
            case .missingHost: "URL has no host"
            case .invalidHost(let host): "invalid host '\(host)'"
            case .invalidPort(let port): "invalid port '\(port)'"
            case .credentials: "URL carries a user name or password; refusing to store credentials"
            }
        }
    }

    /// Query parameters that only track where a click came from.
    public static let defaultTrackingParameters: Set<String> = [
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid",
    ]

    /// The longest URL accepted; longer ones are almost always crawler traps.
    public var maximumLength = 4096
    public var trackingParameters = URLNormalizer.defaultTrackingParameters

    public init() {}

    /// Normalizes `raw`, resolving it against `base` when it is relative.
    public func normalize(_ raw: String, relativeTo base: String? = nil) -> Result<Normalized, Rejection> {
        let trimmed = Self.trimmingWhitespace(raw)
        if trimmed.isEmpty { return .failure(.empty) }
        if trimmed.utf8.count > maximumLength {
            return .failure(.tooLong(length: trimmed.utf8.count, limit: maximumLength))
        }
        let absolute: String
        if let base, !Self.hasScheme(trimmed), let baseURL = URL(string: base),
           let resolved = URL(string: trimmed, relativeTo: baseURL) {
            absolute = resolved.absoluteString
        } else {
            absolute = trimmed
        }
        guard let components = URLComponents(string: absolute) else {
            // A space or other unescaped character makes Foundation refuse the URL;
            // browsers escape such characters, and so do we before giving up.
            guard let escaped = absolute.addingPercentEncoding(withAllowedCharacters: Self.lenientCharacters),
                  let retried = URLComponents(string: escaped) else {
                return .failure(.malformed)
            }
            return normalize(components: retried)
        }
        return normalize(components: components)
    }

    /// Builds the normalized string from the parsed parts by hand: Foundation's
    /// `URLComponents` setters trap (abort the process) on characters they do not accept,
    /// and every URL here comes from pages, feeds and requests nobody controls.
    private func normalize(components: URLComponents) -> Result<Normalized, Rejection> {
        guard let scheme = components.scheme?.lowercased() else { return .failure(.malformed) }
        guard scheme == "http" || scheme == "https" else { return .failure(.unsupportedScheme(scheme)) }
        if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
            return .failure(.credentials)
        }
        // Foundation percent-encodes a non-ASCII host; only then is the (slower) decoded form needed.
        guard let encodedHost = components.percentEncodedHost, !encodedHost.isEmpty,
              let rawHost = encodedHost.utf8.contains(UInt8(ascii: "%")) ? components.host : encodedHost, !rawHost.isEmpty
        else { return .failure(.missingHost) }
        var host = rawHost.lowercased()
        if host.hasPrefix("[") {
            guard let literal = Self.canonicalIPv6Literal(host) else { return .failure(.invalidHost(rawHost)) }
            host = literal
        } else {
            while host.hasSuffix(".") { host.removeLast() }
            if !host.utf8.allSatisfy({ $0 < 0x80 }) {
                guard let ascii = Self.asciiHost(host) else { return .failure(.invalidHost(rawHost)) }
                host = ascii
            }
            guard Self.isValidHostName(host) else { return .failure(.invalidHost(rawHost)) }
        }

        var authority = host
        if let port = components.port {
            guard (1...65535).contains(port) else { return .failure(.invalidPort(String(port))) }
            let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
            if !isDefault { authority += ":\(port)" }
        }

        var path = Self.removeDotSegments(Self.normalizePercentEncoding(components.percentEncodedPath))
        if path.isEmpty { path = "/" }
        var url = scheme + "://" + authority + path
        if let query = components.percentEncodedQuery.map(normalizeQuery), !query.isEmpty {
            url += "?" + query
        }
        return .success(Normalized(url: url, host: authority))
    }

    /// The query without tracking parameters, escapes normalized, in its own order.
    private func normalizeQuery(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false)
            .filter { item in
                let name = item.prefix { $0 != "=" }
                return !isTracking(String(name))
            }
            .map { Self.normalizePercentEncoding(String($0)) }
            .joined(separator: "&")
    }

    /// The politeness key of a host name or URL typed by an operator (`coordinator pause HOST`).
    public func hostKey(_ input: String) -> Result<String, Rejection> {
        // "localhost:8080" is a host and port, not a URL with the scheme "localhost".
        let candidate = input.contains("://") ? input : "http://\(input)"
        return normalize(candidate).map(\.host)
    }

    private func isTracking(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("utm_") || trackingParameters.contains(lower)
    }

    private static func hasScheme(_ string: String) -> Bool {
        guard let colon = string.firstIndex(of: ":") else { return false }
        let scheme = string[..<colon]
        guard let first = scheme.first, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    private static let lenientCharacters: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.formUnion(.urlPathAllowed)
        set.insert(charactersIn: "%#:/?@[]")
        return set
    }()

    /// The IDNA2008 (UTS #46 non-transitional) ASCII form of an internationalized host name,
    /// as browsers send it: `bücher.de` → `xn--bcher-kva.de`.
    private static func asciiHost(_ host: String) -> String? {
        var output: UnsafeMutablePointer<CChar>?
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        guard idn2_to_ascii_8z(host, &output, flags) == Int32(IDN2_OK.rawValue), let output else { return nil }
        defer { idn2_free(output) }
        return String(cString: output).lowercased()
    }

    /// The bracketed IPv6 literal in its canonical (RFC 5952) form, or nil when the brackets
    /// hold anything but an address: zone identifiers (`%25eth0`) name an interface of the
    /// machine that wrote the link and mean nothing to a crawler.
    private static func canonicalIPv6Literal(_ host: String) -> String? {
        guard host.hasSuffix("]"), host.utf8.count > 2, host.utf8.count <= 47 else { return nil }
        let inner = String(host.dropFirst().dropLast())
        var address = in6_addr()
        guard inet_pton(AF_INET6, inner, &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return "[" + String(cString: buffer) + "]"
    }

    /// Host names: LDH labels (IDNs arrive here in their ASCII form) and IPv4 addresses.
    private static func isValidHostName(_ host: String) -> Bool {
        guard host.utf8.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in host.utf8 {
            if byte == UInt8(ascii: ".") {
                // A label may not be empty or end with a hyphen.
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                let isLetterOrDigit = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                let isHyphen = byte == UInt8(ascii: "-")
                guard isLetterOrDigit || isHyphen || byte == UInt8(ascii: "_") else { return false }
                // …nor start with one, nor exceed 63 characters.
                guard !(isHyphen && labelLength == 0) else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// RFC 3986 §6.2.2: upper-case escape hex digits, decode escapes of unreserved characters.
    static func normalizePercentEncoding(_ string: String) -> String {
        guard string.utf8.contains(UInt8(ascii: "%")) else { return string }
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        let bytes = Array(string.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                let value = high << 4 | low
                if isUnreserved(value) {
                    out.append(value)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(hexDigit(high))
                    out.append(hexDigit(low))
                }
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Cuts leading and trailing white space (ASCII and Unicode) without bridging to NSString,
    /// which costs more than the rest of normalization on a bulk add.
    public static func trimmingWhitespace(_ string: String) -> String {
        let scalars = string.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return string }
        return String(scalars[first...last])
    }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        let bytes = path.utf8
        guard zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: ".") }) else {
            return path
        }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (position, segment) in segments.enumerated() {
            let isLast = position == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        let joined = output.joined(separator: "/")
        return joined.hasPrefix("/") || !path.hasPrefix("/") ? joined : "/" + joined
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x41 + value - 10
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }
}
