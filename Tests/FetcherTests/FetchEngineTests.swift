import Foundation
import Testing
import TestSupport
@testable import Fetcher

/// The engine against `Tests/Fixtures/hostile_server.py` on 127.0.0.1: each misbehaviour must end in
/// bounded time with the right classification, and the engine must stay usable.
@Suite("Fetch engine against a hostile server", .serialized)
struct FetchEngineTests {
    static func engine(policy: AddressPolicy = .allowLoopback, maxBytes: Int = 1 << 20, timeout: Double = 3) -> FetchEngine {
        var configuration = FetchConfiguration()
        configuration.addressPolicy = policy
        configuration.maxBodyBytes = maxBytes
        configuration.totalTimeout = timeout
        configuration.connectTimeout = 2
        configuration.lowSpeedTime = 2
        configuration.maxRedirects = 5
        return FetchEngine(configuration: configuration)
    }

    func failure(_ path: String, engine: FetchEngine, server: LocalServer) async -> FetchFailure? {
        if case .failure(let failure) = await engine.fetch(FetchRequest(url: server.url(path))) { return failure }
        return nil
    }

    @Test("a normal page: status, body, headers, final URL, connected address")
    func normalPage() async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine()
        defer { engine.shutdown() }
        let response = try await engine.fetch(FetchRequest(url: server.url("/ok"))).get()
        #expect(response.status == 200)
        #expect(response.finalURL == server.url("/ok"))
        #expect(response.connectedAddress == "127.0.0.1")
        #expect(response.header("content-type") == "text/html; charset=utf-8")
        #expect(response.body.count == response.bodySize && response.bodySize > 500)
    }

    @Test("loopback is refused unless allowed, on the address actually connected")
    func addressPolicy() async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine(policy: .publicOnly)
        defer { engine.shutdown() }
        #expect(await failure("/ok", engine: engine, server: server) == .privateAddressRefused(address: "127.0.0.1", scope: "loopback"))
        // A name that resolves to loopback is refused just the same.
        let byName = await engine.fetch(FetchRequest(url: "http://localhost:\(server.port)/ok"))
        guard case .failure(let named) = byName else { Issue.record("localhost was fetched"); return }
        #expect(named.errorClass == "private-address-refused")
    }

    @Test("size caps abort while streaming, on decoded bytes", arguments: ["/huge", "/huge-chunked", "/gzip-bomb"])
    func sizeCaps(path: String) async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine(maxBytes: 1 << 20, timeout: 20)
        defer { engine.shutdown() }
        let started = Date()
        #expect(await failure(path, engine: engine, server: server) == .tooLarge(limit: 1 << 20))
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test("redirects: loops and long chains stop at the limit; file:// and ftp:// are refused", arguments: [
        ("/redirect-loop", "redirect-limit"), ("/redirect-chain?n=30", "redirect-limit"),
        ("/redirect-file", "scheme-refused"), ("/redirect-ftp", "scheme-refused"),
    ])
    func redirects(path: String, expected: String) async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine()
        defer { engine.shutdown() }
        let result = await failure(path, engine: engine, server: server)
        #expect(result?.errorClass == expected)
        #expect(result?.retryable == false)
    }

    @Test("servers that hang or trickle time out within the limit, retryably", arguments: ["/hang", "/hang-headers", "/trickle"])
    func timeouts(path: String) async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine(timeout: 3)
        defer { engine.shutdown() }
        let started = Date()
        let result = await failure(path, engine: engine, server: server)
        #expect(result?.errorClass == "timeout")
        #expect(result?.retryable == true)
        #expect(Date().timeIntervalSince(started) < 6)
    }

    @Test("broken transfers are classified", arguments: [
        ("/reset", "network", true), ("/no-body", "network", true), ("/bad-gzip", "decoding", false),
    ])
    func brokenTransfers(path: String, expected: String, retryable: Bool) async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine()
        defer { engine.shutdown() }
        let result = await failure(path, engine: engine, server: server)
        #expect(result?.errorClass == expected, "got \(String(describing: result))")
        #expect(result?.retryable == retryable)
    }

    @Test("HTTP errors come back as responses with their status and Retry-After")
    func httpErrors() async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine()
        defer { engine.shutdown() }
        let notFound = try await engine.fetch(FetchRequest(url: server.url("/404"))).get()
        #expect(notFound.status == 404)
        let tooMany = try await engine.fetch(FetchRequest(url: server.url("/429"))).get()
        #expect(tooMany.status == 429)
        #expect(tooMany.header("Retry-After") == "120")
        #expect(FetchFailure.http(status: 429).retryable && !FetchFailure.http(status: 404).retryable)
    }

    @Test("hundreds of transfers in one engine, all answered")
    func manyTransfers() async throws {
        let server = try LocalServer.hostile()
        let engine = Self.engine()
        defer { engine.shutdown() }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<300 {
                group.addTask { (try? await engine.fetch(FetchRequest(url: server.url("/ok"))).get().status) ?? -1 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 300)
        #expect(statuses.allSatisfy { $0 == 200 })
    }
}

@Suite("Address policy")
struct AddressPolicyTests {
    @Test("IPv4 scopes", arguments: [
        ([127, 0, 0, 1], AddressPolicy.Scope.loopback), ([10, 1, 2, 3], .privateRange), ([172, 16, 0, 1], .privateRange),
        ([172, 32, 0, 1], .global), ([192, 168, 1, 1], .privateRange), ([169, 254, 169, 254], .linkLocal),
        ([100, 64, 0, 1], .shared), ([0, 0, 0, 0], .unspecified), ([224, 0, 0, 1], .multicast), ([8, 8, 8, 8], .global),
    ] as [([UInt8], AddressPolicy.Scope)])
    func ipv4(bytes: [UInt8], scope: AddressPolicy.Scope) {
        #expect(AddressPolicy.scope(ipv4: bytes[0], bytes[1], bytes[2], bytes[3]) == scope)
    }

    @Test("IPv6 scopes, including IPv4-mapped addresses")
    func ipv6() {
        var loopback = [UInt8](repeating: 0, count: 16); loopback[15] = 1
        var mapped = [UInt8](repeating: 0, count: 16); mapped[10] = 0xFF; mapped[11] = 0xFF; mapped[12] = 10
        var unique = [UInt8](repeating: 0, count: 16); unique[0] = 0xFD
        var link = [UInt8](repeating: 0, count: 16); link[0] = 0xFE; link[1] = 0x80
        var global = [UInt8](repeating: 0, count: 16); global[0] = 0x20; global[1] = 0x01
        #expect(AddressPolicy.scope(ipv6: loopback) == .loopback)
        #expect(AddressPolicy.scope(ipv6: mapped) == .privateRange)
        #expect(AddressPolicy.scope(ipv6: unique) == .privateRange)
        #expect(AddressPolicy.scope(ipv6: link) == .linkLocal)
        #expect(AddressPolicy.scope(ipv6: global) == .global)
    }

    @Test("what each policy allows")
    func policies() {
        #expect(!AddressPolicy.publicOnly.allows(.loopback))
        #expect(AddressPolicy.allowLoopback.allows(.loopback) && !AddressPolicy.allowLoopback.allows(.privateRange))
        #expect(AddressPolicy.allowPrivate.allows(.privateRange) && AddressPolicy.allowPrivate.allows(.linkLocal))
        #expect(!AddressPolicy.allowPrivate.allows(.multicast) && !AddressPolicy.allowPrivate.allows(.unspecified))
    }
}
