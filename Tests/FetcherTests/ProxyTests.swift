import Foundation
import Testing
import TestSupport

/// Proxies: none unless `--proxy` names one, and through one the address policy still holds.
@Suite("Proxies", .serialized)
struct ProxyTests {
    /// The fake proxy and the file it logs each request it gets to.
    static func proxy(in directory: TemporaryDirectory) throws -> (server: LocalServer, log: String) {
        let log = directory.path("proxy.log")
        return (try LocalServer.fixture("fake_proxy.py", arguments: ["--log", log]), log)
    }

    static func requests(_ log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static let proxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"]

    static func environment(proxy: String) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(Dictionary(uniqueKeysWithValues: proxyVariables.map { ($0, proxy) })) { $1 }
    }

    @Test("proxy variables in the environment are ignored: the address policy holds and nothing reaches the proxy")
    func environmentIgnored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (proxy, log) = try Self.proxy(in: directory)
        let site = try LocalServer.fixture("site_server.py")
        let environment = Self.environment(proxy: proxy.url(""))
        let unspecified = try runProcess(builtProduct("fetcher"), ["get", "--allow-loopback", "http://0.0.0.0:\(site.port)/story"],
                                         environment: environment)
        #expect(unspecified.status == 1 && unspecified.stdout.hasSuffix("private-address-refused\n"), "\(unspecified.stdout)")
        let direct = try runProcess(builtProduct("fetcher"), ["get", "--allow-loopback", site.url("/story")], environment: environment)
        #expect(direct.status == 0 && direct.stdout.contains("status     200"), "\(direct.stdout)")
        #expect(Self.requests(log).isEmpty, "\(Self.requests(log))")
    }

    @Test("--proxy: targets go through it, but a target or redirect the policy refuses is refused before any request")
    func explicitProxy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (proxy, log) = try Self.proxy(in: directory)
        let through = ["get", "--allow-loopback", "--proxy", proxy.url("")]
        let ok = try runProduct("fetcher", through + ["http://127.0.0.1:9/page"])
        #expect(ok.status == 0 && ok.stdout.contains("status     200"), "\(ok.stdout)\(ok.stderr)")
        #expect(Self.requests(log) == ["GET http://127.0.0.1:9/page authorization=-"])

        let unspecified = try runProduct("fetcher", through + ["http://0.0.0.0:9/x"])
        #expect(unspecified.status == 1 && unspecified.stdout.hasSuffix("private-address-refused\n"), "\(unspecified.stdout)")
        let publicOnly = try runProduct("fetcher", ["get", "--proxy", proxy.url(""), "http://localhost:9/x"])
        #expect(publicOnly.status == 1 && publicOnly.stdout.hasSuffix("private-address-refused\n"), "\(publicOnly.stdout)")
        let redirect = try runProduct("fetcher", through + ["http://127.0.0.1:9/redirect?to=http://0.0.0.0:9/inside"])
        #expect(redirect.status == 1 && redirect.stdout.hasSuffix("private-address-refused\n"), "\(redirect.stdout)")
        #expect(Self.requests(log) == ["GET http://127.0.0.1:9/page authorization=-",
                                       "GET http://127.0.0.1:9/redirect?to=http://0.0.0.0:9/inside authorization=-"],
                "only the allowed requests reached the proxy")

        let bad = try runProduct("fetcher", ["get", "--proxy", "127.0.0.1 3128", "http://127.0.0.1:9/"])
        #expect(bad.status != 0 && bad.stderr.contains("--proxy must be SCHEME://HOST:PORT"), "\(bad.stderr)")
    }

    @Test("a remote worker with proxy variables set talks to the coordinator directly: its token never reaches a proxy")
    func tokenNeverProxied() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (proxy, log) = try Self.proxy(in: directory)
        let database = directory.path("queue.sqlite")
        let token = "secret-" + UUID().uuidString
        try Data(token.utf8).write(to: URL(fileURLWithPath: directory.path("token")))
        let port = try LocalServer.freePort()
        let server = try BackgroundProduct("coordinator", ["serve", "--db", database, "--listen", "127.0.0.1:\(port)",
                                                           "--token-file", directory.path("token")])
        try LocalServer.waitUntilListening(port: port)
        _ = server
        let run = try runProcess(builtProduct("parser"), ["run", "--coordinator", "http://127.0.0.1:\(port)", "--token-file", directory.path("token"),
                                                          "--exit-when-idle"], environment: Self.environment(proxy: proxy.url("")))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.requests(log).isEmpty, "\(Self.requests(log))")
    }
}
