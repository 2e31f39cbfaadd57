import Store

/// An explicit async entry point: top-level `StoreCommand.main()` would pick the synchronous
/// `main()` of `ParsableCommand` and refuse to run `run`, which is async.
@main
enum StoreMain {
    static func main() async {
        await StoreCommand.main()
    }
}
