import Foundation
import Model
import Testing
import TestSupport
@testable import Fetcher
@testable import Queue

/// What servers send that must not reach the next request or slip past the address policy.
@Suite("Hostile responses and addresses")
struct HostileResponseTests {
    static func job() -> LeasedJob {
        LeasedJob(id: 1, queueID: "q", stage: .fetch, url: "https://news.example/a", host: "news.example", kind: .page, priority: 0,
                  attempt: 1, leaseToken: "t", leaseExpiresAt: Date(), payload: nil, validators: nil)
    }

    static func response(headers: [(String, String)]) -> FetchResponse {
        FetchResponse(status: 200, finalURL: "https://news.example/a", headers: headers + [("Content-Type", "text/html")],
                      body: Data("<html><body><p>x</p></body></html>".utf8), bodySize: 34, connectedAddress: "192.0.2.1", seconds: 0.1,
                      httpVersion: "1.1", rawRequestHead: nil, rawResponseHead: nil)
    }

    @Test("ETag and Last-Modified holding CR, LF or NUL are not kept, so never echoed into the next request")
    func validatorsWithControls() {
        for bad in ["\"a\r\nX-Injected: 1\"", "\"a\u{0}b\"", "Sat, 21\n Nov"] {
            guard case .completed(_, _, let validators) = FetchWorker.outcome(of: Self.response(headers: [("ETag", bad), ("Last-Modified", bad)]), for: Self.job())
            else { Issue.record("not completed"); continue }
            #expect(validators == nil, "\(bad.debugDescription) was kept")
        }
        guard case .completed(_, _, let good) = FetchWorker.outcome(of: Self.response(headers: [("ETag", "W/\"v1\"")]), for: Self.job()) else { return }
        #expect(good == URLValidators(etag: "W/\"v1\"", lastModified: nil))
        #expect(FetchWorker.headerSafe("\"a\rb\"") == nil && FetchWorker.headerSafe("\"a\tb\"") == "\"a\tb\"")
    }

    @Test("validators that reach the engine with control characters are not sent")
    func validatorsNotSent() async throws {
        let server = try LocalServer.fixture("site_server.py")
        var configuration = FetchConfiguration()
        configuration.addressPolicy = .allowLoopback
        let engine = FetchEngine(configuration: configuration)
        defer { engine.shutdown() }
        _ = await engine.fetch(FetchRequest(url: server.url("/story"), ifNoneMatch: "\"x\"\r\nX-Injected: yes", ifModifiedSince: "a\u{0}b"))
        let object = try #require(try JSONSerialization.jsonObject(with: try server.get("/hits")) as? [String: Any])
        let headers = try #require((object["headers"] as? [String: [String: String]])?["/story"])
        #expect(headers["X-Injected"] == nil && headers["If-None-Match"] == nil && headers["If-Modified-Since"] == nil, "\(headers)")
    }

    @Test("NAT64 and 6to4 addresses are judged by the IPv4 address they carry", arguments: [
        ("64:ff9b::7f00:1", AddressPolicy.Scope.loopback), ("64:ff9b::a00:1", .privateRange), ("64:ff9b::808:808", .global),
        ("2002:7f00:1::1", .loopback), ("2002:c0a8:101::", .privateRange), ("2002:a9fe:1::", .linkLocal), ("2002:808:808::1", .global),
        ("64:ff9b:1::a00:1", .privateRange),
    ])
    func embeddedIPv4(address: String, scope: AddressPolicy.Scope) {
        var bytes = in6_addr()
        #expect(inet_pton(AF_INET6, address, &bytes) == 1)
        #expect(AddressPolicy.scope(ipv6: withUnsafeBytes(of: bytes) { Array($0) }) == scope, "\(address)")
    }
}
