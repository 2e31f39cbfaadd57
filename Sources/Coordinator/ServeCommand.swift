import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Model
import Queue
import Store
import WorkerSupport

/// `coordinator serve`: the queue's HTTP API for workers on other machines, and `/metrics`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the queue's HTTP/JSON API (remote workers, stats, Prometheus /metrics).",
        discussion: """
            Every endpoint but GET /healthz needs `Authorization: Bearer TOKEN`, the token read from \
            --token-file, else WIREROOM_TOKEN_FILE, else WIREROOM_TOKEN (at least 16 characters; \
            `openssl rand -hex 32` makes one). Listens on 127.0.0.1:8470 unless --listen says \
            otherwise; plain HTTP: put TLS in front (README, "Deployment"). The API is described \
            in docs/openapi.json. Under systemd (Type=notify) it reports READY, WATCHDOG and STOPPING. \
            SIGTERM stops taking connections, answers the requests in hand, and exits.
            """
    )

    @OptionGroup var queue: QueueOptions
    @OptionGroup var store: ArticleStoreOptions
    @OptionGroup var health: HealthOptions
    @OptionGroup var logging: LoggingOptions

    @Option(name: .long, help: ArgumentHelp("Address and port to listen on (HOST:PORT, [IPv6]:PORT).", valueName: "addr"))
    var listen = "127.0.0.1:8470"

    @Option(name: .long, help: ArgumentHelp("File holding the bearer token.", valueName: "path"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Largest request body accepted (a fetcher's batch of pages).", valueName: "bytes"))
    var maxBodyBytes = 256 << 20

    @Option(name: .long, help: ArgumentHelp(
        "Close a connection that sends no complete request head for this long (idle keep-alive, or a head sent by halves).",
        valueName: "seconds"))
    var idleTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Answer 408 and close when a request body takes longer than this to arrive.",
                                            valueName: "seconds"))
    var readTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Connections open at once; more wait to be accepted.", valueName: "count"))
    var maxConnections = 512

    func validate() throws {
        _ = try ListenAddress(listen)
        guard maxBodyBytes >= 1 << 16 else { throw ValidationError("--max-body-bytes must be at least 65536, got \(maxBodyBytes)") }
        for (flag, seconds) in [("--idle-timeout", idleTimeout), ("--read-timeout", readTimeout)] where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(flag) must be above 0 and at most 86400 seconds, got \(seconds)")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1, got \(maxConnections)") }
    }

    func run() async throws {
        let logger = try logging.bootstrap(label: "wireroom.coordinator")
        let address = try ListenAddress(listen)
        let token = try APIToken.read(file: tokenFile)
        let jobQueue = try queue.open(creating: true)
        let metrics = QueueMetrics(articleStorePath: store.resolvedPath(besideQueue: queue.databasePath), thresholds: health.thresholds)
        metrics.bootstrap()
        let api = QueueAPI(queue: jobQueue, token: token, maxBodyBytes: maxBodyBytes, readTimeout: .milliseconds(Int(readTimeout * 1000)),
                           metrics: metrics)
        let (listening, announceListening) = AsyncStream<Void>.makeStream()
        let (listen, databasePath) = (self.listen, queue.databasePath)
        let app = Application(
            router: api.router(),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "wireroom-coordinator",
                                 availableConnectionsDelegate: .maximum(maxConnections, logger: logger)),
            onServerRunning: { channel in
                logger.info("coordinator API listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? listen)", "db": "\(databasePath)"])
                announceListening.finish()
            },
            logger: logger)
        // Ready once listening; the watchdog on a timer, since the event loops answer while the server lives.
        let systemd = SystemdService(logger: logger, status: "serving the queue API", feedsWatchdog: true) {
            for await _ in listening {}
        }
        try await ServiceRunner.run(app, gracePeriod: .seconds(30), logger: logger, systemd: systemd)
        logger.info("coordinator API stopped")
    }
}

/// `HOST:PORT` or `[IPv6]:PORT`, as `--listen` takes it.
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ValidationError("--listen: expected [IPv6]:PORT, got \(text)") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ValidationError("--listen: expected HOST:PORT, got \(text)") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw ValidationError("--listen: no host in \(text)") }
        guard let port = Int(portPart), (0...65535).contains(port) else { throw ValidationError("--listen: port must be 0 to 65535, got \(portPart)") }
        host = String(hostPart)
        self.port = port
    }
}
