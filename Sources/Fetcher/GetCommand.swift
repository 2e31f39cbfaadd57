import ArgumentParser
import Foundation

/// `fetcher get URL`: one fetch through the worker's engine, for debugging a source.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Fetch one URL and print status, final URL, timing, size and headers.",
        discussion: """
            Exits 0 for a 2xx or 3xx answer. Otherwise exits 1 and prints the failure class on the \
            last line: dns, connect, tls, timeout, too-large, redirect-limit, scheme-refused, \
            private-address-refused, network, decoding, protocol, http-4xx, http-5xx.
            """
    )

    @OptionGroup var options: FetchOptions

    @Argument(help: "The URL (http or https).")
    var url: String

    @Flag(name: .long, help: "Also print the body.")
    var body = false

    func run() async throws {
        let engine = FetchEngine(configuration: options.configuration)
        let result = await engine.fetch(FetchRequest(url: url))
        engine.shutdown()
        switch result {
        case .success(let response):
            print("status     \(response.status)")
            print("final url  \(response.finalURL)")
            print("address    \(response.connectedAddress)")
            print("http       \(response.httpVersion)")
            print(String(format: "time       %.3f s", response.seconds))
            print("size       \(response.bodySize) bytes")
            for header in response.headers { print("\(header.name): \(header.value)") }
            if body { print(""); print(String(decoding: response.body, as: UTF8.self)) }
            if response.status >= 400 {
                let failure = FetchFailure.http(status: response.status)
                print(failure.errorClass)
                throw ExitCode(1)
            }
        case .failure(let failure):
            FileHandle.standardError.write(Data("fetch failed: \(failure)\n".utf8))
            print(failure.errorClass)
            throw ExitCode(1)
        }
    }
}
