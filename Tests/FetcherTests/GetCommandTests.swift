import Foundation
import Testing
import TestSupport

/// `fetcher get` run as a user runs it: exit status and the failure class on the last line.
@Suite("fetcher get", .serialized)
struct GetCommandTests {
    static func get(_ arguments: [String]) throws -> (status: Int32, lastLine: String, output: String) {
        let run = try runProduct("fetcher", ["get"] + arguments)
        return (run.status, run.stdout.split(separator: "\n").last.map(String.init) ?? "", run.stdout)
    }

    @Test("success prints status, final URL and headers and exits 0; failures exit 1 with their class last")
    func outcomes() throws {
        let server = try LocalServer.hostile()
        let ok = try Self.get(["--allow-loopback", server.url("/ok")])
        #expect(ok.status == 0)
        #expect(ok.output.contains("status     200") && ok.output.contains("final url  \(server.url("/ok"))"))
        for (path, expected) in [("/404", "http-4xx"), ("/503", "http-5xx"), ("/redirect-ftp", "scheme-refused"), ("/huge", "too-large")] {
            let run = try Self.get(["--allow-loopback", "--max-bytes", "100000", path.isEmpty ? "" : server.url(path)])
            #expect(run.status == 1, "\(path)")
            #expect(run.lastLine == expected, "\(path)")
        }
        let refused = try Self.get([server.url("/ok")])
        #expect(refused.status == 1 && refused.lastLine == "private-address-refused")
        let scheme = try Self.get(["file:///etc/passwd"])
        #expect(scheme.status == 1 && scheme.lastLine == "scheme-refused")
    }
}
