import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// Whether the running worker was asked to stop: graceful shutdown of its service group
/// (SIGTERM, SIGINT) or cancellation once the grace period is over. Waits that could last (a
/// coordinator that is down, an idle queue) end early on it.
public enum StopRequest {
    public static var isRequested: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    /// Sleeps `seconds`; false when a stop request ended the sleep early.
    public static func sleep(for seconds: TimeInterval) async -> Bool {
        guard !isRequested else { return false }
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
            return true
        } catch {
            return false
        }
    }
}

/// Speaks for the process to systemd (`Type=notify`) as a service of its own: READY once
/// `ready` returns, STOPPING as soon as shutdown begins (it is the last service of the group, so
/// the first told to stop), and, for a server (`feedsWatchdog`), WATCHDOG on a timer while it
/// runs. Workers feed the watchdog from their loops' progress instead (`ProgressWatchdog`): a
/// timer would keep a stuck worker looking alive.
public struct SystemdService: Service {
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let ready: @Sendable () async -> Void
    private let feedsWatchdog: Bool
    private let status: String?

    /// `status`: the line `systemctl status` shows once ready.
    public init(notifier: SystemdNotifier = SystemdNotifier(), logger: Logger, status: String? = nil, feedsWatchdog: Bool = false,
                ready: @escaping @Sendable () async -> Void = {}) {
        self.notifier = notifier
        self.logger = logger
        self.status = status
        self.feedsWatchdog = feedsWatchdog
        self.ready = ready
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [ready] in await ready() }
        if !Task.isShuttingDownGracefully {
            notifier.notify("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? ""))
            ProgressWatchdog.shared.markReady()
            ProgressWatchdog.shared.progress()
        }
        if feedsWatchdog, let interval = notifier.watchdogInterval, notifier.isActive {
            while await StopRequest.sleep(for: interval) { notifier.notify("WATCHDOG=1") }
        } else {
            try? await gracefulShutdown()
        }
        logger.info("stopping: finishing the work in hand")
        notifier.notify("STOPPING=1")
    }
}

/// How every long-running command runs: its services and `SystemdService` in one
/// `ServiceGroup`. SIGTERM or SIGINT starts a graceful shutdown — the work in hand is finished
/// and recorded — and after `gracePeriod` what is still running is cancelled, its leases
/// given back or left to expire. The group ends when the main service returns (`exitWhenIdle`)
/// or fails (the error is the command's).
public enum ServiceRunner {
    public static func run(_ main: any Service, gracePeriod: Duration, logger: Logger,
                           systemd: SystemdService? = nil) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: main, successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: systemd ?? SystemdService(logger: logger), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        configuration.maximumCancellationDuration = .seconds(10)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// `--log-level` (else `$WIREROOM_LOG_LEVEL`, else `info`) and logging to standard error, where
/// journald collects it under systemd.
public struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The least severe log lines written: trace, debug, info, notice, warning, error or critical (default: $WIREROOM_LOG_LEVEL, else info).",
        valueName: "level"))
    public var logLevel: String?

    public init() {}

    public func validate() throws {
        _ = try level()
    }

    /// The level asked for; a clear error naming the flag or variable when it is not a level.
    public func level(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        let (value, source) = logLevel.map { ($0, "--log-level") } ?? (environment["WIREROOM_LOG_LEVEL"] ?? "", "WIREROOM_LOG_LEVEL")
        if value.isEmpty && logLevel == nil { return .info }
        guard let level = Logger.Level(rawValue: value.lowercased()) else {
            throw ValidationError("\(source) must be one of \(Self.levels), got \(value)")
        }
        return level
    }

    private static let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    /// Sets up logging once per process and returns the command's logger.
    public func bootstrap(label: String) throws -> Logger {
        let level = try level()
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}
