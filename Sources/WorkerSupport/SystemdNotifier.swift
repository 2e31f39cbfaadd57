import Foundation
import Glibc

/// systemd's service notification protocol without libsystemd: datagrams such as `READY=1`,
/// `WATCHDOG=1` and `STOPPING=1` sent to the Unix socket named by `$NOTIFY_SOCKET` (a path, or
/// `@name` in the abstract namespace). Outside systemd (`$NOTIFY_SOCKET` unset) every call does
/// nothing. With `Type=notify` the unit counts as started at `READY=1`; with `WatchdogSec=` the
/// service must send `WATCHDOG=1` more often than `$WATCHDOG_USEC`, or systemd restarts it.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// Half the watchdog interval systemd asked for, if it asked.
    public let watchdogInterval: TimeInterval?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let usec = environment["WATCHDOG_USEC"].flatMap { Double($0) }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        watchdogInterval = usec.flatMap { $0 > 0 && forUs ? $0 / 2_000_000 : nil }
    }

    public var isActive: Bool { socketPath != nil }

    /// Sends `state` (lines such as `READY=1`); errors are ignored, as in sd_notify.
    public func notify(_ state: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.enumerated() { bytes[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                Array(state.utf8).withUnsafeBytes { message in
                    sendto(descriptor, message.baseAddress, message.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
    }
}
