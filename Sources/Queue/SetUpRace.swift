import Foundation
import GRDB
import Model

/// Opening an SQLite file that another process may be creating at the same moment (a worker and
/// the coordinator started together, two workers).
public enum SetUpRace {
    /// Runs `open` (open the file, migrate it) again while it loses the set-up race: switching a
    /// new file to WAL needs it to itself, and SQLite answers "busy" or "locked" at once rather
    /// than wait; and both may see a migration still to do, so the second's CREATE or ADD COLUMN
    /// finds the first's table or column (each migration is its own transaction: nothing is left
    /// half-done).
    /// Either way the other process is setting the file up, and a second look finds it done.
    /// Gives up after about 5 s, rethrowing the last error.
    public static func retrying<T>(_ open: () throws -> T) throws -> T {
        for attempt in 1... {
            do {
                return try open()
            } catch let error as DatabaseError where attempt < 100 && lost(error) {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        fatalError("unreachable: the last attempt rethrows")
    }

    static func lost(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            || error.resultCode == .SQLITE_ERROR && ((error.message ?? "").hasSuffix("already exists")
                || (error.message ?? "").hasPrefix("duplicate column name"))
    }
}
