import Foundation
import GRDB
import Model

extension JobQueue {
    /// The fingerprints known as boilerplate on each of `hosts` (host keys).
    public func boilerplate(hosts: Set<String>, policy: BoilerplatePolicy = BoilerplatePolicy()) throws -> [String: Set<Int64>] {
        guard !hosts.isEmpty else { return [:] }
        let names = String(decoding: try JSONEncoder().encode(hosts.sorted()), as: UTF8.self)
        return try read { db in
            var known: [String: Set<Int64>] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT hosts.name, blocks.fingerprint FROM boilerplate_blocks AS blocks
                JOIN hosts ON hosts.id = blocks.host_id
                JOIN boilerplate_hosts AS recorded ON recorded.host_id = blocks.host_id
                WHERE hosts.name IN (SELECT value FROM json_each(?))
                  AND blocks.pages >= ? AND blocks.pages >= ? * recorded.pages
                """, arguments: [names, policy.minimumPages, policy.minimumShare])
            while let row = try rows.next() {
                known[row[0], default: []].insert(row[1])
            }
            return known
        }
    }

    /// Records the block fingerprints of parsed pages, one entry per page, by host.
    public func recordBlocks(_ pages: [HostBlocks], policy: BoilerplatePolicy = BoilerplatePolicy()) throws {
        guard !pages.isEmpty else { return }
        let now = self.now.timeIntervalSince1970
        try write { db in
            // The host's recorded-page count, its row created on first sight.
            let recordedPages = try db.cachedStatement(sql: """
                INSERT INTO boilerplate_hosts (host_id, pages) VALUES (?, 0)
                ON CONFLICT (host_id) DO UPDATE SET pages = pages RETURNING pages
                """)
            let seen = try db.cachedStatement(sql: "UPDATE boilerplate_hosts SET pages = pages + 1 WHERE host_id = ?")
            let block = try db.cachedStatement(sql: """
                INSERT INTO boilerplate_blocks (host_id, fingerprint, pages, last_seen) VALUES (?, ?, 1, ?)
                ON CONFLICT (host_id, fingerprint) DO UPDATE SET pages = pages + 1, last_seen = excluded.last_seen
                """)
            let forget = try db.cachedStatement(sql: """
                DELETE FROM boilerplate_blocks WHERE host_id = ? AND pages = 1 AND last_seen < ?
                """)
            for page in pages {
                let hostID = try Self.upsertHost(db, name: page.host, configuration: configuration)
                let recorded = try Int.fetchOne(recordedPages, arguments: [hostID]) ?? 0
                // Past the first pages of a host, a sample of its pages is enough to learn from.
                if recorded >= policy.fullRecording && Int.random(in: 0..<policy.sampleEvery) != 0 { continue }
                try seen.execute(arguments: [hostID])
                for fingerprint in page.fingerprints { try block.execute(arguments: [hostID, fingerprint, now]) }
                if (recorded + 1) % 100 == 0 { try forget.execute(arguments: [hostID, now - policy.singletonLifetime]) }
            }
        }
    }
}
