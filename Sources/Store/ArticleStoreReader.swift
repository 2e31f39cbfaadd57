import Foundation
import Synchronization

/// The article database opened once, for reading, as soon as it exists: what the coordinator's
/// `/metrics`, `/v1/stats`, status page and `stats --watch` read, without a new connection and
/// migrations per request. Until the store worker has created the file and migrated all its
/// tables there is nothing to read.
public final class ArticleStoreReader: Sendable {
    public let path: String
    private let opened = Mutex<ArticleStore?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// The store, or nil while its file does not exist or its tables are not all migrated yet.
    public func store() throws -> ArticleStore? {
        try opened.withLock { opened in
            if let opened { return opened }
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            let store = try ArticleStore(readingAt: path)
            guard try store.isMigrated() else { return nil }
            opened = store
            return store
        }
    }
}
