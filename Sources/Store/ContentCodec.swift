import CZstd
import Foundation

/// zstd for the comparable texts the dedup index keeps, with its compression and decompression
/// contexts made once. The texts are read back only to verify candidates, so speed matters more
/// than size: zstd's fast level -3 makes `store dedup` about a quarter faster than level 1, for
/// an index about half again as large.
final class ContentCodec {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let compression: OpaquePointer
    private let decompression: OpaquePointer

    static let level: Int32 = -3

    init() {
        compression = ZSTD_createCCtx()
        decompression = ZSTD_createDCtx()
    }

    deinit {
        ZSTD_freeCCtx(compression)
        ZSTD_freeDCtx(decompression)
    }

    func compress(_ bytes: [UInt8]) throws -> Data {
        var output = Data(count: ZSTD_compressBound(bytes.count))
        let written = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { ZSTD_compressCCtx(compression, out.baseAddress, out.count, $0.baseAddress, $0.count, Self.level) }
        }
        if ZSTD_isError(written) != 0 { throw Failure(description: "zstd: \(String(cString: ZSTD_getErrorName(written)))") }
        output.count = written
        return output
    }

    func decompress(_ data: Data, size: Int) throws -> [UInt8] {
        var read = 0
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            read = data.withUnsafeBytes { ZSTD_decompressDCtx(decompression, out.baseAddress, size, $0.baseAddress, $0.count) }
            count = ZSTD_isError(read) != 0 ? 0 : read
        }
        if ZSTD_isError(read) != 0 { throw Failure(description: "zstd: \(String(cString: ZSTD_getErrorName(read)))") }
        guard read == size else { throw Failure(description: "stored text decompressed to \(read) bytes, expected \(size)") }
        return output
    }
}
