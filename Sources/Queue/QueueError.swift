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

    /// Trouble that passes (a busy database, a full disk): callers wait and try again instead
    /// of counting it against the work.
    public var isTransient: Bool {
        switch self {
        case .busy, .storageFull, .readOnly: true
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
            "cannot write the queue database \(path): \(detail)"
        case .schemaTooNew(let path):
            "\(path) was written by a newer Wireroom version; upgrade this installation to use it"
        case .cannotOpen(let path, let detail):
            "cannot open the queue database \(path): \(detail)"
        case .unknownJob(let id):
            "no job with id \(id)"
        case .invalidArgument(let message):
            message
        case .busy(let path):
            "the queue database \(path) stayed locked by other processes past the busy timeout"
        case .storageFull(let path, let detail):
            "no room to write the queue database \(path) (disk full): \(detail); nothing was written"
        }
    }
}
