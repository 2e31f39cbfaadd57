import CCrypto
import Foundation

/// The status page's login: a browser that sent the API token through the login form gets a
/// session cookie, never the token itself. The cookie is `EXPIRY.MAC`, the MAC being
/// HMAC-SHA256 of the expiry under a key derived from the token, so the server keeps no session
/// state (a restart keeps people logged in), a cookie cannot be made without the token, it ends
/// at its expiry, and changing the token ends every session.
struct StatusSession: Sendable {
    static let cookieName = "wireroom_status"
    /// How long a login lasts.
    static let lifetime: TimeInterval = 12 * 3600

    private let key: [UInt8]

    init(token: String) {
        key = Self.mac(key: Array(token.utf8), message: Array("wireroom status page session key".utf8))
    }

    /// The `Set-Cookie` value for a login at `now`: HttpOnly (no script reads it), SameSite=Strict
    /// (no other site's page can send it along, which also guards the retry form), the whole
    /// site's path.
    func cookie(now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970 + Self.lifetime)
        return "\(Self.cookieName)=\(expiry).\(Self.hex(signature(expiry))); Path=/; Max-Age=\(Int(Self.lifetime)); HttpOnly; SameSite=Strict"
    }

    /// The `Set-Cookie` value that ends the session.
    static let logoutCookie = "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"

    /// Whether the request's `Cookie` header holds a session cookie that is ours and unexpired.
    func isValid(cookieHeader: String?, now: Date = Date()) -> Bool {
        guard let cookieHeader else { return false }
        for pair in cookieHeader.split(separator: ";") {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == Self.cookieName else { continue }
            let value = parts[1].split(separator: ".", maxSplits: 1)
            guard value.count == 2, let expiry = Int(value[0]), Double(expiry) > now.timeIntervalSince1970 else { return false }
            return BearerTokenMiddleware<QueueAPI.Context>.equal(Array(value[1].utf8), Array(Self.hex(signature(expiry)).utf8))
        }
        return false
    }

    private func signature(_ expiry: Int) -> [UInt8] { Self.mac(key: key, message: Array(String(expiry).utf8)) }

    static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let result = key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                out.withUnsafeMutableBufferPointer { outBytes in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, keyBytes.baseAddress, keyBytes.count, messageBytes.baseAddress,
                              messageBytes.count, outBytes.baseAddress, outBytes.count, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "OpenSSL's HMAC-SHA256 failed")
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
