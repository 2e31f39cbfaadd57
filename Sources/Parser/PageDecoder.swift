import Foundation
import Glibc
import Synchronization

/// Turns a page's bytes into UTF-8, whatever the server or the page claim.
///
/// The order is the one browsers use (WHATWG encoding sniffing): a byte-order mark, then the
/// HTTP `charset`, then `<meta charset>` / `http-equiv` in the first 4 KiB, then detection. A
/// declaration is only believed when the bytes agree: a page declared UTF-8 that is not valid
/// UTF-8 (a windows-1251 page behind a wrong header, say) is detected instead. Conversion is
/// iconv's (glibc), which knows every encoding found on the web. NUL bytes are dropped: they
/// are never text, and the HTML parser would stop at them.
enum PageDecoder {
    /// The page as UTF-8 and the encoding it was read as (a WHATWG-style lower-case label).
    struct Decoded {
        var utf8: Data
        var encoding: String
    }

    static func decode(_ original: Data, httpCharset: String? = nil) -> Decoded {
        // UTF-16 is half NUL bytes: it is read before NULs are dropped from everything else.
        if let (encoding, length) = byteOrderMark(original), let utf8 = convert(original.dropFirst(length), from: encoding) {
            return Decoded(utf8: withoutNUL(utf8), encoding: encoding)
        }
        if let label = httpCharset, let encoding = canonical(label), encoding.hasPrefix("utf-16"),
           let utf8 = convert(original, from: encoding) {
            return Decoded(utf8: withoutNUL(utf8), encoding: encoding)
        }
        let bytes = withoutNUL(original)
        if let label = httpCharset, let decoded = decodeDeclared(bytes, label) { return decoded }
        if let label = metaCharset(bytes), let decoded = decodeDeclared(bytes, label) { return decoded }
        if isValidUTF8(bytes) { return Decoded(utf8: bytes, encoding: "utf-8") }
        let guess = detectSingleByte(bytes)
        return Decoded(utf8: convert(bytes, from: guess) ?? Data(String(decoding: bytes, as: UTF8.self).utf8), encoding: guess)
    }

    private static func withoutNUL(_ bytes: Data) -> Data {
        guard bytes.withUnsafeBytes({ $0.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }) else { return bytes }
        var copy = bytes
        copy.removeAll { $0 == 0 }
        return copy
    }

    /// `bytes` read as the declared `label`, unless the bytes disagree with it.
    private static func decodeDeclared(_ bytes: Data, _ label: String) -> Decoded? {
        guard let encoding = canonical(label) else { return nil }
        if encoding == "utf-8" {
            return isValidUTF8(bytes) ? Decoded(utf8: bytes, encoding: encoding) : nil  // declared UTF-8 but is not: detect
        }
        if encoding == "windows-1252" && isValidUTF8(bytes) && hasNonASCII(bytes) {
            return nil  // a Latin-1 label on UTF-8 text is a common mislabel; UTF-8 that validates wins
        }
        return convert(bytes, from: encoding).map { Decoded(utf8: $0, encoding: encoding) }
    }

    /// Encoding labels mapped as browsers do (latin1 and ascii are read as windows-1252, gb2312 as gb18030).
    static func canonical(_ label: String) -> String? {
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'"))).lowercased()
        switch label {
        case "": return nil
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "us-ascii", "ascii", "l1", "cp1252", "windows-1252", "x-cp1252", "iso_8859-1":
            return "windows-1252"
        case "cp1251", "windows-1251", "x-cp1251": return "windows-1251"
        case "gb2312", "gbk", "gb18030", "x-gbk", "chinese": return "gb18030"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j": return "shift_jis"
        case "utf-16", "utf-16le": return "utf-16le"
        case "utf-16be": return "utf-16be"
        default: return label
        }
    }

    private static func byteOrderMark(_ bytes: Data) -> (String, Int)? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
        if bytes.starts(with: [0xFF, 0xFE]) { return ("utf-16le", 2) }
        if bytes.starts(with: [0xFE, 0xFF]) { return ("utf-16be", 2) }
        return nil
    }

    private static let charsetWord = Array("charset".utf8)

    /// The charset a `<meta>` tag declares in the first 4 KiB, as browsers pre-scan.
    static func metaCharset(_ bytes: Data) -> String? {
        // Mapped through the raw bytes: `Data`'s own element-wise `map` was 2% of the parser's time.
        let lower = bytes.prefix(4096).withUnsafeBytes { raw in raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        guard ClassNames.find(charsetWord, in: lower[...]) else { return nil }
        var at = lower.startIndex
        while let meta = ClassNames.end(of: metaTag, in: lower[at...]) {
            let tagEnd = lower[meta...].firstIndex(of: UInt8(ascii: ">")) ?? lower.endIndex
            // Looked for inside the tag only, not in the rest of the 4 KB after each `<meta>`.
            if let assigned = ClassNames.end(of: charsetAssignment, in: lower[meta..<tagEnd]) {
                let value = lower[assigned..<tagEnd].drop { $0 == 0x22 || $0 == 0x27 || $0 == 0x20 }
                let label = value.prefix { !"\"'; />".utf8.contains($0) }
                if !label.isEmpty { return String(decoding: label, as: UTF8.self) }
            }
            at = tagEnd
        }
        return nil
    }

    private static let metaTag = Array("<meta".utf8)
    private static let charsetAssignment = charsetWord + Array("=".utf8)

    /// UTF-8 validation in place (no string is built): ASCII eight bytes at a time, then the
    /// well-formed sequences of the Unicode standard (table 3-7).
    static func isValidUTF8(_ bytes: Data) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
            let count = raw.count
            var i = 0
            while i < count {
                if i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let lead = base[i]
                if lead < 0x80 {
                    i += 1
                    continue
                }
                let length: Int, low: UInt8, high: UInt8
                switch lead {
                case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
                case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
                case 0xED: (length, low, high) = (3, 0x80, 0x9F)
                case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
                case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
                case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
                default: return false
                }
                guard i + length <= count, (low...high).contains(base[i + 1]) else { return false }
                for k in 2..<length where base[i + k] & 0xC0 != 0x80 { return false }
                i += length
            }
            return true
        }
    }

    private static func hasNonASCII(_ bytes: Data) -> Bool { bytes.withUnsafeBytes { $0.contains { $0 >= 0x80 } } }

    /// Windows-1251 when most letters are high bytes (Cyrillic text), else windows-1252: in
    /// Latin-script text accented letters are a small share of all letters.
    static func detectSingleByte(_ bytes: Data) -> String {
        var ascii = 0, high = 0
        bytes.withUnsafeBytes { buffer in
            for byte in buffer {
                if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) { ascii += 1 } else if byte >= 0xC0 { high += 1 }
            }
        }
        return high > 0 && Double(high) / Double(ascii + high) > 0.3 ? "windows-1251" : "windows-1252"
    }

    /// `bytes` converted from `encoding` to UTF-8 by iconv; nil when iconv does not know the
    /// encoding or the bytes are not valid in it.
    static func convert(_ bytes: some Collection<UInt8>, from encoding: String) -> Data? {
        if encoding == "utf-8" { return isValidUTF8(Data(bytes)) ? Data(bytes) : nil }
        if let table = SingleByteTable.named(encoding) { return table.convert(bytes) }
        return iconvConvert(bytes, from: encoding)
    }

    /// `convert` by iconv itself, for every encoding (and the tables' source).
    static func iconvConvert(_ bytes: some Collection<UInt8>, from encoding: String) -> Data? {
        let converter = iconv_open("UTF-8", encoding.uppercased())
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var inLeft = inBuffer.count, outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 || inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        return written.map { Data(output[..<$0]) }
    }
}

/// What a single-byte encoding (windows-1252, ISO 8859-2, KOI8-R, …) makes of each of its 256
/// bytes in UTF-8, asked of iconv once per encoding and process. Converting a page is then a
/// lookup per byte: iconv's conversion with its copies was a twentieth of the parser's time on
/// a set of pages mostly in windows-1252.
struct SingleByteTable: Sendable {
    /// Each byte's UTF-8 in four bytes, and its length: 0 for a byte the encoding leaves
    /// undefined, on which conversion fails as iconv's does.
    private let utf8: [UInt8]
    private let lengths: [UInt8]
    /// The encoding reads ASCII as ASCII (all of these do; checked, not assumed).
    private let asciiKept: Bool

    /// The encodings read by table: the single-byte ones of the web, but windows-1255 and
    /// windows-1258, in which glibc composes a combining mark with the letter before it.
    static let encodings: Set<String> = Set(
        [1250, 1251, 1252, 1253, 1254, 1256, 1257].map { "windows-\($0)" } + (Array(1...11) + Array(13...16)).map { "iso-8859-\($0)" } + ["koi8-r", "koi8-u"])

    private static let tables = Mutex<[String: SingleByteTable?]>([:])

    static func named(_ encoding: String) -> SingleByteTable? {
        guard encodings.contains(encoding) else { return nil }
        return tables.withLock { tables in
            if let known = tables[encoding] { return known }
            let table = SingleByteTable(encoding)
            tables[encoding] = table
            return table
        }
    }

    /// Nil when iconv does not know `encoding` or makes more than one scalar of a byte.
    init?(_ encoding: String) {
        var utf8 = [UInt8](repeating: 0, count: 256 * 4), lengths = [UInt8](repeating: 0, count: 256)
        var known = false
        for byte in 0...255 {
            guard let converted = PageDecoder.iconvConvert(CollectionOfOne(UInt8(byte)), from: encoding) else { continue }
            guard converted.count <= 4, String(decoding: converted, as: UTF8.self).unicodeScalars.count == 1 else { return nil }
            for (offset, value) in converted.enumerated() { utf8[byte * 4 + offset] = value }
            lengths[byte] = UInt8(converted.count)
            known = true
        }
        guard known else { return nil }
        self.utf8 = utf8
        self.lengths = lengths
        asciiKept = (0..<0x80).allSatisfy { lengths[$0] == 1 && utf8[$0 * 4] == UInt8($0) }
    }

    func convert(_ bytes: some Collection<UInt8>) -> Data? {
        bytes.withContiguousStorageIfAvailable(convert) ?? convert(Array(bytes))
    }

    private func convert(_ bytes: UnsafeBufferPointer<UInt8>) -> Data? {
        utf8.withUnsafeBufferPointer { utf8 in
            lengths.withUnsafeBufferPointer { lengths in
                var output = Data(count: bytes.count * 4)
                let written: Int? = output.withUnsafeMutableBytes { raw in
                    let out = raw.bindMemory(to: UInt8.self)
                    var at = 0
                    for byte in bytes {
                        if byte < 0x80 && asciiKept {
                            out[at] = byte
                            at += 1
                            continue
                        }
                        let length = Int(lengths[Int(byte)])
                        guard length > 0 else { return nil }
                        for offset in 0..<length { out[at + offset] = utf8[Int(byte) * 4 + offset] }
                        at += length
                    }
                    return at
                }
                guard let written else { return nil }
                output.count = written
                return output
            }
        }
    }
}
