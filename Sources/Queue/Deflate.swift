import CZlib
import Foundation

/// zlib compression of payload bodies: HTML shrinks 5–10×, which keeps the queue
/// database and its write volume small while pages wait for a parser. Level 1 (fastest):
/// at level 6 compressing pages took most of a fetch worker's CPU (Benchmarks/fetch.sh).
enum Deflate {
    enum Failure: Error, CustomStringConvertible {
        case zlib(code: Int32)
        var description: String {
            switch self { case .zlib(let code): "zlib error \(code)" }
        }
    }

    static func compress(_ data: Data) throws -> Data {
        if data.isEmpty { return Data() }
        var bound = compressBound(uLong(data.count))
        var output = Data(count: Int(bound))
        let code = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                compress2(
                    out.bindMemory(to: Bytef.self).baseAddress, &bound,
                    input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 1)
            }
        }
        guard code == Z_OK else { throw Failure.zlib(code: code) }
        output.count = Int(bound)
        return output
    }

    /// Inflates `data`, which must decompress to exactly `originalSize` bytes.
    static func decompress(_ data: Data, originalSize: Int) throws -> Data {
        if originalSize == 0 { return Data() }
        var size = uLong(originalSize)
        var output = Data(count: originalSize)
        let code = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                uncompress(
                    out.bindMemory(to: Bytef.self).baseAddress, &size,
                    input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count))
            }
        }
        guard code == Z_OK, Int(size) == originalSize else { throw Failure.zlib(code: code) }
        return output
    }
}
