import GRDB
import Model

/// Changes to the per-host counts of fetch jobs that are `queued` and `leased`, gathered during
/// one write transaction and applied once at its end.
///
/// The counts let a lease find hosts that may be fetched now with an index seek. They are kept
/// by the queue's own code rather than by triggers: a trigger makes SQLite keep a statement
/// journal for every INSERT and UPDATE, which halved bulk-add and lease throughput.
/// Every code path that moves a fetch job into or out of `queued` or `leased` records it here.
struct HostCounters {
    private var deltas: [Int64: (queued: Int, leased: Int)] = [:]

    /// Records that one fetch job of `hostID` went from `old` to `new` (nil: it did not exist / no longer does).
    mutating func move(hostID: Int64, from old: JobState?, to new: JobState?) {
        let queued = (new == .queued ? 1 : 0) - (old == .queued ? 1 : 0)
        let leased = (new == .leased ? 1 : 0) - (old == .leased ? 1 : 0)
        guard queued != 0 || leased != 0 else { return }
        let current = deltas[hostID] ?? (0, 0)
        deltas[hostID] = (current.queued + queued, current.leased + leased)
    }

    /// Records a move only when `stage` is the fetch stage (the only one with politeness).
    mutating func move(stage: String, hostID: Int64, from old: JobState?, to new: JobState?) {
        if stage == Stage.fetch.rawValue { move(hostID: hostID, from: old, to: new) }
    }

    /// Writes the gathered changes; call once, just before the transaction commits.
    mutating func apply(_ db: Database) throws {
        let changed = deltas.filter { $0.value.queued != 0 || $0.value.leased != 0 }
        deltas.removeAll()
        guard !changed.isEmpty else { return }
        // One statement for all hosts: the deltas travel as a JSON array of [id, queued, leased].
        let json = "[" + changed.map { "[\($0.key),\($0.value.queued),\($0.value.leased)]" }.joined(separator: ",") + "]"
        try db.cachedStatement(sql: """
            UPDATE hosts SET queued = hosts.queued + delta.queued_change, leased = hosts.leased + delta.leased_change
            FROM (SELECT value ->> 0 AS id, value ->> 1 AS queued_change, value ->> 2 AS leased_change FROM json_each(?)) AS delta
            WHERE hosts.id = delta.id
            """).execute(arguments: [json])
    }

    /// Counts fetch jobs matching `condition` (SQL over `jobs`) per host and adds them to `queued`:
    /// for bulk moves into `queued` (promotion of due jobs, `coordinator retry`), before the move.
    static func addQueued(_ db: Database, matching condition: String, arguments: StatementArguments) throws {
        try db.execute(sql: """
            UPDATE hosts SET queued = hosts.queued + moved.n
            FROM (SELECT host_id, count(*) AS n FROM jobs WHERE stage = 'fetch' AND \(condition) GROUP BY host_id) AS moved
            WHERE hosts.id = moved.host_id
            """, arguments: arguments)
    }
}
