import Foundation
import Glibc

/// Keeps the first `limit` attributes of every start tag and drops the rest, before libxml2 sees
/// the page.
///
/// libxml2 2.9's HTML parser checks each attribute of an element against all that came before
/// it: one tag with 40 000 attributes takes 10 s, 300 000 over a minute. No page needs more than
/// a few dozen. The scan is one pass over the tags; a page with no over-long tag is returned as
/// it is, without a copy.
enum AttributeLimiter {
    static let defaultLimit = 256

    static func limit(_ page: Data, to limit: Int = defaultLimit) -> Data {
        page.withUnsafeBytes { raw -> Data in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return page }
            let count = raw.count
            var output: Data?
            var copied = 0
            var at = 0
            while at < count, let found = memchr(base + at, 0x3C, count - at) {  // '<'
                let open = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                guard open + 1 < count, isLetter(base[open + 1]) else {
                    at = open + 1
                    continue
                }
                let tag = scanTag(base, count, from: open + 1, limit: limit)
                if let cut = tag.cut {
                    if output == nil { output = Data(capacity: count) }
                    output!.append(base + copied, count: cut - copied)
                    output!.append(0x3E)  // '>'
                    copied = min(tag.end + 1, count)
                }
                at = tag.end + 1
            }
            guard var output else { return page }
            if copied < count { output.append(base + copied, count: count - copied) }
            return output
        }
    }

    /// Where the tag starting at `from` (its name) ends (its `>`, or the page's end), and where
    /// its `limit + 1`-th attribute starts, if it has that many.
    private static func scanTag(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int, limit: Int) -> (end: Int, cut: Int?) {
        var at = from
        while at < count, !isSpace(base[at]), base[at] != 0x3E, base[at] != 0x2F { at += 1 }  // the name
        var attributes = 0
        var cut: Int?
        while at < count {
            let byte = base[at]
            if byte == 0x3E { return (at, cut) }
            if isSpace(byte) || byte == 0x2F {
                at += 1
                continue
            }
            // An attribute: its name, then optionally `=` and a value.
            attributes += 1
            if attributes == limit + 1 { cut = at }
            while at < count, !isSpace(base[at]), base[at] != 0x3E, base[at] != 0x3D, base[at] != 0x2F { at += 1 }
            while at < count, isSpace(base[at]) { at += 1 }
            guard at < count, base[at] == 0x3D else { continue }
            at += 1
            while at < count, isSpace(base[at]) { at += 1 }
            guard at < count else { break }
            let quote = base[at]
            if quote == 0x22 || quote == 0x27 {
                guard let close = memchr(base + at + 1, Int32(quote), count - at - 1) else { return (count, cut) }
                at = UnsafeRawPointer(close).assumingMemoryBound(to: UInt8.self) - base + 1
            } else {
                while at < count, !isSpace(base[at]), base[at] != 0x3E { at += 1 }
            }
        }
        return (count, cut)
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }
}
