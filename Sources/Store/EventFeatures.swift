import Foundation

/// What an article says that reads the same in every language: the names it mentions (people,
/// places, organizations, as `NameSkeleton`s), its specific numbers (`4,5 uur` and `4.5 hours`
/// share `4.5`; `80 procent` and `80 percent` share `80%`) and the days of the month it names
/// (`10 augustus`, `August 10`, `10. August`). Two reports of one event in two languages share
/// few words but many of these; two events of one crisis share the crisis's names but not the
/// day, the numbers, or the rarer names of the people involved.
///
/// A name is a word written with a capital letter inside a sentence (a sentence's first word is
/// not, unless the article also capitalizes it elsewhere), or an acronym of two or three capitals
/// anywhere. German nouns pass that test too; they are common to many German articles, so their
/// rarity (see `EventIndex`) weighs them down, and they are never shared with another language.
public struct EventFeatures: Sendable {
    enum Kind: UInt8, Sendable {
        case name = 1, acronym, number, day, weekday
    }

    /// The features' keys in the event index, most mentioned first (then in text order), at most
    /// `limit`.
    public let keys: [Int64]
    /// How often the text mentions each feature, in the order of `keys`.
    let mentions: [Int]

    /// A feature's key in the event index: a hash of its value, its kind in the low 3 bits.
    static func key<Value: Sequence>(_ kind: Kind, _ value: Value) -> Int64 where Value.Element == UInt8 {
        var hash = Hashing.fnvOffset ^ UInt64(kind.rawValue)
        for byte in value { hash = (hash ^ UInt64(byte)) &* Hashing.fnvPrime }
        return Int64(bitPattern: Hashing.mix(hash) & ~7 | UInt64(kind.rawValue))
    }

    /// The kind of the feature a key stands for.
    static func kind(of key: Int64) -> Kind? { Kind(rawValue: UInt8(key & 7)) }

    /// An article's features are its most mentioned: the people and numbers a story is about
    /// recur, the names met once in a background paragraph matter less, and the index's cost
    /// per article follows this count.
    static let limit = 20

    /// `language` (ISO 639-1, as the parser detects it) says how the text spells foreign names
    /// (see `NameSkeleton.Reading`).
    ///
    /// Read as UTF-8 bytes, Unicode properties looked up only for bytes outside ASCII, and no
    /// string or array made per word: a feature is counted by its key. Done the obvious way, on
    /// `String` and its scalars, this took seven times as long as deduplicating the article.
    public init(text: String, language: String? = nil) {
        var text = text
        let read = text.withUTF8 { Self.read(Self.opening($0), reading: NameSkeleton.Reading(language: language)) }
        keys = read.keys
        mentions = read.mentions
    }

    /// The bytes of an article read for its features: about the first 3 000 (five or six
    /// paragraphs), ending at a space or line break. A report states who, what, where and when
    /// in its opening paragraphs; what follows is background that other events of the same
    /// story share, and the cost per article then stays bounded however long it is (a live blog
    /// runs to a hundred thousand bytes). Measured in `Benchmarks/events.sh`: at 3 000 bytes the
    /// real pages give six more same-event pairs than at 4 000 (more reports of one debate
    /// joining its event), with the thresholds rising with the time between stories (see
    /// `EventSettings.thresholdRise`); at 2 500 a wrong pair comes in.
    static func opening(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard bytes.count > openingLength else { return bytes }
        var end = openingLength
        while end > openingLength / 2, bytes[end] != 0x20, bytes[end] != 0x0A { end -= 1 }
        if bytes[end] != 0x20, bytes[end] != 0x0A {
            end = openingLength
            while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character
        }
        return UnsafeBufferPointer(rebasing: bytes[..<end])
    }

    /// See `opening(_:)`.
    static let openingLength = 3_000

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, reading: NameSkeleton.Reading) -> (keys: [Int64], mentions: [Int]) {
        let common = NameSkeleton.Reading(language: nil)
        /// Each feature's mentions and the position of its first.
        var counts = Int64Map<(count: Int32, first: Int32)>(capacity: 128)
        /// A non-ASCII name's letters as lower-case ASCII, and a number's normalized digits: reused.
        var scratch: [UInt8] = []
        func add(_ key: Int64, at position: Int) {
            counts.update(key, initial: (0, Int32(truncatingIfNeeded: position))) { $0.count += 1 }
        }
        // Asked of every word: read once here, not through their lazy initializers each time.
        let weekdays = Self.weekdays, notNames = Self.notNames
        var reader = TokenReader(bytes: bytes)
        var position = -1
        var previous: Token?
        while let token = reader.next() {
            position += 1
            defer { previous = token }
            if token.isNumber {
                // What follows a number says what it is: read ahead on a copy of the reader.
                var following = Following(reader: reader)
                if let key = Self.numberFeature(token, previous: previous, following: &following, in: bytes, scratch: &scratch) { add(key, at: position) }
                continue
            }
            if let weekday = weekdays.number(of: token, in: bytes) {
                add(key(.weekday, String(weekday).utf8), at: position)
                continue
            }
            guard token.firstIsUpper else { continue }
            if token.allUpper, (2...3).contains(token.letters) {
                let acronym = UnsafeBufferPointer(rebasing: bytes[token.range])
                add(token.isASCII ? key(.acronym, acronym.lazy.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }) : key(.acronym, String(decoding: acronym, as: UTF8.self).lowercased().utf8),
                    at: position)
                continue
            }
            guard !token.sentenceInitial, token.letters >= 3, notNames.number(of: token, in: bytes) == nil else { continue }
            func skeletons(_ letters: UnsafeBufferPointer<UInt8>) -> (common: NameSkeleton?, own: NameSkeleton?) {
                (NameSkeleton(letters: letters, reading: common), reading.differs ? NameSkeleton(letters: letters, reading: reading) : nil)
            }
            let readings: (common: NameSkeleton?, own: NameSkeleton?)
            if token.isASCII, token.letters == token.range.count {
                readings = skeletons(UnsafeBufferPointer(rebasing: bytes[token.range]))  // letters only, as they are
            } else {
                scratch.removeAll(keepingCapacity: true)
                var index = token.range.lowerBound
                while index < token.range.upperBound {
                    guard let (scalar, length) = Self.scalar(bytes, at: index) else { index += 1; continue }
                    NameSkeleton.appendLetters(of: scalar, to: &scratch)
                    index += length
                }
                readings = scratch.withUnsafeBufferPointer(skeletons)
            }
            guard let name = readings.common else { continue }
            add(key(.name, name), at: position)
            // A French or Spanish text writes foreign names its own way, and other languages'
            // names as they are: `Loukachenko`, but `Aschbacher`. Both readings then count.
            if let own = readings.own, own != name { add(key(.name, own), at: position) }
        }
        let entries = counts.entries
        let ranked = Self.ranking(entries.map(\.value)).prefix(Self.limit)
        return (ranked.map { entries[$0].key }, ranked.map { Int(entries[$0].value.count) })
    }

    /// The order of features by mentions, most first, then by first mention, then as they came:
    /// each packed in one integer, so that sorting compares integers (a comparison closure over
    /// tuples was a twentieth of the linking's time). A text of at most `openingLength` bytes
    /// has fewer than 2^20 tokens, and so fewer features and mentions.
    static func ranking(_ counts: [(count: Int32, first: Int32)]) -> [Int] {
        let field: UInt64 = 1 << 20 - 1
        var packed = counts.indices.map { index in
            UInt64(counts[index].count) << 40 | (field - UInt64(counts[index].first)) << 20 | (field - UInt64(index))
        }
        packed.sort(by: >)
        return packed.map { Int(field - $0 & field) }
    }

    // MARK: - Tokens

    struct Token {
        /// The token's bytes in the text.
        var range: Range<Int>
        var isNumber: Bool
        /// The first word of a sentence, a line or a quotation.
        var sentenceInitial: Bool
        /// A number followed by `%`.
        var percentSign: Bool
        var isASCII = true
        var firstIsUpper = false
        var allUpper = true
        /// Letters in the word.
        var letters = 0
    }

    /// The hash of the word at `range` in `bytes`, its ASCII letters lowered: what the word lists
    /// are keyed by. Read eight bytes at a time, as `TokenReader` reads words.
    static func wordHash(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = Hashing.fnvOffset ^ UInt64(range.count)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(8, range.upperBound - start)
            var chunk = Bytes8.load(bytes, at: start) & Bytes8.first(count)
            chunk |= Bytes8.within(chunk, 0x41, 0x5A) >> 2  // A-Z to a-z
            hash = (hash ^ chunk) &* Hashing.fnvPrime
            start += 8
        }
        return Hashing.mix(hash)
    }

    /// Eight bytes of a text in one integer, the first in the lowest byte: the letters of a word
    /// tested all at once. Byte by byte, with a branch at every letter, reading words was a
    /// third of reading an article's features.
    enum Bytes8 {
        static let highBits: UInt64 = 0x8080_8080_8080_8080
        static let ones: UInt64 = 0x0101_0101_0101_0101

        /// The eight bytes from `index`, zero past the end of `bytes`.
        @inline(__always)
        static func load(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt64 {
            if index + 8 <= bytes.count { return UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) }
            var chunk: UInt64 = 0
            for offset in 0..<max(0, bytes.count - index) { chunk |= UInt64(bytes[index + offset]) << (8 * offset) }
            return chunk
        }

        /// The high bit of each byte from `low` through `high` (ASCII, `high` below 0x7F).
        @inline(__always)
        static func within(_ chunk: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
            let set = chunk | highBits  // no byte borrows from the next below
            return (set &- ones &* UInt64(low)) & ~(set &- ones &* UInt64(high + 1)) & ~chunk & highBits
        }

        /// The mask of the first `count` bytes (0 to 8).
        @inline(__always)
        static func first(_ count: Int) -> UInt64 { (1 << UInt64(8 * count)) &- 1 }
    }

    /// The scalar at `index` and its length in bytes (nil for a byte that starts none).
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
        guard length > 0, index + length <= bytes.count else { return nil }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    /// Reads a text's words (letters, `_` joining them: `By_Pol`) and numbers (digits, `.` or
    /// `,` between digits, spaces between groups of thousands) one at a time, each marked with
    /// where it stands. A copy reads ahead without moving the original.
    struct TokenReader {
        let bytes: UnsafeBufferPointer<UInt8>
        private var index = 0
        private var sentenceStart = true
        private let letterFlags = EventFeatures.letterFlags

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The next token, nil at the end of the text.
        mutating func next() -> Token? {
            while index < bytes.count {
                if isDigit(index) {
                    var end = index + 1
                    while end < bytes.count {
                        if isDigit(end) { end += 1; continue }
                        if bytes[end] == 0x2E || bytes[end] == 0x2C, isDigit(end + 1) { end += 2; continue }
                        if let space = thousandsSpace(end), threeDigits(end + space) { end += space + 3; continue }
                        break
                    }
                    var look = end
                    while let space = thousandsSpace(look), space <= 2 { look += space }
                    return take(Token(range: index..<end, isNumber: true, sentenceInitial: sentenceStart,
                                      percentSign: look < bytes.count && bytes[look] == 0x25))
                }
                if let first = letter(index) {
                    // ASCII letters are most of every text: read eight at a time, not through `letter`.
                    var end = index
                    var letters = 0
                    var allUpper = true
                    var isASCII = true
                    while end < bytes.count {
                        if end + 8 <= bytes.count {
                            let chunk = Bytes8.load(bytes, at: end)
                            let lower = Bytes8.within(chunk, 0x61, 0x7A)
                            let others = ~(lower | Bytes8.within(chunk, 0x41, 0x5A)) & Bytes8.highBits
                            let run = others == 0 ? 8 : others.trailingZeroBitCount >> 3
                            if lower & Bytes8.first(run) != 0 { allUpper = false }
                            letters += run
                            end += run
                            if run == 8 { continue }
                        }
                        let byte = bytes[end]
                        if byte &- 0x61 < 26 {
                            allUpper = false
                        } else if byte &- 0x41 < 26 {
                            // an upper-case ASCII letter
                        } else if byte >= 0x80, let next = letter(end) {
                            letters += 1
                            allUpper = allUpper && next.upper
                            isASCII = false
                            end += next.length
                            continue
                        } else if byte != 0x5F || letter(end + 1) == nil {
                            break
                        } else {
                            letters -= 1  // By_Pol: the underscore joins, it is no letter
                        }
                        letters += 1
                        end += 1
                    }
                    return take(Token(range: index..<end, isNumber: false, sentenceInitial: sentenceStart, percentSign: false,
                                      isASCII: isASCII, firstIsUpper: first.upper, allUpper: allUpper, letters: letters))
                }
                let byte = bytes[index]
                if byte < 0x80 {
                    // . ! ? : newline " ' ( |
                    if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A || byte == 0x0A || byte == 0x22 || byte == 0x27 || byte == 0x28 || byte == 0x7C {
                        sentenceStart = true
                    }
                    index += 1
                    continue
                }
                let (scalar, length) = EventFeatures.scalar(bytes, at: index) ?? (" ", 1)
                if EventFeatures.sentenceMarks.contains(scalar) { sentenceStart = true }
                index += length
            }
            return nil
        }

        /// Moves past `token`, which starts no sentence after it.
        private mutating func take(_ token: Token) -> Token {
            sentenceStart = false
            index = token.range.upperBound
            return token
        }

        private func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] &- 0x30 < 10 }

        private func threeDigits(_ at: Int) -> Bool { isDigit(at) && isDigit(at + 1) && isDigit(at + 2) && !isDigit(at + 3) }

        /// A letter at `at`: its length in bytes and whether it is upper case, or nil.
        private func letter(_ at: Int) -> (length: Int, upper: Bool, ascii: Bool)? {
            guard at < bytes.count else { return nil }
            let byte = bytes[at]
            if byte < 0x80 {
                if byte &- 0x61 < 26 { return (1, false, true) }
                if byte &- 0x41 < 26 { return (1, true, true) }
                return nil
            }
            guard let (scalar, length) = EventFeatures.scalar(bytes, at: at) else { return nil }
            if scalar.value < letterFlags.count {
                let flags = letterFlags[Int(scalar.value)]
                return flags & 1 == 0 ? nil : (length, flags & 2 != 0, false)
            }
            guard scalar.properties.isAlphabetic else { return nil }
            return (length, scalar.properties.isUppercase, false)
        }

        /// A space between groups of thousands at `at` (` `, no-break, narrow no-break, thin): its length.
        private func thousandsSpace(_ at: Int) -> Int? {
            guard at < bytes.count else { return nil }
            if bytes[at] == 0x20 { return 1 }
            if bytes[at] == 0xC2, at + 1 < bytes.count, bytes[at + 1] == 0xA0 { return 2 }
            if bytes[at] == 0xE2, at + 2 < bytes.count, bytes[at + 1] == 0x80, bytes[at + 2] == 0xAF || bytes[at + 2] == 0x89 { return 3 }
            return nil
        }
    }

    /// What outside ASCII starts a sentence, a line or a quotation after it.
    static let sentenceMarks = Set("“”„«»‘–—•".unicodeScalars)

    /// For each scalar below U+2100: 1 when it is a letter, 2 when it is an upper-case one.
    /// Looked up once: Unicode's property tables cost more than the rest of reading a letter.
    /// The table reaches past General Punctuation (U+2000–U+206F), whose quotation marks and
    /// dashes every news text is full of.
    static let letterFlags: [UInt8] = (0..<0x2100).map { value in
        guard let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic else { return 0 }
        return scalar.properties.isUppercase ? 3 : 1
    }

    // MARK: - Numbers and days

    /// A day of the month beside a month name, else a number that says something specific:
    /// decimals, percentages, whole numbers from 10 up that are not years. `value` is scratch
    /// space for the number as compared (`4.5`, `100000`, `80%`).
    /// `previous` is the token before (nil for none), `following` what comes after.
    private static func numberFeature(_ token: Token, previous: Token?, following: inout Following, in bytes: UnsafeBufferPointer<UInt8>,
                                      scratch value: inout [UInt8]) -> Int64? {
        let next = following[0]
        // The digit groups (the first two as ranges) and what separates them.
        var groups = 0
        var first = 0..<0
        var second = 0..<0
        var laterAllThree = true
        var spaced = false
        var index = token.range.lowerBound
        while index < token.range.upperBound {
            guard bytes[index] &- 0x30 < 10 else {
                spaced = spaced || (bytes[index] != 0x2E && bytes[index] != 0x2C)
                index += 1
                continue
            }
            let start = index
            while index < token.range.upperBound, bytes[index] &- 0x30 < 10 { index += 1 }
            groups += 1
            if groups == 1 { first = start..<index } else if groups == 2 { second = start..<index }
            if groups > 1, index - start != 3 { laterAllThree = false }
        }
        if groups == 1, first.count <= 2, let month = months.number(of: Self.monthAfter(&following, in: bytes), in: bytes) ?? months.number(of: previous, in: bytes) {
            let day = bytes[first].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if (1...31).contains(day) { return key(.day, "\(month)-\(day)".utf8) }
        }
        if Self.marksPlace(token, in: bytes) { return nil }
        value.removeAll(keepingCapacity: true)
        if groups == 1 || laterAllThree && first.count <= 3 {
            // one group, or thousands: 100,000, 100.000, 100 000
            for byte in bytes[first.lowerBound..<token.range.upperBound] where byte &- 0x30 < 10 && (!value.isEmpty || byte != 0x30) { value.append(byte) }
        } else if spaced {
            return nil  // digits beside digits, not a number written with spaces
        } else if groups == 2 {
            value.append(contentsOf: bytes[first].drop { $0 == 0x30 })
            if value.isEmpty { value.append(0x30) }
            var fraction = bytes[second]
            while fraction.last == 0x30 { fraction = fraction.dropLast() }
            if !fraction.isEmpty {
                value.append(0x2E)
                value.append(contentsOf: fraction)
            }
        } else {
            return nil
        }
        let percent = token.percentSign || percentWords.number(of: next, in: bytes) != nil
            || Self.percentBefore.number(of: next, in: bytes) != nil && following[1].map { Self.startsWithCent(bytes[$0.range]) } == true
        if percent {
            value.append(0x25)
            return key(.number, value)
        }
        if !value.contains(0x2E), value.count <= 4 {
            let whole = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if whole < 10 || (1900...2100).contains(whole) { return nil }
        }
        return value.isEmpty ? nil : key(.number, value)
    }

    /// Whether a number marks a place in the page rather than stating a fact: an item of a
    /// numbered list (`12. What did…`, `3) …` at the start of a line), a cell of a calendar or a
    /// table of page numbers (alone on its line), a reference mark (`[13]`). Pages of any kind
    /// share these (every calendar widget holds 10 to 31), so they would link pages that report
    /// nothing alike.
    private static func marksPlace(_ token: Token, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Inside brackets with nothing but digits, spaces, `,` and `-` beside it: [13], [14-15].
        func inReference(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 || byte == 0x20 || byte == 0x2C || byte == 0x2D }
        var opening = token.range.lowerBound - 1
        while opening >= 0, inReference(bytes[opening]) { opening -= 1 }
        var closing = token.range.upperBound
        while closing < bytes.count, inReference(bytes[closing]) { closing += 1 }
        if opening >= 0, closing < bytes.count, bytes[opening] == 0x5B, bytes[closing] == 0x5D { return true }
        var before = token.range.lowerBound - 1
        while before >= 0, bytes[before] == 0x20 || bytes[before] == 0x09 { before -= 1 }
        guard before < 0 || bytes[before] == 0x0A else { return false }
        var after = token.range.upperBound
        if after < bytes.count, bytes[after] == 0x2E || bytes[after] == 0x29 { return true }  // . )
        while after < bytes.count, bytes[after] == 0x20 || bytes[after] == 0x09 || bytes[after] == 0x0D { after += 1 }
        return after == bytes.count || bytes[after] == 0x0A
    }

    /// The three tokens after a number, each read when first asked for, from a copy of the
    /// reader: most numbers need only the next word.
    struct Following {
        private var reader: TokenReader
        private var tokens: (Token?, Token?, Token?) = (nil, nil, nil)
        private var read = 0

        init(reader: TokenReader) { self.reader = reader }

        /// The token `offset` (0 to 2) places after the number, nil past the end of the text.
        subscript(offset: Int) -> Token? {
            mutating get {
                while read <= offset {
                    let token = reader.next()
                    switch read {
                    case 0: tokens.0 = token
                    case 1: tokens.1 = token
                    default: tokens.2 = token
                    }
                    read += 1
                }
                return offset == 0 ? tokens.0 : offset == 1 ? tokens.1 : tokens.2
            }
        }
    }

    /// The word that would be a day's month after it: `10th of August`, `el 10 de agosto` put an
    /// ordinal ending and a preposition between.
    private static func monthAfter(_ following: inout Following, in bytes: UnsafeBufferPointer<UInt8>) -> Token? {
        var offset = 0
        while offset <= 1, betweenDayAndMonth.number(of: following[offset], in: bytes) != nil { offset += 1 }
        return following[offset]
    }

    /// Whether a word starts with `cent`, in any case.
    private static func startsWithCent(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        word.count >= 4 && zip(word, "cent".utf8).allSatisfy { $0 &- 0x41 < 26 ? $0 | 0x20 == $1 : $0 == $1 }
    }

    /// The words before `cent` in `pour cent`, `per cent`, `por ciento`.
    static let percentBefore = hashes(["pour", "per", "por"])

    static func hashes(_ words: [String]) -> WordList { WordList(numbering: [words]) }

    /// Words by `wordHash`, with a 4096-bit filter of their shapes in front (see `shape`): every
    /// word of a text is looked up in the weekdays, and almost none is one; the filter answers for
    /// most before the word is hashed.
    struct WordList: Sendable {
        private let shapes: [UInt64]
        private let values: [UInt64: Int]

        /// Each group's words, numbered from 1 by their group: months, weekdays.
        init(numbering groups: [[String]]) {
            var values: [UInt64: Int] = [:]
            var shapes = [UInt64](repeating: 0, count: 64)
            for (number, words) in groups.enumerated() {
                for word in words {
                    Array(word.utf8).withUnsafeBufferPointer { bytes in
                        values[wordHash(bytes, bytes.indices)] = number + 1
                        let shape = Self.shape(of: bytes.indices, in: bytes)
                        shapes[shape >> 6] |= 1 << (shape & 63)
                    }
                }
            }
            self.values = values
            self.shapes = shapes
        }

        /// The number of `word`'s group, nil when it is no word of the list (or a number, or none).
        @inline(__always)
        func number(of word: Token?, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let word, !word.isNumber else { return nil }
            let shape = Self.shape(of: word.range, in: bytes)
            guard shapes[shape >> 6] & 1 << (shape & 63) != 0 else { return nil }
            return values[wordHash(bytes, word.range)]
        }

        /// A word's first and last byte and its length in 12 bits; the low five bits of an ASCII
        /// letter are the same in either case.
        @inline(__always)
        private static func shape(of word: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
            Int(bytes[word.lowerBound] & 31) << 7 | Int(bytes[word.upperBound - 1] & 31) << 2 | word.count & 3
        }
    }

    /// Words between a day and its month: ordinal endings and prepositions.
    static let betweenDayAndMonth = hashes(["st", "nd", "rd", "th", "of", "de", "del", "di", "du", "er", "e", "ème"])

    static let percentWords = hashes(["percent", "procent", "prozent", "pourcent", "porcentaje", "percento", "procento", "prosent", "procentu"])

    /// Month names and their common short forms in the languages the store meets most, to numbers.
    static let months = WordList(numbering: [
            ["january", "jan", "januari", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "styczeń", "stycznia"],
            ["february", "feb", "februari", "februar", "février", "fevrier", "febrero", "febbraio", "fevereiro", "lutego"],
            ["march", "mar", "maart", "märz", "maerz", "mars", "marzo", "março", "marca"],
            ["april", "apr", "avril", "abril", "aprile", "kwietnia"],
            ["may", "mei", "mai", "mayo", "maggio", "maio", "maja"],
            ["june", "jun", "juni", "juin", "junio", "giugno", "junho", "czerwca"],
            ["july", "jul", "juli", "juillet", "julio", "luglio", "julho", "lipca"],
            ["august", "aug", "augustus", "août", "aout", "agosto", "sierpnia"],
            ["september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "września"],
            ["october", "oct", "okt", "oktober", "octobre", "octubre", "ottobre", "outubro", "października"],
            ["november", "nov", "novembre", "noviembre", "novembro", "listopada"],
            ["december", "dec", "dez", "dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro", "grudnia"],
    ])

    /// Weekdays to numbers (Monday 1): reports of one event name the day it happened, and the
    /// daily reports of a crisis each name another.
    static let weekdays = WordList(numbering: [
            ["monday", "maandag", "montag", "lundi", "lunes", "lunedì"], ["tuesday", "dinsdag", "dienstag", "mardi", "martes", "martedì"],
            ["wednesday", "woensdag", "mittwoch", "mercredi", "miércoles", "mercoledì"],
            ["thursday", "donderdag", "donnerstag", "jeudi", "jueves", "giovedì"], ["friday", "vrijdag", "freitag", "vendredi", "viernes", "venerdì"],
            ["saturday", "zaterdag", "samstag", "samedi", "sábado", "sabato"], ["sunday", "zondag", "sonntag", "dimanche", "domingo", "domenica"],
    ])

    /// Capitalized words that name no one: months (English capitalizes them inside a sentence).
    static let notNames = months
}
