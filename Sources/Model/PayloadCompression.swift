import Foundation

/// Compression of payload bodies: HTML shrinks 5–10×, which keeps the queue database and its
/// write volume small while pages wait for a parser.
///
/// Bodies are written as zstd frames at level 1: compressing every fetched page is the largest
/// CPU cost of a fetch worker, and zstd does it several times faster than zlib at a better ratio
/// (Benchmarks/fetch.sh). Reading also accepts zlib streams, the format databases written before
/// zstd hold; the two are told apart by the zstd frame's magic number.
package enum PayloadCompression {
    static let level: Int32 = 1

    package static func compress(_ data: Data) throws -> Data {
        data.isEmpty ? Data() : try Zstd.compress(data, level: level)
    }

    /// Decompresses `data` (zstd, or zlib from older databases) to exactly `originalSize` bytes.
    package static func decompress(_ data: Data, originalSize: Int) throws -> Data {
        if originalSize == 0 { return Data() }
        return data.starts(with: Zstd.magic) ? try Zstd.decompress(data, size: originalSize) : try Zlib.uncompress(data, size: originalSize)
    }
}
