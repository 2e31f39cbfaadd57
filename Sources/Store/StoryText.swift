import Foundation

/// An article's text in the form near-duplicate detection compares: the lines that carry the
/// story, each reduced to its words — lower case, Unicode-normalized (NFKC), without punctuation,
/// so quote styles, dashes, spacing and letter case no longer matter.
///
/// Syndicated copies differ from the original mostly in the chrome around the story, so lines
/// that read as chrome are left out: bylines, share prompts, copyright and credit lines,
/// "read more" links, newsletter and follow prompts, and lines of three words or fewer
/// (navigation, section labels, headings). A wire dateline ("LONDON (Reuters) -") is cut from the
/// start of a line. Lines the store has learnt as a site template's (`template`) are left out
/// too. If nothing is left, every line with words counts: a text made only of short lines is
/// still compared with its copies.
struct StoryText {
    /// Line separators `\n`, word separators one space, a tab ending a headline line: the form
    /// stored for verification.
    private(set) var normalized: [UInt8] = []
    /// One hash per word, in text order.
    private(set) var wordHashes: [UInt64] = []
    /// Each kept line: its words' range in `wordHashes` and the line's own hash.
    private(set) var lines: [Line] = []
    /// Whether lines were left out as template lines.
    private(set) var leftOutTemplate = false

    struct Line {
        var words: Range<Int>
        var hash: UInt64
        /// A line of at most `ChromeLines.longestHeadline` words that does not end as a sentence:
        /// a headline — of another story in a trending or "more from" list, or of a section. Kept,
        /// so a site template's headline lists still bound a story between them, but neither
        /// signed nor counted in the similarity: heavy chrome around a short story would
        /// otherwise outweigh it.
        var isHeadline: Bool
    }

    /// The words of the story's own lines (not headlines; all words when every line is one):
    /// what the signature is made of.
    var storyWordHashes: [UInt64] {
        let story = lines.filter { !$0.isHeadline }
        guard !story.isEmpty, story.count < lines.count else { return wordHashes }
        return story.flatMap { wordHashes[$0.words] }
    }

    /// Lines of at most this many words are chrome (navigation, labels, headings, bylines).
    static let shortLineWords = 3

    init(text: String, template: SiteTemplate = .empty) {
        var source = text
        var keepAll = false
        var normalizedAlready = false
        while true {
            let result = Array(source.utf8).withUnsafeBufferPointer {
                read($0, template: template, keepAll: keepAll, stored: false, normalizedAlready: normalizedAlready)
            }
            switch result {
            case .read:
                return
            case .needsCompatibilityNormalization:
                source = source.precomposedStringWithCompatibilityMapping
                normalizedAlready = true
            case .nothingKept:
                keepAll = true
            }
            self = StoryText()
        }
    }

    /// Reads the stored form back (verification of a candidate); lines in `template` left out.
    init(normalized stored: [UInt8], template: SiteTemplate) {
        _ = stored.withUnsafeBufferPointer { read($0, template: template, keepAll: true, stored: true, normalizedAlready: true) }
    }

    private init() {}

    var wordCount: Int { wordHashes.count }

    /// The word hashes of a phrase, as `StoryText` hashes words.
    static func wordHashes(of phrase: String) -> [UInt64] {
        var text = StoryText()
        _ = Array(phrase.utf8).withUnsafeBufferPointer { text.read($0, template: .empty, keepAll: true, stored: false, normalizedAlready: false) }
        return text.wordHashes
    }

    // MARK: - Reading

    private enum ReadResult {
        case read
        /// The text holds what NFKC changes and the word splitter would not see through.
        case needsCompatibilityNormalization
        /// Every line was chrome or template: read again keeping them.
        case nothingKept
    }

    /// Reads `bytes` line by line into `normalized`, `wordHashes` and `lines`, writing each line's
    /// words in place and taking them back out if the line is chrome or template.
    private mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, template: SiteTemplate, keepAll: Bool, stored: Bool,
                               normalizedAlready: Bool) -> ReadResult {
        // Bounds that cannot be exceeded: lower-casing grows a letter by at most half, a space or
        // line break stands for at least one byte read, and words are at least one byte apart.
        // The buffers are left uninitialized: only what is written is ever read.
        var droppedAny = false
        var leftOutTemplate = false
        var lines: [Line] = []
        var hashes: [UInt64] = []
        var needsNormalization = false
        let text = [UInt8](unsafeUninitializedCapacity: bytes.count * 2 + 16) { text, textCount in
            hashes = [UInt64](unsafeUninitializedCapacity: bytes.count / 2 + 2) { hashes, wordCount in
                var writer = WordWriter(text: text, hashes: hashes, normalizedAlready: normalizedAlready)
                defer { (textCount, wordCount) = (writer.length, writer.wordCount) }
                var start = 0
                while start < bytes.count {
                    // Lines end at '\n'; a '\r' before it is a separator like any other non-word byte.
                    let end = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start)
                        .map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) } ?? bytes.count
                    defer { start = end + 1 }
                    let textMark = writer.length
                    let wordMark = writer.wordCount
                    writer.beginLine()
                    // A stored headline line ends with a tab: its punctuation is gone.
                    let storedHeadline = stored && end > start && bytes[end - 1] == Self.headlineMark
                    if stored {
                        writer.storedWords(bytes, start, storedHeadline ? end - 1 : end)
                    } else if !writer.words(bytes, Self.afterDateline(bytes, start, end), end) {
                        needsNormalization = true
                        return
                    }
                    let words = UnsafeBufferPointer(rebasing: hashes[wordMark..<writer.wordCount])
                    let lineHash = words.reduce(0x9E37_79B9_7F4A_7C15) { Hashing.mix($0 ^ $1) }
                    let isTemplate = !words.isEmpty && (stored || !keepAll) && template.contains(line: lineHash, words: words)
                    leftOutTemplate = leftOutTemplate || isTemplate
                    if words.isEmpty || isTemplate || !keepAll && ChromeLines.isChrome(words, hasCopyrightSign: writer.hasCopyrightSign) {
                        droppedAny = droppedAny || !words.isEmpty
                        writer.length = textMark
                        writer.wordCount = wordMark
                        continue
                    }
                    let isHeadline = stored ? storedHeadline : words.count <= ChromeLines.longestHeadline && !Self.endsSentence(bytes, start, end)
                    if isHeadline { writer.markHeadline() }
                    lines.append(Line(words: wordMark..<writer.wordCount, hash: lineHash, isHeadline: isHeadline))
                }
            }
        }
        if needsNormalization { return .needsCompatibilityNormalization }
        normalized = text
        wordHashes = hashes
        self.lines = lines
        self.leftOutTemplate = leftOutTemplate
        return wordHashes.isEmpty && droppedAny && !keepAll ? .nothingKept : .read
    }

    /// Writes lower-case words — runs of letters, digits and combining marks — into buffers
    /// sized beforehand, with their hashes. ASCII is handled byte by byte; other scalars through
    /// their Unicode properties.
    private struct WordWriter {
        let text: UnsafeMutableBufferPointer<UInt8>
        let hashes: UnsafeMutableBufferPointer<UInt64>
        /// After NFKC, what it left (a lone combining mark, U+FFFD) is read as it is.
        let normalizedAlready: Bool
        var length = 0
        var wordCount = 0
        var hash: UInt64 = Hashing.fnvOffset
        var inWord = false
        /// Set when the line held `©`, which has no word of its own.
        var hasCopyrightSign = false

        mutating func beginLine() {
            if length > 0 { put(0x0A) }
            hasCopyrightSign = false
        }

        /// Ends the line just written with the headline mark.
        mutating func markHeadline() { put(StoryText.headlineMark) }

        @inline(__always)
        private mutating func put(_ byte: UInt8) {
            text[length] = byte
            length += 1
        }

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            if !inWord {
                if length > 0, text[length - 1] != 0x0A { put(0x20) }
                inWord = true
            }
            put(byte)
            hash = (hash ^ UInt64(byte)) &* Hashing.fnvPrime
        }

        @inline(__always)
        mutating func finishWord() {
            guard inWord else { return }
            hashes[wordCount] = Hashing.mix(hash)
            wordCount += 1
            hash = Hashing.fnvOffset
            inWord = false
        }

        /// False when the line needs NFKC first: combining marks (U+0300–U+036F), ligatures
        /// (U+FB00–U+FB4F), full-width forms (U+FF00–U+FFEF). Precomposed letters (é, ü) need nothing.
        mutating func words(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
            var index = start
            while index < end {
                let byte = bytes[index]
                if byte < 0x80 {
                    guard StoryText.isASCIIWordByte(byte) else {
                        finishWord()
                        index += 1
                        continue
                    }
                    // A run of ASCII letters and digits, in one tight loop.
                    append(StoryText.asciiLowercase(byte))
                    index += 1
                    var written = length
                    while index < end, StoryText.isASCIIWordByte(bytes[index]) {
                        let lower = StoryText.asciiLowercase(bytes[index])
                        text[written] = lower
                        written += 1
                        hash = (hash ^ UInt64(lower)) &* Hashing.fnvPrime
                        index += 1
                    }
                    length = written
                    continue
                }
                let (decoded, length) = StoryText.decodeScalar(bytes, at: index, end: end)
                defer { index += length }
                guard let scalar = decoded else { finishWord(); continue }
                switch scalar.value {
                case 0xA9: hasCopyrightSign = true
                case 0x300...0x36F, 0xFB00...0xFB4F, 0xFF00...0xFFEF: if !normalizedAlready { return false }
                default: break
                }
                let properties = scalar.properties
                switch properties.generalCategory {
                case .uppercaseLetter, .titlecaseLetter:
                    for byte in properties.lowercaseMapping.utf8 { append(byte) }
                case .lowercaseLetter, .otherLetter, .modifierLetter, .decimalNumber, .letterNumber, .otherNumber,
                     .nonspacingMark, .spacingMark, .enclosingMark:
                    for offset in 0..<length { append(bytes[index + offset]) }
                default:
                    finishWord()
                }
            }
            finishWord()
            return true
        }

        /// Words of a stored line: already normalized, split on spaces.
        mutating func storedWords(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
            for index in start..<end {
                if bytes[index] == 0x20 { finishWord() } else { append(bytes[index]) }
            }
            finishWord()
        }
    }

    /// An ASCII letter or digit.
    @inline(__always)
    static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
    }

    /// An ASCII letter or digit in lower case.
    @inline(__always)
    static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    fileprivate static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, index + length <= end else { return (nil, 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return (nil, offset) }
            value = value << 6 | UInt32(next & 0x3F)
        }
        return (Unicode.Scalar(value), length)
    }

    /// Ends a headline line in the stored form.
    static let headlineMark: UInt8 = 0x09

    /// Whether a line ends as a sentence does (`.`, `!`, `?`, `:`, `…`, before closing quotes
    /// and brackets): story paragraphs do; lists of other stories' headlines do not.
    static func endsSentence(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = end - 1
        while index >= start {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0D, 0x22, 0x27, 0x29, 0x5D:  // spaces, quotes, closing brackets
                index -= 1
            case 0x9D, 0x99, 0x9C:
                // ” ’ “ (E2 80 9D, 99, 9C); other characters end in these bytes too (ę, Й, 这)
                guard index >= start + 2, bytes[index - 2] == 0xE2, bytes[index - 1] == 0x80 else { return false }
                index -= 3
            case 0xBB where index >= start + 1 && bytes[index - 1] == 0xC2:  // »
                index -= 2
            case 0xA6 where index >= start + 2 && bytes[index - 2] == 0xE2 && bytes[index - 1] == 0x80:  // …
                return true
            default:
                return byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A
            }
        }
        return false
    }

    /// Where a line's text starts once a wire dateline — capitals, then a parenthesised agency or
    /// place, then a dash, as in "LONDON (Reuters) - " or "(AP) — " — is cut off.
    static func afterDateline(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        let limit = min(end, start + 60)
        while index < limit, bytes[index] != 0x28 {
            let byte = bytes[index]
            guard byte >= 0x80 || byte == 0x20 || byte == 0x2C || byte == 0x2E || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) else {
                return start
            }
            index += 1
        }
        guard index < limit else { return start }
        while index < limit, bytes[index] != 0x29 { index += 1 }
        index += 1
        while index < end, bytes[index] == 0x20 { index += 1 }
        // '-', or the UTF-8 of '–' / '—' (E2 80 93 / E2 80 94).
        if index < end, bytes[index] == 0x2D { return index + 1 }
        if index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0x93 || bytes[index + 2] == 0x94 {
            return index + 3
        }
        return start
    }
}

/// The hashes near-duplicate detection is built on: stable across processes and machines
/// (stored signatures and keys must mean the same thing tomorrow), and cheap.
enum Hashing {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// SplitMix64's finalizer: spreads every input bit over the output.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
