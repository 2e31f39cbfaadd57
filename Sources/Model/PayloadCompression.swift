import CZlib
import CZstd
import Foundation

/// Compression of payload bodies: HTML shrinks 5–10×, which keeps the queue database and its
/// write volume small while pages wait for a parser.
///
/// Bodies are written as zstd frames at level 1: compressing every fetched page is the largest
/// CPU cost of a fetch worker, and zstd does it several times faster than zlib at a better ratio
/// (Benchmarks/fetch.sh). Reading also accepts zlib streams, the format databases written before
/// zstd hold; the two are told apart by the zstd frame's magic number.
package enum PayloadCompression {
    package enum Failure: Error, CustomStringConvertible {
        case zstd(String)
        case zlib(code: Int32)
        case sizeMismatch(expected: Int, got: Int)

        package var description: String {
            switch self {
            case .zstd(let reason): "zstd: \(reason)"
            case .zlib(let code): "zlib error \(code)"
            case .sizeMismatch(let expected, let got): "payload decompressed to \(got) bytes, expected \(expected)"
            }
        }
    }

    static let level: Int32 = 1
    private static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    package static func compress(_ data: Data) throws -> Data {
        if data.isEmpty { return Data() }
        var output = Data(count: ZSTD_compressBound(data.count))
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, level)
            }
        }
        if ZSTD_isError(written) != 0 { throw Failure.zstd(String(cString: ZSTD_getErrorName(written))) }
        output.count = written
        return output
    }

    /// Decompresses `data` (zstd, or zlib from older databases) to exactly `originalSize` bytes.
    package static func decompress(_ data: Data, originalSize: Int) throws -> Data {
        if originalSize == 0 { return Data() }
        var output = Data(count: originalSize)
        let size: Int
        if data.starts(with: zstdMagic) {
            let read = output.withUnsafeMutableBytes { out in
                data.withUnsafeBytes { input in ZSTD_decompress(out.baseAddress, out.count, input.baseAddress, input.count) }
            }
            if ZSTD_isError(read) != 0 { throw Failure.zstd(String(cString: ZSTD_getErrorName(read))) }
            size = read
        } else {
            var inflated = uLong(originalSize)
            let code = output.withUnsafeMutableBytes { out in
                data.withUnsafeBytes { input in
                    uncompress(out.bindMemory(to: Bytef.self).baseAddress, &inflated,
                               input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count))
                }
            }
            guard code == Z_OK else { throw Failure.zlib(code: code) }
            size = Int(inflated)
        }
        guard size == originalSize else { throw Failure.sizeMismatch(expected: originalSize, got: size) }
        return output
    }
}
