import ArgumentParser

/// `store`: the store-stage worker. Deduplication and the article database are the store
/// issue's work; until then the command only describes itself.
public struct StoreCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store-stage worker: deduplicates stories and keeps the article database (not built yet).",
        discussion: "This release has no store yet; only `coordinator` works. The store lands with its own issue."
    )

    public init() {}
}
