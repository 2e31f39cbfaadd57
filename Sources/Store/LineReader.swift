import Foundation

/// Reads a file (or standard input, for `-`) line by line in fixed-size chunks: a JSON Lines
/// input of any size is read in bounded memory.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private static let chunkSize = 1 << 20

    init(path: String) throws {
        if path == "-" {
            handle = .standardInput
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot open \(path)"])
            }
            handle = file
        }
    }

    /// The next line without its line break (a `\r` before it is dropped too); nil at the end.
    mutating func next() throws -> Data? {
        while true {
            let unread = buffer.count - position
            let newline = buffer.withUnsafeBytes { bytes -> Int? in
                guard unread > 0, let found = memchr(bytes.baseAddress! + position, 0x0A, unread) else { return nil }
                return UnsafeRawPointer(found) - bytes.baseAddress!
            }
            if let newline {
                var end = newline
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                defer { position = newline + 1 }
                return Data(buffer[position..<end])
            }
            if atEnd {
                guard unread > 0 else { return nil }
                defer { position = buffer.count }
                return Data(buffer[position...])
            }
            // Keep only the unread tail, then read on.
            buffer.removeFirst(position)
            position = 0
            let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
