import GRDB
import Model

/// Changes what `ALTER TABLE` cannot (a column's constraint, `AUTOINCREMENT`) the way SQLite's
/// documentation describes: a new table from the old one's own `CREATE` text with `change`
/// applied, the rows copied with their ids, the old table dropped, the new one renamed, and
/// the old table's indexes and triggers created again. Runs inside the caller's migration.
public enum TableRebuild {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Rebuilds `table`. `change` gets the table's `CREATE TABLE` text and returns the new one;
    /// returning it unchanged is an error (the migration would silently do nothing).
    public static func rebuild(_ table: String, in db: Database, change: (String) -> String) throws {
        guard let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                                   arguments: [table]) else {
            throw Failed(description: "no table \(table) to rebuild")
        }
        let changed = change(definition)
        guard changed != definition else { throw Failed(description: "rebuilding \(table) would change nothing") }
        let dependents = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL
            """, arguments: [table])
        let staging = "\(table)_rebuilt"
        guard let nameRange = changed.range(of: table) else { throw Failed(description: "no table name in \(table)'s definition") }
        try db.execute(sql: changed.replacingCharacters(in: nameRange, with: staging))
        try db.execute(sql: "INSERT INTO \(staging) SELECT * FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(staging) RENAME TO \(table)")
        for statement in dependents { try db.execute(sql: statement) }
    }
}
