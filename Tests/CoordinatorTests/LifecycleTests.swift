import Foundation
import Logging
import Model
import Queue
import Testing
import TestSupport
import WorkerSupport

/// A Unix datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifySocket {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// The messages received within `seconds`, until one contains `until`.
    func messages(within seconds: Double, until: String) -> [String] {
        var received: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                received.append(String(decoding: buffer[0..<count], as: UTF8.self))
                if received.last!.contains(until) { break }
            }
        }
        return received
    }
}

@Suite("Worker and coordinator lifecycle", .serialized)
struct LifecycleTests {
    @Test("heartbeats keep a batch's short leases alive through long work; without them the completion is refused")
    func leaseHeartbeats() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The queue's clock is the test's: a lease lapses when the test moves time on, never
        // because the machine is busy (the keeper's own ticks are real time).
        let clock = ManualClock()
        var configuration = QueueConfiguration()
        configuration.defaultHostDelay = 0
        configuration.clock = { clock.now }
        let queue = try JobQueue.open(at: directory.path("queue.sqlite"), creating: true, configuration: configuration)
        _ = try queue.add(["http://127.0.0.1:9/kept", "http://localhost:9/lost"])
        let jobs = try queue.lease(stage: .fetch, worker: "w", limit: 2, leaseSeconds: 1)
        #expect(jobs.count == 2)
        let kept = try #require(jobs.first { $0.url.hasSuffix("kept") })
        try await withLeaseKeeper(source: FileQueue(queue), leaseSeconds: 1, logger: Logger(label: "test")) { keeper in
            keeper.hold([kept])
            // Long work: five half-lease steps, each once the keeper has extended the lease from
            // the step's time. Polled with Task.sleep, so the keeper's task is never starved.
            let deadline = ContinuousClock.now + .seconds(60)
            for _ in 0..<5 {
                clock.advance(0.5)
                let wanted = clock.now.addingTimeInterval(1)
                while try queue.job(id: kept.id).job.leaseExpiresAt.map({ $0 < wanted }) ?? true {
                    guard ContinuousClock.now < deadline else { Issue.record("the keeper did not extend the lease within 60 s"); return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let settlements = try queue.complete(jobs.map { Completion(jobID: $0.id, leaseToken: $0.leaseToken) })
        #expect(settlements == jobs.map { $0.url.hasSuffix("kept") ? Settlement.accepted : .staleLease })
    }

    @Test("a worker whose coordinator is down keeps retrying and delivers its completion once the coordinator is back")
    func resubmitsAfterOutage() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.path("queue.sqlite")
        _ = try JobQueue.openWithoutPoliteness(at: database).add(["http://127.0.0.1:9/a"])
        let server = try CoordinatorServer(database: database, directory: directory)
        let remote = RemoteQueue(client: try server.client(), logger: Logger(label: "test"), backoff: Backoff(base: 0.1, maximum: 0.5))
        let job = try #require(try await remote.lease(stage: .fetch, worker: "w", limit: 1, leaseSeconds: 60).first)
        server.stop(signal: SIGKILL)
        let restart = Thread { Thread.sleep(forTimeInterval: 1.5); try? server.start() }
        restart.start()
        let started = Date()
        #expect(try await remote.complete([Completion(jobID: job.id, leaseToken: job.leaseToken)]) == [.accepted])
        #expect(Date().timeIntervalSince(started) >= 1.0, "the completion went through only once the coordinator was back")
        #expect(try JobQueue.open(at: database).count(.fetch, .done) == 1)
    }

    @Test("`coordinator serve` tells systemd READY, feeds the watchdog, and says STOPPING on SIGTERM, then exits 0")
    func systemdNotifications() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socketPath = directory.path("notify")
        let notify = try NotifySocket(path: socketPath)
        let token = directory.path("token")
        try Data("notify-test-token-0123456789\n".utf8).write(to: URL(fileURLWithPath: token))
        let server = try BackgroundProduct(
            "coordinator", ["serve", "--db", directory.path("queue.sqlite"), "--listen", "127.0.0.1:\(try LocalServer.freePort())", "--token-file", token],
            environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
        let started = notify.messages(within: 30, until: "READY=1")
        #expect(started.contains { $0.contains("READY=1") }, "\(started)")
        let watchdog = notify.messages(within: 2, until: "WATCHDOG=1")
        #expect(watchdog.contains("WATCHDOG=1"), "\(watchdog)")
        kill(server.pid, SIGTERM)
        let stopping = notify.messages(within: 10, until: "STOPPING=1")
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(stopping.contains("STOPPING=1"), "\(stopping)")
    }

    @Test("the worker watchdog is fed by progress: nothing without it, at most every half interval with it")
    func progressWatchdog() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socketPath = directory.path("notify")
        let notify = try NotifySocket(path: socketPath)
        let watchdog = ProgressWatchdog(notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"]))
        #expect(notify.messages(within: 1, until: "WATCHDOG=1").isEmpty, "no timer sends WATCHDOG=1 on its own")
        watchdog.progress()
        #expect(notify.messages(within: 0.3, until: "WATCHDOG=1").isEmpty, "no WATCHDOG=1 before the process is ready")
        watchdog.markReady()
        watchdog.progress()
        watchdog.progress()
        #expect(notify.messages(within: 0.5, until: "never") == ["WATCHDOG=1"], "one message for progress within a tenth of a second")
        Thread.sleep(forTimeInterval: 0.15)
        watchdog.progress()
        #expect(notify.messages(within: 0.5, until: "WATCHDOG=1") == ["WATCHDOG=1"])
    }

    @Test("an idle parser under systemd keeps feeding its watchdog from its loop")
    func idleWorkerFeedsWatchdog() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socketPath = directory.path("notify")
        let notify = try NotifySocket(path: socketPath)
        _ = try JobQueue.openWithoutPoliteness(at: directory.path("queue.sqlite"))
        let parser = try BackgroundProduct("parser", ["run", "--db", directory.path("queue.sqlite")],
                                           environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"])
        let messages = notify.messages(within: 5, until: "never")
        #expect(parser.terminate().status == 0)
        #expect(messages.first == "READY=1" && messages.filter { $0 == "WATCHDOG=1" }.count >= 4, "\(messages)")
    }
}
