import ArgumentParser

/// `fetcher`: the fetch-stage worker. Its libcurl downloader is the fetcher issue's work;
/// until then the command only describes itself.
public struct FetcherCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fetcher",
        abstract: "Fetch-stage worker: leases fetch jobs and downloads them with libcurl (not built yet).",
        discussion: "This release has no fetcher yet; only `coordinator` works. The fetcher lands with its own issue."
    )

    public init() {}
}
