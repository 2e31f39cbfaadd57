import CCrypto
import Foundation
import Model
import Queue
import Synchronization

/// Writes fetches as WARC/1.1 files (ISO 28500), the format web archives and Common Crawl use:
/// a `warcinfo` record opens each file, then a `request` and a `response` record per fetch. Each
/// record is its own gzip member (readers can seek to any record), and files rotate at `maxFileBytes`.
///
/// The response record holds the status line and headers as received and the body as delivered
/// to Wireroom, decoded by libcurl. As Common Crawl does for decoded payloads, the headers that
/// described the bytes on the wire (`Content-Encoding`, `Transfer-Encoding`, `Content-Length`) are
/// kept renamed with an `X-Crawler-` prefix, and a new `Content-Length` states the stored body's
/// length, so WARC readers parse the record and nothing the server said is lost.
public final class WARCWriter: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case cannotCreate(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason): "cannot write WARC file \(path): \(reason)"
            }
        }
    }

    private struct OpenFile {
        var handle: FileHandle
        var path: String
        var bytes: Int
    }

    private let directory: String
    private let maxFileBytes: Int
    private let prefix: String
    private let state = Mutex<(file: OpenFile?, sequence: Int)>((nil, 0))
    /// File writes happen here, one after the other, off the fetch tasks' threads.
    private let fileWrites = BlockingExecutor(label: "wireroom.warc")

    public init(directory: String, maxFileBytes: Int = 1 << 30) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure.cannotCreate(path: directory, reason: "\(error.localizedDescription)")
        }
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        let stamp = Self.compactDate(Date())
        prefix = "WIREROOM-\(stamp)-\(getpid())"
    }

    deinit {
        state.withLock { try? $0.file?.handle.close() }
    }

    /// Appends the request and response records of one fetch.
    public func write(_ response: FetchResponse, requestedURL: String, at date: Date = Date()) async throws {
        let responseID = "<urn:uuid:\(UUID().uuidString.lowercased())>"
        let requestID = "<urn:uuid:\(UUID().uuidString.lowercased())>"
        var responseBlock = Self.responseHead(response)
        responseBlock.append(response.body)
        let requestBlock = response.rawRequestHead ?? Data("GET \(requestedURL) HTTP/1.1\r\n\r\n".utf8)
        let common = [("WARC-Date", Self.warcDate(date)), ("WARC-Target-URI", response.finalURL),
                      ("WARC-IP-Address", response.connectedAddress)]
        let responseRecord = try Zlib.gzipMember(Self.record(
            type: "response", id: responseID,
            headers: common + [("Content-Type", "application/http;msgtype=response"),
                               ("WARC-Block-Digest", Self.sha1Digest(responseBlock)),
                               ("WARC-Payload-Digest", Self.sha1Digest(response.body))],
            block: responseBlock))
        let requestRecord = try Zlib.gzipMember(Self.record(
            type: "request", id: requestID,
            headers: common + [("WARC-Concurrent-To", responseID), ("Content-Type", "application/http;msgtype=request"),
                               ("WARC-Block-Digest", Self.sha1Digest(requestBlock))],
            block: requestBlock))
        try await fileWrites.run { try self.append([requestRecord, responseRecord]) }
    }

    /// The paths written so far, oldest first.
    public func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(prefix) }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    private func append(_ members: [Data]) throws {
        PoolGuard.willBlock()
        let size = members.reduce(0) { $0 + $1.count }
        try state.withLock { state in
            if state.file == nil || state.file!.bytes + size > maxFileBytes {
                try state.file?.handle.close()
                state.file = try openNext(sequence: state.sequence)
                state.sequence += 1
            }
            for member in members { try state.file!.handle.write(contentsOf: member) }
            state.file!.bytes += size
        }
    }

    private func openNext(sequence: Int) throws -> OpenFile {
        let name = "\(prefix)-\(String(format: "%05d", sequence)).warc.gz"
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure.cannotCreate(path: path, reason: "cannot create the file")
        }
        let info = Data("software: Wireroom\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n".utf8)
        let member = try Zlib.gzipMember(Self.record(
            type: "warcinfo", id: "<urn:uuid:\(UUID().uuidString.lowercased())>",
            headers: [("WARC-Date", Self.warcDate(Date())), ("WARC-Filename", name), ("Content-Type", "application/warc-fields")],
            block: info))
        try handle.write(contentsOf: member)
        return OpenFile(handle: handle, path: path, bytes: member.count)
    }

    static func record(type: String, id: String, headers: [(String, String)], block: Data) -> Data {
        var head = "WARC/1.1\r\nWARC-Type: \(type)\r\nWARC-Record-ID: \(id)\r\n"
        for (name, value) in headers where !value.isEmpty { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(block.count)\r\n\r\n"
        var data = Data(head.utf8)
        data.append(block)
        data.append(Data("\r\n\r\n".utf8))
        return data
    }

    /// Status line and header lines as received; the wire-encoding headers renamed `X-Crawler-…`.
    static func responseHead(_ response: FetchResponse) -> Data {
        let raw = String(decoding: response.rawResponseHead ?? Data(), as: UTF8.self)
        var lines = raw.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        if lines.isEmpty { lines = ["HTTP/\(response.httpVersion) \(response.status)"] + response.headers.map { "\($0.name): \($0.value)" } }
        let wireHeaders: Set<String> = ["content-encoding", "transfer-encoding", "content-length"]
        let renamed = lines.enumerated().map { index, line in
            let name = line.split(separator: ":").first.map { $0.lowercased() } ?? ""
            return index > 0 && wireHeaders.contains(name) ? "X-Crawler-" + line : line
        }
        return Data((renamed + ["Content-Length: \(response.body.count)", "", ""]).joined(separator: "\r\n").utf8)
    }

    /// `sha1:` and the base32 (RFC 4648) SHA-1 of `data`, the digest form WARC tools expect.
    static func sha1Digest(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha1(), nil)
        }
        return "sha1:" + base32(digest.prefix(Int(length)))
    }

    static func base32(_ bytes: some Collection<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// A WARC-Date (UTC, to the second); the format style is a value, made once.
    static func warcDate(_ date: Date) -> String {
        date.formatted(warcDateStyle)
    }

    private static let warcDateStyle = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)

    private static func compactDate(_ date: Date) -> String {
        warcDate(date).filter(\.isNumber)
    }
}
