import Foundation
import Model
import Queue
import Testing
import TestSupport

@Suite("Extraction drift alarm", .serialized)
struct DriftAlarmTests {
    @Test("a site redesigned half-way through the crawl raises the drift alarm for its host and no other: hosts, stats, /metrics")
    func redesignedSite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Two sites on their own ports (hosts 127.0.0.1:A and :B); A changes template after 120 of 200 pages.
        let redesigned = try LocalServer.fixture("redesign_site.py", arguments: ["--switch-after", "120"])
        let steady = try LocalServer.fixture("redesign_site.py")
        let database = directory.path("queue.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: database)
        _ = try queue.add((1...200).map { redesigned.url("/story/\($0)") } + (1...200).map { steady.url("/story/\($0)") })

        let fetch = try runProduct("fetcher", ["run", "--db", database, "--allow-loopback", "--in-flight", "1", "--exit-when-idle"])
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let parse = try runProduct("parser", ["run", "--db", database, "--exit-when-idle"])
        #expect(parse.status == 0, "\(parse.stderr)")
        let hostA = "127.0.0.1:\(redesigned.port)", hostB = "127.0.0.1:\(steady.port)"

        let hosts = try runProduct("coordinator", ["hosts", "--db", database, "--json"])
        #expect(hosts.status == 0, "\(hosts.stderr)")
        let reports = try hosts.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        let health = Dictionary(uniqueKeysWithValues: reports.map { ($0["name"] as? String ?? "", $0["health"] as? [String: Any] ?? [:]) })
        let alarmA = health[hostA]?["alarm"] as? [String] ?? []
        #expect(alarmA.contains { $0.hasPrefix("short or empty body") } && alarmA.contains { $0.hasPrefix("missing published date") }, "\(alarmA)")
        #expect((health[hostB]?["alarm"] as? [String]) == [], "\(hosts.stdout)")
        #expect(((health[hostB]?["last_24h"] as? [String: Any])?["pages"] as? Int) == 200, "\(hosts.stdout)")
        #expect((reports.first?["name"] as? String) == hostA, "the host in alarm comes first")

        let stats = try runProduct("coordinator", ["stats", "--db", database])
        #expect(stats.stdout.contains("extraction drift alarms:\n  \(hostA): short or empty body 20% → 100%"), "\(stats.stdout)")
        #expect(!stats.stdout.contains("\(hostB):"), "\(stats.stdout)")
        let statsJSON = try runProduct("coordinator", ["stats", "--db", database, "--json"])
        #expect(statsJSON.stdout.contains(#""hosts_in_alarm":[{"#) && statsJSON.stdout.contains(hostA) && !statsJSON.stdout.contains(hostB))

        let detail = try runProduct("coordinator", ["hosts", hostA, "--db", database])
        #expect(detail.stdout.contains("latest 50 pages") && detail.stdout.contains("drift alarm: ALARM: short or empty body"), "\(detail.stdout)")
        let calm = try runProduct("coordinator", ["hosts", hostA, "--db", database, "--alarm-recent-pages", "150"])
        #expect(calm.stdout.contains("drift alarm: none (too few pages to compare"), "\(calm.stdout)")
        let bad = try runProduct("coordinator", ["hosts", "--db", database, "--alarm-rise", "2"])
        #expect(bad.status != 0 && bad.stderr.contains("rise must be above 0 and at most 1"), "\(bad.stderr)")

        let server = try CoordinatorServer(database: database, directory: directory)
        let metrics = try server.client().send(method: "GET", path: "/metrics", body: nil)
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains(#"wireroom_host_drift_alarm{host="\#(hostA)"} 1"#), "\(text)")
        #expect(text.contains(#"wireroom_host_drift_alarm{host="\#(hostB)"} 0"#))
        #expect(text.contains(#"wireroom_host_pages{host="\#(hostB)",window="24h"} 200"#))
    }
}
