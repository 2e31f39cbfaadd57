import CLibXML2
import Glibc

/// An element's naming attributes (class, id, itemprop) as lower-case bytes, and the word and
/// substring tests the cleaner and the body finder make on them for every element. Working on
/// bytes keeps these tests off Foundation's locale-aware string search, which dominated the
/// parser's profile.
struct ClassNames {
    let bytes: [UInt8]

    init(_ node: HTMLNode, _ attributes: [Attribute] = [.class, .id]) {
        var bytes: [UInt8] = []
        for attribute in attributes {
            guard let value = node.attributeValue(attribute) else { continue }
            bytes.reserveCapacity(bytes.count + strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self)) + 1)
            if !bytes.isEmpty { bytes.append(0x20) }
            var at = value
            while at.pointee != 0 {
                let byte = at.pointee
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                at += 1
            }
        }
        self.bytes = bytes
    }

    var isEmpty: Bool { bytes.allSatisfy { $0 == 0x20 } }

    /// Whether a word satisfies `test`. Words are split at spaces, `-` and `_`, trailing digits
    /// dropped (`ad-slot-3` → ad, slot; `123` → an empty word). Read in place: the cleaner asks
    /// this of every element, and an array of the words cost more than the test.
    func containsWord(where test: (ArraySlice<UInt8>) -> Bool) -> Bool {
        var start = 0
        for end in 0...bytes.count where end == bytes.count || Self.separatesWords(bytes[end]) {
            defer { start = end + 1 }
            guard end > start else { continue }
            var wordEnd = end
            while wordEnd > start, bytes[wordEnd - 1] &- 0x30 < 10 { wordEnd -= 1 }
            if test(bytes[start..<wordEnd]) { return true }
        }
        return false
    }

    private static func separatesWords(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2D || byte == 0x5F || byte == 0x09 || byte == 0x0A }

    func contains(_ needle: [UInt8]) -> Bool { Self.find(needle, in: bytes[...]) }

    func containsAny(_ needles: [[UInt8]]) -> Bool { !bytes.isEmpty && needles.contains { contains($0) } }

    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Bool {
        needle.isEmpty || end(of: needle, in: haystack) != nil
    }

    /// Where the first `needle` (not empty) in `haystack` ends, as an index of `haystack`.
    static func end(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                guard let base = hay.baseAddress else { return nil }
                var at = base
                let last = base + (hay.count - pattern.count)
                while at <= last, let hit = memchr(at, Int32(pattern[0]), last - at + 1) {
                    if memcmp(hit, pattern.baseAddress!, pattern.count) == 0 {
                        return haystack.startIndex + (UnsafeRawPointer(hit) - base) + pattern.count
                    }
                    at = UnsafeRawPointer(hit) + 1
                }
                return nil
            }
        }
    }

    static func hasPrefix(_ word: ArraySlice<UInt8>, _ prefix: [UInt8]) -> Bool {
        word.count >= prefix.count && word.prefix(prefix.count).elementsEqual(prefix)
    }

    /// Words looked up by length, so a class word is tested where it lies, without the array a
    /// `Set<[UInt8]>` lookup would build for every word of every element.
    struct WordSet: Sendable {
        private let byLength: [[[UInt8]]]

        init(_ words: [[UInt8]]) {
            var byLength = Array(repeating: [[UInt8]](), count: (words.map(\.count).max() ?? 0) + 1)
            for word in words { byLength[word.count].append(word) }
            self.byLength = byLength
        }

        func contains(_ word: ArraySlice<UInt8>) -> Bool {
            word.count < byLength.count && byLength[word.count].contains { $0.elementsEqual(word) }
        }
    }

    /// Lists of words as bytes, built once.
    static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
}
