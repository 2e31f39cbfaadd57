import ArgumentParser

/// `fetcher`: the fetch stage. `fetcher run` is the worker leasing from the queue; `fetcher get`
/// fetches one URL through the same engine and limits.
public struct FetcherCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fetcher",
        abstract: "Fetch stage: downloads pages with libcurl's multi interface, within strict bounds.",
        discussion: "`fetcher run` is the queue worker; `fetcher get URL` fetches one URL through the same engine and limits.",
        subcommands: [RunCommand.self, GetCommand.self]
    )

    public init() {}
}

/// Options shared by every command that fetches.
struct FetchOptions: ParsableArguments {
    @Flag(name: .long, help: "Allow loopback addresses (127.0.0.0/8, ::1): local runs and tests.")
    var allowLoopback = false

    @Flag(name: .long, help: "Allow private, link-local and shared addresses too (your own network).")
    var allowPrivate = false

    @Option(name: .long, help: ArgumentHelp("Total time limit per transfer, seconds.", valueName: "seconds"))
    var timeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Connect time limit, seconds.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("Largest body kept, bytes (after decoding).", valueName: "bytes"))
    var maxBytes = 10 * 1024 * 1024

    @Option(name: .long, help: "Most redirects followed.")
    var maxRedirects = 10

    @Option(name: .long, help: "The User-Agent sent; name a contact URL.")
    var userAgent = FetchConfiguration().userAgent

    @Option(name: .long, help: ArgumentHelp(
        "Fetch through this proxy (http://, https://, socks5h://; host:port). Without it no proxy is used: "
            + "http_proxy, https_proxy and ALL_PROXY are ignored. Targets are still resolved and checked against the address policy.",
        valueName: "url"))
    var proxy: String?

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive, got \(timeout)") }
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout must be positive, got \(connectTimeout)") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive, got \(maxBytes)") }
        guard maxRedirects >= 0 else { throw ValidationError("--max-redirects must not be negative, got \(maxRedirects)") }
        if let proxy { try Self.validateProxy(proxy) }
    }

    static func validateProxy(_ proxy: String) throws {
        let schemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]
        guard let colon = proxy.range(of: "://"), schemes.contains(proxy[..<colon.lowerBound].lowercased()),
              !proxy[colon.upperBound...].isEmpty, !proxy.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
        else {
            throw ValidationError("--proxy must be SCHEME://HOST:PORT with a scheme of \(schemes.joined(separator: ", ")), got \(proxy.debugDescription)")
        }
    }

    var configuration: FetchConfiguration {
        var configuration = FetchConfiguration()
        configuration.addressPolicy = allowPrivate ? .allowPrivate : allowLoopback ? .allowLoopback : .publicOnly
        configuration.totalTimeout = timeout
        configuration.connectTimeout = connectTimeout
        configuration.maxBodyBytes = maxBytes
        configuration.maxRedirects = maxRedirects
        configuration.userAgent = userAgent
        configuration.proxy = proxy
        return configuration
    }
}
