import Foundation

/// A name as its sounds survive transliteration: `Loekasjenko`, `Lukashenko` and `Lukashenka`,
/// `Karpenkov` and `Karpenkow`, `Babariko` and `Babaryka`, `Тихановская` and `Tikhanovskaya`
/// read the same.
///
/// Each language writes a foreign name with its own letters for the same sounds (Dutch `oe`, `sj`
/// and `ch` where English writes `u`, `sh` and `kh`; German `w` for `v`; Belarusian `ў` as `u`),
/// and vowels change between languages and transliteration standards more than consonants. So a
/// name is reduced to its consonant classes: vowels dropped, the spellings of one sound one class
/// (`sh sch sj zh s z` → S; `k c q g h`, and `kh ch`, `tsch tsj tch` — Х and Ч, which
/// languages write with the same letters the other way round — → K; `v w` → V), repeats collapsed, a `u` between a
/// vowel and an `s` read as `v` (Belarusian Ў), a word-initial `ts` as `t` (Belarusian Ц for
/// Russian Т), French `ch` as Ш and Spanish `j` as Х (see `Reading`). Only
/// the first four classes count, so inflected and derived forms of a name (`Belarus`,
/// `Belarussische`, `Belarusian`; `Lukashenko's`) share it. The classes are coarse on purpose:
/// names that share a skeleton by chance cost a little weight, the rarity of the rest decides.
struct NameSkeleton: Hashable, Sendable, Sequence, CustomStringConvertible {
    /// The classes as ASCII bytes, the first in the lowest byte; zero past the last.
    let classes: UInt32

    /// Classes kept: enough to tell names apart, few enough to reach past endings.
    static let length = 4

    /// How a language's text spells the sounds of foreign names where it differs from the rest:
    /// French writes Ш as `ch` (Loukachenko), Spanish writes Х as `j` (Rajímov).
    struct Reading: Sendable {
        var chIsSh = false
        var jIsKh = false

        init(language: String?) {
            let code = language?.lowercased().prefix(2)
            chIsSh = code == "fr"
            jIsKh = code == "es"
        }

        /// Whether this reading differs from the common one.
        var differs: Bool { chIsSh || jIsKh }
    }

    /// The skeleton of a word (letters only, any script), or nil when it has fewer than three
    /// consonant classes (too short to tell one name from another).
    init?(_ word: Substring, reading: Reading = Reading(language: nil)) {
        var letters: [UInt8] = []
        letters.reserveCapacity(word.utf8.count)
        for scalar in word.unicodeScalars { Self.appendLetters(of: scalar, to: &letters) }
        guard let skeleton = letters.withUnsafeBufferPointer({ NameSkeleton(letters: $0, reading: reading) }) else { return nil }
        self = skeleton
    }

    /// The skeleton of ASCII letters in either case (see `appendLetters(of:to:)`), or nil as above.
    /// Packed in an integer, not a string: names are most of the words an article's features
    /// are read from.
    init?(letters: UnsafeBufferPointer<UInt8>, reading: Reading) {
        var classes: UInt32 = 0
        var count = 0
        var last: UInt8 = 0
        func append(_ sound: UInt8) {
            guard sound != last, count < Self.length else { return }
            classes |= UInt32(sound) << (8 * count)
            count += 1
            last = sound
        }
        var index = 0
        func at(_ offset: Int) -> UInt8 { index + offset < letters.count ? letters[index + offset] | 0x20 : 0 }
        func isVowel(_ letter: UInt8) -> Bool { Self.vowels.contains(letter) }
        if at(0) == UInt8(ascii: "t"), at(1) == UInt8(ascii: "s") {
            append(UInt8(ascii: "t"))
            index = 2
        }
        while index < letters.count, count < Self.length {
            let letter = letters[index] | 0x20
            var consumed = 1
            var sound: UInt8?
            switch letter {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "y"):
                sound = nil
            case UInt8(ascii: "j"):
                sound = reading.jIsKh ? UInt8(ascii: "K") : nil
            case UInt8(ascii: "u"):
                // Belarusian Ў, written u: Tsikhanouskaya, Taraykouski
                sound = index > 0 && isVowel(letters[index - 1] | 0x20) && at(1) == UInt8(ascii: "s") ? UInt8(ascii: "v") : nil
            case UInt8(ascii: "w"), UInt8(ascii: "v"): sound = UInt8(ascii: "v")
            case UInt8(ascii: "s"):
                if at(1) == UInt8(ascii: "c"), at(2) == UInt8(ascii: "h") { consumed = 3 } else if Self.afterS.contains(at(1)) { consumed = 2 }
                sound = UInt8(ascii: "S")
            case UInt8(ascii: "z"):
                if at(1) == UInt8(ascii: "h") { consumed = 2 }
                sound = UInt8(ascii: "S")
            case UInt8(ascii: "c"):
                if at(1) == UInt8(ascii: "h") { consumed = 2; sound = reading.chIsSh ? UInt8(ascii: "S") : UInt8(ascii: "K") }
                else if at(1) == UInt8(ascii: "k") { consumed = 2; sound = UInt8(ascii: "K") }
                else if at(1) == UInt8(ascii: "z") { consumed = 2; sound = UInt8(ascii: "S") }
                else { sound = Self.softeningC.contains(at(1)) ? UInt8(ascii: "S") : UInt8(ascii: "K") }
            case UInt8(ascii: "k"), UInt8(ascii: "q"), UInt8(ascii: "g"), UInt8(ascii: "h"):
                if at(1) == UInt8(ascii: "h") { consumed = 2 }
                sound = UInt8(ascii: "K")
            case UInt8(ascii: "x"):
                append(UInt8(ascii: "K"))
                sound = UInt8(ascii: "S")
            case UInt8(ascii: "p"):
                if at(1) == UInt8(ascii: "h") { consumed = 2; sound = UInt8(ascii: "f") } else { sound = letter }
            case UInt8(ascii: "t"):
                if at(1) == UInt8(ascii: "s"), at(2) == UInt8(ascii: "j") || (at(2) == UInt8(ascii: "c") && at(3) == UInt8(ascii: "h")) {
                    // German tsch, Dutch tsj: English ch (Ч), which reads K with every ch
                    consumed = at(2) == UInt8(ascii: "j") ? 3 : 4
                    sound = UInt8(ascii: "K")
                } else if at(1) == UInt8(ascii: "c"), at(2) == UInt8(ascii: "h") {
                    consumed = 3  // French tch
                    sound = UInt8(ascii: "K")
                } else {
                    if at(1) == UInt8(ascii: "h") { consumed = 2 }
                    sound = letter
                }
            case UInt8(ascii: "d"):
                if at(1) == UInt8(ascii: "t") { consumed = 2; sound = UInt8(ascii: "t") } else { sound = letter }
            default:
                sound = letter
            }
            if let sound { append(sound) }
            index += consumed
        }
        guard count >= 3 else { return nil }
        self.classes = classes
    }

    /// A set of lower-case ASCII letters as bits: asked of every letter of every name, where
    /// `String.UTF8View.contains` was a tenth of reading a name.
    struct Letters {
        private let bits: UInt32

        init(_ letters: String) { bits = letters.utf8.reduce(0) { $0 | 1 << ($1 - 0x61) } }

        func contains(_ letter: UInt8) -> Bool { letter &- 0x61 < 26 && bits >> (letter - 0x61) & 1 != 0 }
    }

    private static let vowels = Letters("aeiouyj")
    /// The letters that make one sound with an `s` before them: `sh`, `sj`, `sz`.
    private static let afterS = Letters("hjz")
    /// The letters after which `c` reads `s`.
    private static let softeningC = Letters("eiy")

    /// The classes' bytes, in order: what the feature's key hashes.
    func makeIterator() -> Iterator { Iterator(rest: classes) }

    struct Iterator: IteratorProtocol {
        var rest: UInt32

        mutating func next() -> UInt8? {
            guard rest != 0 else { return nil }
            defer { rest >>= 8 }
            return UInt8(rest & 0xFF)
        }
    }

    var description: String { String(decoding: Array(self), as: UTF8.self) }

    /// Appends a scalar's letters as lower-case ASCII: diacritics dropped (`š` → `s`, `ü` → `u`),
    /// the letters NFKD does not decompose mapped (`ł ø ß æ đ`), Cyrillic transliterated as in
    /// English news. Letters of other scripts are left out.
    @inline(__always)
    static func appendLetters(of scalar: Unicode.Scalar, to letters: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            if value &- 0x61 < 26 { letters.append(UInt8(value)) } else if value &- 0x41 < 26 { letters.append(UInt8(value) | 0x20) }
        } else if value < letterTable.count {
            letters.append(contentsOf: letterTable[Int(value)])
        }
    }

    /// The lower-case ASCII letters of every scalar below U+2000 (the Latin, Greek and Cyrillic
    /// blocks among them), worked out once with Foundation's case mapping and decomposition: a name with an
    /// umlaut then costs a table lookup, not a normalization.
    private static let letterTable: [[UInt8]] = (0..<0x2000).map { value in
        guard value >= 0x80, let scalar = Unicode.Scalar(value) else { return [] }
        var letters: [UInt8] = []
        for part in String(Character(scalar)).lowercased().decomposedStringWithCompatibilityMapping.unicodeScalars {
            if part.value &- 0x61 < 26 {
                letters.append(UInt8(part.value))
            } else if let mapped = otherLatin[part] ?? cyrillic[part] {
                letters.append(contentsOf: mapped.utf8)
            }
        }
        return letters
    }

    private static let otherLatin: [Unicode.Scalar: String] = [
        "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    ]

    /// Cyrillic as English-language news transliterates it (after NFKD: `й` is `и` with a breve,
    /// and reads `i`; `ё` reads `e`).
    private static let cyrillic: [Unicode.Scalar: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi",
        "є": "ye", "ґ": "g", "ў": "u", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz",
    ]
}
