import Foundation
import GRDB
import Model
import Testing
import TestSupport
@testable import Queue

@Suite("Database files: migration and damage")
struct DatabaseFileTests {
    @Test("a database file from the previous schema version migrates, keeping its jobs")
    func migratesPreviousVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("queue.sqlite")
        // Build the file exactly as the previous version (schema v1 only) wrote it.
        let old = try DatabaseQueue(path: path)
        try QueueSchema.migrator.migrate(old, upTo: "v1-jobs")
        try old.write { db in
            try db.execute(sql: "INSERT INTO hosts (id, name, queued) VALUES (1, 'example.com', 0)")
            try db.execute(sql: "INSERT INTO urls (id, url, url_hash, host_id, added_at) VALUES (1, 'https://example.com/a', ?, 1, 0)", arguments: [StableHash.of("https://example.com/a")])
            try db.execute(sql: "SELECT 1")
            try db.execute(sql: """
                INSERT INTO jobs (stage, state, url_id, host_id, max_attempts, created_at, updated_at)
                VALUES ('fetch', 'queued', 1, 1, 5, 0, 0)
                """)
        }
        try old.close()

        let queue = try JobQueue.open(at: path)
        let columns = try queue.read { db in try db.columns(in: "urls").map(\.name) }
        #expect(columns.contains("etag") && columns.contains("last_modified"))
        #expect(try queue.count(.fetch, .queued) == 1)
        let applied = try queue.read { try QueueSchema.migrator.appliedMigrations($0) }
        #expect(applied == QueueSchema.migrator.migrations, "every migration since v1 applied")
        #expect(try queue.add(["https://example.com/a"]) == [.known(url: "https://example.com/a")])
    }

    @Test("a v5 file gets ids that are never reused: its jobs keep theirs, and a purge no longer frees the highest")
    func jobIDsNeverReused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("queue.sqlite")
        let old = try DatabaseQueue(path: path)
        try QueueSchema.migrator.migrate(old, upTo: "v5-extraction-health")
        try old.write { db in
            try db.execute(sql: "INSERT INTO hosts (id, name, queued) VALUES (1, 'example.com', 0)")
            try db.execute(sql: "INSERT INTO urls (id, url, url_hash, host_id, added_at) VALUES (1, 'https://example.com/a', ?, 1, 0)",
                           arguments: [StableHash.of("https://example.com/a")])
            for _ in 0..<3 {
                try db.execute(sql: """
                    INSERT INTO jobs (stage, state, url_id, host_id, max_attempts, created_at, updated_at)
                    VALUES ('fetch', 'done', 1, 1, 5, 0, 0)
                    """)
            }
        }
        try old.close()

        let queue = try JobQueue.open(at: path)
        #expect(try queue.jobs(matching: JobFilter()).map(\.id).sorted() == [1, 2, 3])
        let indexes = try queue.read { db in try db.indexes(on: "jobs").map(\.name) }
        #expect(Set(indexes).isSuperset(of: ["jobs_fetch_ready", "jobs_parse_ready", "jobs_store_ready", "jobs_leases", "jobs_url"]))
        #expect(try queue.purge(before: Date().addingTimeInterval(3600)).jobs == 3)
        _ = try queue.add(["https://example.com/b"])
        #expect(try queue.jobs(matching: JobFilter()).map(\.id) == [4])
        #expect(try queue.identity.count == 32 && JobQueue.open(at: path).identity == queue.identity)
    }

    @Test("a database from a newer version is refused, not damaged")
    func refusesNewerSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("queue.sqlite")
        _ = try JobQueue.open(at: path, creating: true)
        let newer = try DatabaseQueue(path: path)
        try newer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        try newer.close()
        #expect(throws: QueueError.schemaTooNew(path: path)) { try JobQueue.open(at: path) }
    }

    @Test("a missing file is an error unless creating; nothing is created by mistake")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nope/queue.sqlite")
        #expect(throws: QueueError.databaseMissing(path: path)) { try JobQueue.open(at: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try JobQueue.open(at: path, creating: true)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a corrupt file is reported as such and left untouched")
    func corruptFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("queue.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect {
            try JobQueue.open(at: path, creating: true)
        } throws: { error in
            guard case QueueError.notADatabase(let reported, _) = error else { return false }
            return reported == path
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test("a directory in place of the file is reported")
    func directoryInPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: QueueError.cannotOpen(path: directory.url.path, detail: "it is a directory")) {
            try JobQueue.open(at: directory.url.path)
        }
    }
}
