import GRDB
import Model

/// Errors the queue reports, each with the facts a user or worker needs to act on it.
public enum QueueError: Error, Equatable, CustomStringConvertible {
    /// The lease token does not match: the lease expired and the job went back to the
    /// queue (and perhaps to another worker). The caller's result must be discarded.
    case staleLease(jobID: Int64)
    /// No queue database exists at the path and the command does not create one.
    case databaseMissing(path: String)
    /// The file exists but SQLite cannot read it as a database.
    case notADatabase(path: String, detail: String)
    /// The database (or its directory) cannot be written.
    case readOnly(path: String, detail: String)
    /// The database was written by a newer Wireroom whose schema this one does not know.
    case schemaTooNew(path: String)
    /// The database could not be opened for another reason.
    case cannotOpen(path: String, detail: String)
    /// A job id that does not exist.
    case unknownJob(id: Int64)
    /// An argument outside what the queue accepts.
    case invalidArgument(String)
    /// Other processes held the database past the busy timeout: try again shortly.
    case busy(path: String)
    /// The disk (or the file system's quota) is full: nothing was written; try again once there is room.
    case storageFull(path: String, detail: String)
    /// A read or write of the file failed (SQLite's I/O error: a failing disk, or a file system
    /// the kernel turned read-only): nothing was written; try again once the storage is mended.
    case storageFailed(path: String, detail: String)

    /// Trouble with the database's storage, not with the work (a busy or read-only file, a full
    /// or failing disk): callers wait and try again instead of counting it against the work.
    public var isTransient: Bool {
        switch self {
        case .busy, .storageFull, .storageFailed, .readOnly: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .staleLease(let id):
            "job \(id): lease is no longer held (it expired and was returned to the queue); result discarded"
        case .databaseMissing(let path):
            "no queue database at \(path) (add URLs first with `coordinator add`, or pass --db / set WIREROOM_DB)"
        case .notADatabase(let path, let detail):
            "\(path) is not a usable SQLite database: \(detail)"
        case .readOnly(let path, let detail):
            "cannot write the database \(path): \(detail)"
        case .schemaTooNew(let path):
            "\(path) was written by a newer Wireroom version; upgrade this installation to use it"
        case .cannotOpen(let path, let detail):
            "cannot open the queue database \(path): \(detail)"
        case .unknownJob(let id):
            "no job with id \(id)"
        case .invalidArgument(let message):
            message
        case .busy(let path):
            "the database \(path) stayed locked by other processes past the busy timeout"
        case .storageFull(let path, let detail):
            "no room to write the database \(path) (disk full): \(detail); nothing was written"
        case .storageFailed(let path, let detail):
            "the disk under the database \(path) failed a read or write (\(detail)): it may have failed or turned read-only; nothing was written"
        }
    }
}

extension QueueError {
    /// What an SQLite error on the database at `path` means for its user. The queue and the
    /// article store both report their files' trouble this way.
    public static func describing(_ error: DatabaseError, path: String) -> QueueError {
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .notADatabase(path: path, detail: detail)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            return .readOnly(path: path, detail: detail)
        case .SQLITE_FULL:
            return .storageFull(path: path, detail: detail)
        case .SQLITE_IOERR:
            return .storageFailed(path: path, detail: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path)
        case .SQLITE_CONSTRAINT:
            return .invalidArgument("the database \(path) refused the change: \(detail)")
        default:
            return .cannotOpen(path: path, detail: detail)
        }
    }
}
