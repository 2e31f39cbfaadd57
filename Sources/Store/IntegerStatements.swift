import GRDB
import GRDBSQLite

/// Cached statements run through SQLite's own calls: for the index lookups and inserts that a
/// store makes dozens of times per article, GRDB's general argument binding and row decoding
/// cost more than the B-tree step itself (measured on `store dedup`).
extension Statement {
    /// Binds `first` and `second` (when given), steps through every row, handing each to `row`.
    func run(_ first: Int64, _ second: Int64? = nil, in db: Database, row: (OpaquePointer) throws -> Void = { _ in }) throws {
        try run(in: db, binding: { statement in
            statement.bind(1, first)
            if let second { statement.bind(2, second) }
        }, row: row)
    }

    /// Binds the arguments with `binding` (the `bind` calls below), steps through every row,
    /// handing each to `row`.
    func run(in db: Database, binding: (OpaquePointer) -> Void, row: (OpaquePointer) throws -> Void = { _ in }) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        binding(handle)
        try step(in: db, row: row)
    }

    /// Steps through every row of the bound statement, handing each to `row`, and resets it.
    private func step(in db: Database, row: (OpaquePointer) throws -> Void) throws {
        let handle = sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW {
                try row(handle)
            } else if code == SQLITE_DONE {
                return
            } else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }
}

extension Database {
    /// Inserts (key, doc) rows into `table`, a `(key, doc)` primary key, in key order: each page
    /// of the index is then visited once for all the rows it receives, not once per row.
    func insertSorted(_ rows: [(key: Int64, doc: Int64)], into table: String) throws {
        let insert = try cachedStatement(sql: "INSERT OR IGNORE INTO \(table) (key, doc) VALUES (?, ?)")
        for (key, doc) in rows.sorted(by: { $0.key != $1.key ? $0.key < $1.key : $0.doc < $1.doc }) { try insert.run(key, doc, in: self) }
    }
}

extension OpaquePointer {
    /// Binds argument `index` (from 1) of a statement.
    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(self, index, value) }

    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(self, index, value) }

    /// Binds a text, or NULL for nil.
    func bind(_ index: Int32, text: String?) {
        guard let text else { sqlite3_bind_null(self, index); return }
        sqlite3_bind_text(self, index, text, -1, Self.transient)
    }

    /// Binds the bytes of `blob` (an empty blob when it has none: a null pointer would bind NULL);
    /// `integers(column:)` and `blob(column:)` read them back.
    func bind<Element>(_ index: Int32, blob: [Element]) {
        blob.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { sqlite3_bind_zeroblob(self, index, 0); return }
            sqlite3_bind_blob(self, index, start, Int32(bytes.count), Self.transient)
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies a text or blob before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// A blob column of the current row as 8-byte integers, copied out of `blob(column:)`.
    func integers(column: Int32) -> [Int64] {
        let blob = blob(column: column)
        let count = blob.count / 8
        return [Int64](unsafeUninitializedCapacity: count) { integers, initialized in
            UnsafeMutableRawBufferPointer(integers).copyMemory(from: UnsafeRawBufferPointer(rebasing: blob[..<(count * 8)]))
            initialized = count
        }
    }

    /// A blob column of the current row as SQLite holds it: valid until the statement steps or
    /// resets, and not aligned for any type wider than a byte.
    func blob(column: Int32) -> UnsafeRawBufferPointer {
        guard let bytes = sqlite3_column_blob(self, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(self, column)))
    }

    /// Whether a text column of the current row is NULL or `text`, compared without making a string.
    func text(column: Int32, isNilOr text: String) -> Bool {
        guard let value = sqlite3_column_text(self, column) else { return true }
        let stored = UnsafeBufferPointer(start: value, count: Int(sqlite3_column_bytes(self, column)))
        return stored.elementsEqual(text.utf8)
    }

    /// A text column of the current row, nil for NULL.
    func text(column: Int32) -> String? {
        guard let text = sqlite3_column_text(self, column) else { return nil }
        return String(cString: text)
    }
}
