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

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive, got \(timeout)") }
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout must be positive, got \(connectTimeout)") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive, got \(maxBytes)") }
        guard maxRedirects >= 0 else { throw ValidationError("--max-redirects must not be negative, got \(maxRedirects)") }
    }

    var configuration: FetchConfiguration {
        var configuration = FetchConfiguration()
        configuration.addressPolicy = allowPrivate ? .allowPrivate : allowLoopback ? .allowLoopback : .publicOnly
        configuration.totalTimeout = timeout
        configuration.connectTimeout = connectTimeout
        configuration.maxBodyBytes = maxBytes
        configuration.maxRedirects = maxRedirects
        configuration.userAgent = userAgent
        return configuration
    }
}
