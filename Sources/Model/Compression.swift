import CZlib
import CZstd
import Foundation

// zstd and zlib as the project uses them, each wrapped once, behind one error type: payload
// bodies (zstd; zlib in databases written before zstd), the dedup index's texts (zstd with
// reused contexts), WARC records (gzip members) and gzipped feeds (inflated up to a cap).

/// What went wrong compressing or decompressing.
public enum CompressionFailure: Error, Equatable, CustomStringConvertible {
    case zstd(String)
    case zlib(code: Int32)
    case sizeMismatch(expected: Int, got: Int)
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .zstd(let reason): "zstd: \(reason)"
        case .zlib(let code): "zlib error \(code)"
        case .sizeMismatch(let expected, let got): "decompressed to \(got) bytes, expected \(expected)"
        case .tooLarge(let limit): "inflates to more than \(limit) bytes"
        }
    }
}

/// zstd frames. The instance keeps its compression and decompression contexts for many calls
/// (one caller at a time); the static functions are one-shot.
public final class Zstd {
    public let level: Int32
    private let compression: OpaquePointer
    private let decompression: OpaquePointer

    public init(level: Int32) {
        self.level = level
        compression = ZSTD_createCCtx()
        decompression = ZSTD_createDCtx()
    }

    deinit {
        ZSTD_freeCCtx(compression)
        ZSTD_freeDCtx(decompression)
    }

    /// The frame that starts every zstd stream.
    public static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    public func compress(_ bytes: [UInt8]) throws -> Data {
        try Self.frame(bound: bytes.count) { out in
            bytes.withUnsafeBytes { ZSTD_compressCCtx(compression, out.baseAddress, out.count, $0.baseAddress, $0.count, level) }
        }
    }

    /// Exactly `size` bytes, or a failure.
    public func decompress(_ data: Data, size: Int) throws -> [UInt8] {
        var read = 0
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            read = data.withUnsafeBytes { ZSTD_decompressDCtx(decompression, out.baseAddress, size, $0.baseAddress, $0.count) }
            count = ZSTD_isError(read) != 0 ? 0 : read
        }
        try Self.check(read)
        guard read == size else { throw CompressionFailure.sizeMismatch(expected: size, got: read) }
        return output
    }

    public static func compress(_ data: Data, level: Int32) throws -> Data {
        try frame(bound: data.count) { out in
            data.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, level) }
        }
    }

    /// Exactly `size` bytes, or a failure.
    public static func decompress(_ data: Data, size: Int) throws -> Data {
        var output = Data(count: size)
        let read = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        try check(read)
        guard read == size else { throw CompressionFailure.sizeMismatch(expected: size, got: read) }
        return output
    }

    private static func frame(bound: Int, _ write: (UnsafeMutableRawBufferPointer) -> Int) throws -> Data {
        var output = Data(count: ZSTD_compressBound(bound))
        let written = output.withUnsafeMutableBytes(write)
        try check(written)
        output.count = written
        return output
    }

    private static func check(_ result: Int) throws {
        if ZSTD_isError(result) != 0 { throw CompressionFailure.zstd(String(cString: ZSTD_getErrorName(result))) }
    }
}

/// zlib's deflate formats.
public enum Zlib {
    /// A zlib stream known to hold exactly `size` bytes.
    public static func uncompress(_ data: Data, size: Int) throws -> Data {
        var output = Data(count: size)
        var inflated = uLong(size)
        let code = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                CZlib.uncompress(out.bindMemory(to: Bytef.self).baseAddress, &inflated, input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count))
            }
        }
        guard code == Z_OK else { throw CompressionFailure.zlib(code: code) }
        guard Int(inflated) == size else { throw CompressionFailure.sizeMismatch(expected: size, got: Int(inflated)) }
        return output
    }

    /// One complete gzip member (RFC 1952) holding `data`.
    public static func gzipMember(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        var code = deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw CompressionFailure.zlib(code: code) }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        code = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(data.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END else { throw CompressionFailure.zlib(code: code) }
        output.count = Int(stream.total_out)
        return output
    }

    /// A gzip or zlib stream inflated, stopping past `maxBytes` (a bomb costs no more memory
    /// than the cap).
    public static func inflate(_ data: Data, maxBytes: Int) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 47, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CompressionFailure.zlib(code: Z_STREAM_ERROR)
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = [UInt8](data)
        let result: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var code: Int32 = Z_OK
            while code == Z_OK {
                code = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(outBuffer.baseAddress!, count: outBuffer.count - Int(stream.avail_out))
                    return status
                }
                if output.count > maxBytes { return Z_MEM_ERROR }
            }
            return code
        }
        if output.count > maxBytes { throw CompressionFailure.tooLarge(limit: maxBytes) }
        guard result == Z_STREAM_END else { throw CompressionFailure.zlib(code: result) }
        return output
    }
}
