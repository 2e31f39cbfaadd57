import Foundation
import Testing
import TestSupport

/// A raw TCP connection to a loopback port, for clients that behave badly on purpose.
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// What arrives within `seconds`, and whether the server closed the connection by then.
    func read(within seconds: Double) -> (text: String, closed: Bool) {
        var received = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

/// `coordinator serve` gives no client, with or without a token, a way to hold its connections.
@Suite("Coordinator connections: idle and read timeouts, a connection limit", .serialized)
struct ConnectionLimitsTests {
    @Test("idle connections and request heads sent by halves are closed after --idle-timeout")
    func idleAndHalfSent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CoordinatorServer(database: directory.path("queue.sqlite"), directory: directory,
                                           extraArguments: ["--idle-timeout", "1", "--read-timeout", "1"])
        let idle = try (0..<40).map { _ in try RawConnection(port: server.port) }
        let halfSent = try RawConnection(port: server.port)
        halfSent.send("POST /v1/lease HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
        #expect(halfSent.read(within: 4).closed, "a half-sent head is closed")
        for connection in idle { #expect(connection.read(within: 0.5).closed, "an idle connection is closed") }
        #expect(try server.client().send(method: "GET", path: "/healthz", body: nil).status == 200)
    }

    @Test("a body trickled after its head is answered 408 after --read-timeout and the connection closed")
    func trickledBody() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CoordinatorServer(database: directory.path("queue.sqlite"), directory: directory,
                                           extraArguments: ["--idle-timeout", "30", "--read-timeout", "1"])
        let connection = try RawConnection(port: server.port)
        connection.send("POST /v1/lease HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(server.token)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"stage\":")
        let answer = connection.read(within: 5)
        #expect(answer.text.hasPrefix("HTTP/1.1 408"), "\(answer.text)")
        #expect(answer.closed)
    }

    @Test("past --max-connections new connections wait; they are served once idle ones are closed")
    func connectionLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CoordinatorServer(database: directory.path("queue.sqlite"), directory: directory,
                                           extraArguments: ["--idle-timeout", "2", "--max-connections", "4"])
        let held = try (0..<4).map { _ in try RawConnection(port: server.port) }
        Thread.sleep(forTimeInterval: 0.3)
        let waiting = try RawConnection(port: server.port)
        waiting.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(waiting.read(within: 1).text.isEmpty, "not served while four connections are open")
        let served = waiting.read(within: 5)
        #expect(served.text.hasPrefix("HTTP/1.1 200"), "\(served.text)")
        _ = held
    }
}
