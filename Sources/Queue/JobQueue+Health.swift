import Foundation
import GRDB

/// Extraction health per host: each article page's outcome is recorded when its parse job
/// completes (same transaction), kept eight days, and summed up per host on demand — over 24
/// hours, over 7 days, and as the drift alarm's two sides: the host's latest pages against the
/// rest of its week. A redesign that empties a site's articles shows as its own pages turning
/// short, whatever the site's usual figures are.
extension JobQueue {
    /// Outcomes older than this are no longer needed: the longest window is 7 days.
    static let extractionMemory: TimeInterval = 8 * 86_400

    func recordExtraction(_ outcome: ExtractionOutcome, hostID: Int64, now: Date, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO extraction_outcomes (host_id, at, body_chars, title, published, author) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [hostID, now.timeIntervalSince1970, outcome.bodyCharacters, outcome.hasTitle, outcome.hasPublished,
                                     outcome.hasAuthor])
    }

    /// Deletes outcomes past the longest window: an index seek, and the few rows that aged out.
    func forgetOldExtractions(now: Date, db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM extraction_outcomes WHERE at < ?")
            .execute(arguments: [now.addingTimeInterval(-Self.extractionMemory).timeIntervalSince1970])
    }

    /// The health of the host named (a host key), or of every host with pages parsed in the last
    /// 7 days, those in alarm first, then the busiest.
    public func extractionHealth(host: String? = nil, thresholds: HealthThresholds = HealthThresholds()) throws -> [HostHealth] {
        let now = self.now.timeIntervalSince1970
        return try read { db in
            let hosts = try Row.fetchAll(db, sql: host == nil ? """
                SELECT DISTINCT o.host_id, h.name FROM extraction_outcomes AS o JOIN hosts AS h ON h.id = o.host_id WHERE o.at >= ?
                """ : """
                SELECT id, name FROM hosts WHERE name = ? AND EXISTS (SELECT 1 FROM extraction_outcomes WHERE host_id = hosts.id AND at >= ?)
                """, arguments: host.map { [$0, now - 7 * 86_400] } ?? [now - 7 * 86_400])
            let health = try hosts.map { row in
                try hostHealth(hostID: row[0], name: row[1], now: now, thresholds: thresholds, db: db)
            }
            return health.sorted { ($0.inAlarm ? 1 : 0, $0.last24Hours.pages, $1.host) > ($1.inAlarm ? 1 : 0, $1.last24Hours.pages, $0.host) }
        }
    }

    private func hostHealth(hostID: Int64, name: String, now: Double, thresholds: HealthThresholds, db: Database) throws -> HostHealth {
        let day = now - 86_400, week = now - 7 * 86_400
        // The recent pages: the host's latest `recentPages` within the day (by id: insertion order).
        let firstRecent = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM extraction_outcomes WHERE host_id = ? AND at >= ? ORDER BY id DESC LIMIT 1 OFFSET ?
            """), arguments: [hostID, day, thresholds.recentPages - 1])
        let recent = try firstRecent.map { try figures(hostID: hostID, since: day, ids: $0..<Int64.max, thresholds: thresholds, db: db) }
            ?? ExtractionFigures()
        let history = try firstRecent.map { try figures(hostID: hostID, since: week, ids: 0..<$0, thresholds: thresholds, db: db) }
            ?? ExtractionFigures()
        return HostHealth(host: name, last24Hours: try figures(hostID: hostID, since: day, thresholds: thresholds, db: db),
                          last7Days: try figures(hostID: hostID, since: week, thresholds: thresholds, db: db),
                          recent: recent, history: history, alarm: thresholds.driftReasons(recent: recent, history: history))
    }

    private func figures(hostID: Int64, since: Double, ids: Range<Int64> = 0..<Int64.max, thresholds: HealthThresholds,
                         db: Database) throws -> ExtractionFigures {
        let filter = "host_id = ? AND at >= ? AND id >= ? AND id < ?"
        let arguments: StatementArguments = [hostID, since, ids.lowerBound, ids.upperBound]
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT COUNT(*), TOTAL(body_chars < ?), TOTAL(title = 0), TOTAL(published = 0), TOTAL(author = 0)
            FROM extraction_outcomes WHERE \(filter)
            """), arguments: [thresholds.shortBody] + arguments) else { return ExtractionFigures() }
        var result = ExtractionFigures()
        result.pages = row[0]
        guard result.pages > 0 else { return result }
        let pages = Double(result.pages)
        result.shortBody = (row[1] as Double) / pages
        result.missingTitle = (row[2] as Double) / pages
        result.missingPublished = (row[3] as Double) / pages
        result.missingAuthor = (row[4] as Double) / pages
        let bodies = result.pages - Int(row[1] as Double)
        guard bodies > 0 else { return result }
        result.medianBodyCharacters = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT body_chars FROM extraction_outcomes WHERE \(filter) AND body_chars >= ? ORDER BY body_chars LIMIT 1 OFFSET ?
            """), arguments: arguments + [thresholds.shortBody, (bodies - 1) / 2]) ?? 0
        return result
    }
}
