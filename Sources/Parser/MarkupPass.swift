import Foundation
import Glibc

/// One pass over the `<`s of a page that copies what is kept: the cuts made before libxml2 sees
/// a page (`RawTextStripper`, `AttributeFilter`) differ only in what they leave out.
enum MarkupPass {
    /// The page without the byte ranges `visit` drops. `visit` gets the page's bytes, their count,
    /// the offset of a `<` and a `drop(start, end)` for ranges at or after the last one dropped,
    /// and returns the offset to look for the next `<` from.
    static func rewrite(_ page: Data, _ visit: (_ base: UnsafePointer<UInt8>, _ count: Int, _ open: Int, _ drop: (Int, Int) -> Void) -> Int) -> Data {
        page.withUnsafeBytes { raw -> Data in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return page }
            let count = raw.count
            var output = Data(capacity: count)
            var copied = 0  // bytes before this offset are in `output`
            var at = 0
            while at < count, let found = memchr(base + at, 0x3C, count - at) {  // '<'
                let open = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                at = visit(base, count, open) { start, end in
                    output.append(base + copied, count: start - copied)
                    copied = end
                }
            }
            if copied < count { output.append(base + copied, count: count - copied) }
            return output
        }
    }
}
