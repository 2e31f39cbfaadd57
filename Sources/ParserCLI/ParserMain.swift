import Parser

/// An explicit async entry point: top-level `ParserCommand.main()` would pick the synchronous
/// `main()` of `ParsableCommand` and refuse to run `run`, which is async.
@main
enum ParserMain {
    static func main() async {
        await ParserCommand.main()
    }
}
