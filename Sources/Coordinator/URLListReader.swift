import Foundation
import Model
import Queue

/// Reads a URL list — one URL per line, `#` comments and blank lines skipped — from a file
/// or standard input, in chunks, so a list of millions of lines never sits in memory whole.
struct URLListReader {
    /// One entry of the list, with its 1-based line number for error messages.
    enum Line: Equatable {
        case url(String, line: Int)
        case notUTF8(line: Int)
    }

    enum Failure: Error, LocalizedError {
        case cannotOpen(path: String, reason: String)
        var errorDescription: String? {
            switch self {
            case .cannotOpen(let path, let reason): "cannot read URL list \(path): \(reason)"
            }
        }
    }

    private let handle: FileHandle
    /// Unread input is `buffer[offset...]`; consumed bytes are dropped only when a new chunk
    /// is read, so taking a line never copies the rest of the buffer.
    private var buffer = [UInt8]()
    private var offset = 0
    private var atEnd = false
    private var lineNumber = 0

    /// `path` "-" means standard input.
    init(path: String) throws {
        if path == "-" {
            handle = .standardInput
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure.cannotOpen(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw Failure.cannotOpen(path: path, reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure.cannotOpen(path: path, reason: "permission denied")
        }
        self.handle = handle
    }

    /// The next up to `limit` entries; empty at the end of the input.
    mutating func next(limit: Int) throws -> [Line] {
        var lines: [Line] = []
        while lines.count < limit {
            guard let newline = buffer[offset...].firstIndex(of: UInt8(ascii: "\n")) else {
                if atEnd {
                    if offset < buffer.count, let line = parse(buffer[offset...]) { lines.append(line) }
                    buffer.removeAll()
                    offset = 0
                    return lines
                }
                let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                buffer.removeSubrange(0..<offset)
                offset = 0
                if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
                continue
            }
            if let line = parse(buffer[offset..<newline]) { lines.append(line) }
            offset = newline + 1
        }
        return lines
    }

    private mutating func parse(_ bytes: ArraySlice<UInt8>) -> Line? {
        lineNumber += 1
        guard let text = bytes.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            return .notUTF8(line: lineNumber)
        }
        let trimmed = URLNormalizer.trimmingWhitespace(text)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        return .url(trimmed, line: lineNumber)
    }
}
