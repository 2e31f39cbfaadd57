import Model
import Testing
import TestSupport
@testable import Queue

@Suite("URL normalization")
struct URLNormalizerTests {
    let normalizer = URLNormalizer()

    func normalized(_ raw: String) -> String? {
        try? normalizer.normalize(raw).get().url
    }

    @Test("case, default port, dot segments, fragment and tracking parameters", arguments: [
        ("HTTP://Example.COM:80/a/./b/../c.html#top", "http://example.com/a/c.html"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/p?utm_source=x&id=3&UTM_medium=y&fbclid=z&gclid=q", "https://example.com/p?id=3"),
        ("https://example.com/p?utm_campaign=a", "https://example.com/p"),
        ("https://example.com/%7euser/%41b%2f", "https://example.com/~user/Ab%2F"),
        ("https://example.com./news", "https://example.com/news"),
        ("  https://example.com/trimmed  ", "https://example.com/trimmed"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/../../x", "https://example.com/x"),
    ])
    func normalizes(raw: String, expected: String) {
        #expect(normalized(raw) == expected)
    }

    @Test("the query's own order is kept")
    func keepsQueryOrder() {
        #expect(normalized("https://example.com/?b=2&a=1") == "https://example.com/?b=2&a=1")
    }

    @Test("refuses what cannot be crawled, naming the reason", arguments: [
        ("", URLNormalizer.Rejection.empty),
        ("ftp://example.com/file", .unsupportedScheme("ftp")),
        ("javascript:alert(1)", .unsupportedScheme("javascript")),
        ("mailto:someone@example.com", .unsupportedScheme("mailto")),
        ("https://user:secret@example.com/", .credentials),
        ("http:///path", .missingHost),
        ("example.com/no-scheme", .malformed),
        ("https://exa mple.com/", .invalidHost("exa mple.com")),
        ("https://-bad-.com/", .invalidHost("-bad-.com")),
    ])
    func rejects(raw: String, reason: URLNormalizer.Rejection) {
        #expect(throws: reason) { try normalizer.normalize(raw).get() }
    }

    @Test("overlong URLs are refused")
    func tooLong() {
        let url = "https://example.com/" + String(repeating: "a", count: 5000)
        #expect(throws: URLNormalizer.Rejection.tooLong(length: url.utf8.count, limit: 4096)) { try normalizer.normalize(url).get() }
    }

    @Test("relative links resolve against their page")
    func relative() throws {
        #expect(try normalizer.normalize("../b?utm_source=x", relativeTo: "https://example.com/a/c/d.html").get().url
            == "https://example.com/a/b")
    }

    @Test("host key for pause/resume accepts host names and URLs")
    func hostKey() throws {
        #expect(try normalizer.hostKey("Example.COM").get() == "example.com")
        #expect(try normalizer.hostKey("https://example.com:8080/x").get() == "example.com:8080")
        #expect(try normalizer.hostKey("http://example.com:80/").get() == "example.com")
        #expect(try normalizer.hostKey("localhost:8931").get() == "localhost:8931")
    }
    @Test("bracketed hosts that are not IPv6 addresses are refused, never a crash", arguments: [
        "http://[fe80::1%25eth0]/", "http://[a b]/", "http://[::1%25lo]/", "http://[%41]/", "http://[]/",
        "http://[::1/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[::ffff:1.2.3.400]/", "http://[v1.x]/",
    ])
    func refusesBadIPv6Literals(raw: String) {
        guard case .failure(let reason) = normalizer.normalize(raw) else {
            Issue.record("\(raw) was accepted")
            return
        }
        #expect("\(reason)".contains("invalid host") || reason == .malformed, "\(raw): \(reason)")
        #expect(throws: URLNormalizer.Rejection.self) { try normalizer.hostKey(raw).get() }
    }

    @Test("IPv6 literals are written in their canonical form")
    func canonicalIPv6() {
        #expect(normalized("http://[0:0:0:0:0:0:0:1]:8080/x") == "http://[::1]:8080/x")
        #expect(normalized("https://[2001:DB8::0001]/") == "https://[2001:db8::1]/")
    }

    @Test("query items with '=' in their value and items without a value keep their spelling")
    func queryShapes() {
        #expect(normalized("https://example.com/?a=b=c&flag&utm_term=x&&%7e=%7e") == "https://example.com/?a=b=c&flag&&~=~")
    }

    @Test("random URL-shaped strings are normalized or refused; none aborts the process")
    func randomInputsNeverTrap() {
        var generator = SplitMix64(seed: 16)
        let pieces = ["http://", "https://", "[", "]", "%", "%25", "%41", "::", ":", "1", "fe80", "a", " ", "/", "?", "#", "=", "&",
                      "@", ".", "..", "-", "ü", "\u{0}", "\n", "\\", "\"", "<", "|", "^", "`", "{", "}", "xn--", "999999", "0x7f"]
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 12) + 1
            let raw = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            _ = normalizer.normalize(raw)
            _ = normalizer.normalize(raw, relativeTo: "https://example.com/a/b")
            _ = normalizer.hostKey(raw)
        }
    }
}
