import ArgumentParser

/// `parser`: the parse-stage worker. Extraction is the parser issue's work; until then the
/// command only describes itself.
public struct ParserCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parser",
        abstract: "Parse-stage worker: turns fetched pages into clean articles (not built yet).",
        discussion: "This release has no parser yet; only `coordinator` works. The parser lands with its own issue."
    )

    public init() {}
}
