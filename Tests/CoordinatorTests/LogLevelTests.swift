import Foundation
import Model
import Queue
import Testing
import TestSupport

/// `--log-level` and `WIREROOM_LOG_LEVEL` on every long-running command.
@Suite("Log level")
struct LogLevelTests {
    @Test("debug lines show at --log-level debug and not by default; the variable sets it too; a bad level is named", arguments: ["fetcher", "parser", "store"])
    func level(product: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.path("queue.sqlite")
        _ = try JobQueue.openWithoutPoliteness(at: database)
        let run = ["run", "--db", database, "--exit-when-idle"] + (product == "store" ? ["--store-db", directory.path("articles.sqlite")] : [])
        let quiet = try runProduct(product, run)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(!quiet.stderr.contains(" debug "), "\(quiet.stderr)")
        let flag = try runProduct(product, run + ["--log-level", "debug"])
        #expect(flag.status == 0 && flag.stderr.contains(" debug "), "\(flag.stderr)")
        let variable = try runProcess(builtProduct(product), run, environment: ProcessInfo.processInfo.environment.merging(["WIREROOM_LOG_LEVEL": "DEBUG"]) { $1 })
        #expect(variable.status == 0 && variable.stderr.contains(" debug "), "\(variable.stderr)")
        let bad = try runProcess(builtProduct(product), run, environment: ProcessInfo.processInfo.environment.merging(["WIREROOM_LOG_LEVEL": "loud"]) { $1 })
        #expect(bad.status != 0 && bad.stderr.contains("WIREROOM_LOG_LEVEL must be one of trace, debug, info"), "\(bad.stderr)")
        let badFlag = try runProduct(product, run + ["--log-level", "chatty"])
        #expect(badFlag.status != 0 && badFlag.stderr.contains("--log-level must be one of"), "\(badFlag.stderr)")
    }

    @Test("coordinator serve takes --log-level and refuses a bad one by name")
    func serve() throws {
        let bad = try runProduct("coordinator", ["serve", "--log-level", "chatty"])
        #expect(bad.status != 0 && bad.stderr.contains("--log-level must be one of"), "\(bad.stderr)")
    }
}
