import Coordinator

/// An explicit async entry point: top-level `CoordinatorCommand.main()` would pick the
/// synchronous `main()` of `ParsableCommand` and refuse to run `serve`.
@main
enum CoordinatorMain {
    static func main() async {
        await CoordinatorCommand.main()
    }
}
