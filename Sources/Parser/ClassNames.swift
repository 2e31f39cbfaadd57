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

    func containsAny(_ needles: Needles) -> Bool { needles.occur(in: bytes[...]) }

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

    /// A list of byte strings looked for in one pass over a haystack: at each byte only the
    /// strings that begin with it are compared. The cleaner, the body finder and the date reader
    /// test every element's names against lists of ten to forty words; a `memchr` scan per word
    /// was a twentieth of the parser's time, one pass over the names is a fraction of that.
    struct Needles: Sendable {
        /// The strings, sorted by their first byte, one after another.
        private let bytes: [UInt8]
        /// Three tables in one array, read through one pointer in the scan: 257 entries saying
        /// that the sorted strings beginning with byte `b` are `table[b]..<table[b + 1]`; then
        /// where each sorted string starts in `bytes` (and one entry for the end); then each
        /// sorted string's index in the list given.
        private let table: [Int]
        private let count: Int

        init(_ words: [String]) {
            let sorted = words.map { Array($0.utf8) }.enumerated().filter { !$0.element.isEmpty }
                .sorted { ($0.element[0], $0.offset) < ($1.element[0], $1.offset) }
            var firstByte = Array(repeating: sorted.count, count: 257)
            for (index, word) in sorted.enumerated().reversed() { firstByte[Int(word.element[0])] = index }
            for byte in stride(from: 255, through: 0, by: -1) { firstByte[byte] = min(firstByte[byte], firstByte[byte + 1]) }
            bytes = sorted.flatMap(\.element)
            table = firstByte + sorted.reduce(into: [0]) { $0.append($0.last! + $1.element.count) } + sorted.map(\.offset)
            count = sorted.count
        }

        /// Whether one of the strings occurs in `haystack`.
        func occur(in haystack: ArraySlice<UInt8>) -> Bool { firstOccurring(in: haystack) { _ in true } != nil }

        /// Whether `word` begins with one of the strings.
        func beginOne(_ word: ArraySlice<UInt8>) -> Bool { search(word, onlyAtStart: true) { _ in true } != nil }

        /// The list index of the first string met in `haystack` that `accept` takes.
        func firstOccurring(in haystack: ArraySlice<UInt8>, where accept: (Int) -> Bool) -> Int? {
            search(haystack, onlyAtStart: false, where: accept)
        }

        private func search(_ haystack: ArraySlice<UInt8>, onlyAtStart: Bool, where accept: (Int) -> Bool) -> Int? {
            haystack.withUnsafeBufferPointer { hay in
                bytes.withUnsafeBufferPointer { bytes in
                    table.withUnsafeBufferPointer { table in
                        guard let base = hay.baseAddress, let strings = bytes.baseAddress else { return nil }
                        let starts = table.baseAddress! + 257, listed = starts + count + 1
                        for at in 0..<(onlyAtStart ? min(1, hay.count) : hay.count) {
                            let first = Int(base[at])
                            for candidate in table[first]..<table[first + 1] {
                                let start = starts[candidate], length = starts[candidate + 1] - start
                                guard length <= hay.count - at else { continue }
                                // Compared here, not by `memcmp`: the strings are a few bytes, and
                                // the call cost more than the comparison.
                                var same = 1
                                while same < length, strings[start + same] == base[at + same] { same += 1 }
                                if same == length, accept(listed[candidate]) { return listed[candidate] }
                            }
                        }
                        return nil
                    }
                }
            }
        }
    }

    /// Lists of words as bytes, built once.
    static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
}
