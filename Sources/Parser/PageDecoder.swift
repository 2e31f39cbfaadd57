import Foundation
import Glibc

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

    static func decode(_ bytes: Data, httpCharset: String? = nil) -> Decoded {
        var bytes = bytes
        if bytes.withUnsafeBytes({ $0.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }) { bytes.removeAll { $0 == 0 } }
        if let (encoding, length) = byteOrderMark(bytes) {
            if let utf8 = convert(bytes.dropFirst(length), from: encoding) { return Decoded(utf8: utf8, encoding: encoding) }
        }
        for label in [httpCharset, metaCharset(bytes)].compactMap({ $0 }) {
            guard let encoding = canonical(label) else { continue }
            if encoding == "utf-8" {
                if isValidUTF8(bytes) { return Decoded(utf8: bytes, encoding: encoding) }
                continue  // declared UTF-8 but is not: detect below
            }
            if encoding == "windows-1252" && isValidUTF8(bytes) && hasNonASCII(bytes) {
                continue  // a Latin-1 label on UTF-8 text is a common mislabel; UTF-8 that validates wins
            }
            if let utf8 = convert(bytes, from: encoding) { return Decoded(utf8: utf8, encoding: encoding) }
        }
        if isValidUTF8(bytes) { return Decoded(utf8: bytes, encoding: "utf-8") }
        let guess = detectSingleByte(bytes)
        return Decoded(utf8: convert(bytes, from: guess) ?? Data(String(decoding: bytes, as: UTF8.self).utf8), encoding: guess)
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

    /// The charset a `<meta>` tag declares in the first 4 KiB, as browsers pre-scan.
    static func metaCharset(_ bytes: Data) -> String? {
        let head = String(decoding: bytes.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        var searchFrom = head.startIndex
        while let meta = head.range(of: "<meta", range: searchFrom..<head.endIndex) {
            let end = head[meta.upperBound...].firstIndex(of: ">") ?? head.endIndex
            let tag = head[meta.upperBound..<end]
            if let charset = tag.range(of: "charset=") {
                let value = tag[charset.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
                let label = value.prefix { !"\"'; />".contains($0) }
                if !label.isEmpty { return String(label) }
            }
            searchFrom = end
        }
        return nil
    }

    static func isValidUTF8(_ bytes: Data) -> Bool {
        bytes.withUnsafeBytes { String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) != nil }
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
