import Foundation
import GRDB
import Model

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
    ///
    /// One pass over the week's outcomes in (host, time) order, the index's: each host's run of
    /// rows is cut into its windows (the last day; its latest `recentPages` and the rest of the
    /// week before them) and summed in memory. A query per host and window cost seconds at a
    /// thousand hosts; window functions in SQL, sorting the whole week, more.
    public func extractionHealth(host: String? = nil, thresholds: HealthThresholds = HealthThresholds()) throws -> [HostHealth] {
        let now = self.now.timeIntervalSince1970
        let day = now - 86_400
        return try read { db in
            let hostFilter = host == nil ? "" : "AND host_id = (SELECT id FROM hosts WHERE name = ?)"
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT host_id, at, body_chars, title, published, author FROM extraction_outcomes INDEXED BY extraction_outcomes_host
                WHERE at >= ? \(hostFilter) ORDER BY host_id, at, id
                """, arguments: [now - 7 * 86_400] + StatementArguments(host.map { [$0] } ?? []))
            var outcomes: [(hostID: Int64, outcomes: [TimedOutcome])] = []
            while let row = try cursor.next() {
                let hostID: Int64 = row[0]
                let outcome = TimedOutcome(at: row[1], outcome: ExtractionOutcome(bodyCharacters: row[2], hasTitle: row[3], hasPublished: row[4],
                                                                                hasAuthor: row[5]))
                if outcomes.last?.hostID == hostID { outcomes[outcomes.count - 1].outcomes.append(outcome) } else { outcomes.append((hostID, [outcome])) }
            }
            let names = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT id, name FROM hosts WHERE id IN (SELECT value FROM json_each(?))
                """, arguments: [SQLIDList(outcomes.map(\.hostID)).json]).map { ($0[0] as Int64, $0[1] as String) })
            let health = outcomes.compactMap { hostID, week -> HostHealth? in
                guard let name = names[hostID] else { return nil }
                let lastDay = week[(week.firstIndex { $0.at >= day } ?? week.endIndex)...]
                let hasRecent = lastDay.count >= thresholds.recentPages
                let recent = hasRecent ? ExtractionFigures(week.suffix(thresholds.recentPages), thresholds: thresholds) : ExtractionFigures()
                let history = hasRecent ? ExtractionFigures(week.dropLast(thresholds.recentPages), thresholds: thresholds) : ExtractionFigures()
                return HostHealth(host: name, last24Hours: ExtractionFigures(lastDay, thresholds: thresholds),
                                  last7Days: ExtractionFigures(week[...], thresholds: thresholds),
                                  recent: recent, history: history, alarm: thresholds.driftReasons(recent: recent, history: history))
            }
            return health.sorted { ($0.inAlarm ? 1 : 0, $0.last24Hours.pages, $1.host) > ($1.inAlarm ? 1 : 0, $1.last24Hours.pages, $0.host) }
        }
    }
}

/// An outcome with the time it was recorded.
struct TimedOutcome {
    var at: Double
    var outcome: ExtractionOutcome
}

extension ExtractionFigures {
    /// The figures of `outcomes`: shares, and the median of the bodies that are not short.
    init(_ outcomes: ArraySlice<TimedOutcome>, thresholds: HealthThresholds) {
        self.init()
        pages = outcomes.count
        guard pages > 0 else { return }
        let share = { (isMissing: (ExtractionOutcome) -> Bool) in Double(outcomes.count { isMissing($0.outcome) }) / Double(outcomes.count) }
        shortBody = share { $0.bodyCharacters < thresholds.shortBody }
        missingTitle = share { !$0.hasTitle }
        missingPublished = share { !$0.hasPublished }
        missingAuthor = share { !$0.hasAuthor }
        let bodies = outcomes.map(\.outcome.bodyCharacters).filter { $0 >= thresholds.shortBody }.sorted()
        medianBodyCharacters = bodies.isEmpty ? 0 : bodies[(bodies.count - 1) / 2]
    }
}
