import Foundation
import GRDB
import Model
import Queue

/// Opening the store stage's SQLite files: the article database (articles, search, and its dedup
/// and event indexes), or `store dedup`'s own index file.
enum StoreDatabase {
    /// `durable: false` is for `store dedup`'s throw-away index: no journal, no fsync.
    static func open(at path: String, durable: Bool, migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // Takes effect when the file is created: space freed by compaction can then be given
            // back to the file system (`PRAGMA incremental_vacuum`) without rewriting the file.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            if durable {
                // FULL: every commit reaches the disk before it returns. The store worker
                // completes its store jobs in the queue, another file, right after the commit; had
                // the article database kept its last commits only in the page cache, a power cut
                // or a disk turning read-only could lose articles whose jobs the queue already
                // counts as done. The cost is one fsync per stored batch.
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
            } else {
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            }
            // A fixed page cache: memory stays flat as the index grows past it.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let migrator = migrator(migrations)
        return try SetUpRace.retrying {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            try migrator.migrate(database)
            return database
        }
    }

    /// The migrations of a store file: its dedup and event indexes', then `migrations`.
    static func migrator(_ migrations: (inout DatabaseMigrator) -> Void) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        DedupIndex.registerMigration(&migrator)
        EventIndex.registerMigration(&migrator)
        migrations(&migrator)
        return migrator
    }

    /// An existing article database for reading only, as it is: no migration, no pragma that
    /// writes. Nothing is created.
    static func openForReading(at path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
