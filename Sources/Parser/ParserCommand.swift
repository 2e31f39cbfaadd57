import ArgumentParser

/// `parser`: turns fetched pages into clean articles.
public struct ParserCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parser",
        abstract: "Turns fetched pages into clean articles: body text without page chrome, and metadata.",
        subcommands: [ExtractCommand.self, ParseRunCommand.self]
    )

    public init() {}
}
