import Fetcher

/// An explicit async entry point: top-level `await FetcherCommand.main()` would pick the
/// synchronous `main()` of `ParsableCommand` and refuse to run async subcommands.
@main
enum FetcherMain {
    static func main() async {
        await FetcherCommand.main()
    }
}
