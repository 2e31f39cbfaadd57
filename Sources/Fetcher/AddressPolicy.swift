import Glibc

/// Which addresses the fetcher may connect to. It is checked on the address actually being
/// connected (libcurl's open-socket hook), after DNS resolution and on every redirect, so a
/// name that resolves — or re-resolves (DNS rebinding) — to an internal address is refused.
public enum AddressPolicy: Sendable, Equatable {
    /// Public addresses only: the default for crawling the web.
    case publicOnly
    /// Public addresses and loopback (127.0.0.0/8, ::1): local runs and tests.
    case allowLoopback
    /// Also private, link-local and shared ranges: operators crawling their own network.
    case allowPrivate

    /// The kind of an address, for refusing it and for saying why.
    public enum Scope: String, Sendable {
        case global, loopback, privateRange = "private", linkLocal = "link-local", shared, unspecified, multicast, reserved
    }

    public func allows(_ scope: Scope) -> Bool {
        switch scope {
        case .global: true
        case .loopback: self != .publicOnly
        case .privateRange, .linkLocal, .shared: self == .allowPrivate
        case .unspecified, .multicast, .reserved: false
        }
    }

    /// The scope of an IPv4 address given as its four bytes.
    public static func scope(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Scope {
        switch (a, b) {
        case (0, _): .unspecified
        case (127, _): .loopback
        case (10, _), (172, 16...31), (192, 168): .privateRange
        case (169, 254): .linkLocal
        case (100, 64...127): .shared
        case (224...239, _): .multicast
        case (240...255, _): .reserved
        default: .global
        }
    }

    /// The scope of an IPv6 address given as its sixteen bytes.
    public static func scope(ipv6 bytes: [UInt8]) -> Scope {
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses carry an IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && ((bytes[10] == 0xFF && bytes[11] == 0xFF) || (bytes[10] == 0 && bytes[11] == 0)) {
            return scope(ipv4: bytes[12], bytes[13], bytes[14], bytes[15])
        }
        // NAT64 (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056) reach the IPv4 address
        // they embed: they are what that address is.
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return scope(ipv4: bytes[12], bytes[13], bytes[14], bytes[15])
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return scope(ipv4: bytes[2], bytes[3], bytes[4], bytes[5]) }
        // Local-use NAT64 (64:ff9b:1::/48, RFC 8215) translates into a network of its operator's.
        if bytes[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return .privateRange }
        if bytes[0] == 0xFF { return .multicast }
        if bytes[0] & 0xFE == 0xFC { return .privateRange }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .linkLocal }
        return .global
    }

    /// The scope and printable form of a socket address, nil for families other than IPv4/IPv6.
    static func describe(_ address: UnsafeRawPointer) -> (scope: Scope, text: String)? {
        let family = address.load(as: sockaddr.self).sa_family
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(family) {
        case AF_INET:
            var ipv4 = address.load(as: sockaddr_in.self).sin_addr
            let bytes = withUnsafeBytes(of: ipv4) { Array($0) }
            inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count))
            return (scope(ipv4: bytes[0], bytes[1], bytes[2], bytes[3]), text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        case AF_INET6:
            var ipv6 = address.load(as: sockaddr_in6.self).sin6_addr
            let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
            inet_ntop(AF_INET6, &ipv6, &text, socklen_t(text.count))
            return (scope(ipv6: bytes), text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        default:
            return nil
        }
    }
}
