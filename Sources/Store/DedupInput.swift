import Foundation
import Model
import Queue

/// One `store dedup` input line, `{"id", "title", "text", "url"?, "language"?, "published"?}`, read by a
/// scanner made for it: Foundation's JSONDecoder took a sixth of the command's time, most of it
/// on the escapes every multi-paragraph text holds. The line must be one well-formed JSON object
/// in UTF-8; members other than `id`, `text`, `language` and `published` are checked and skipped.
public struct DedupInput {
    /// The id as JSON text, to be printed back as it came: a string (re-escaped) or a number.
    public var id: String
    public var text: String
    /// When the story was published (ISO 8601), if the line says.
    public var published: Date?
    /// The story's language (ISO 639-1), if the line says: how it spells foreign names.
    public var language: String?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ line: Data) throws {
        var id: String?
        var text: String?
        var published: String?
        var language: String?
        try line.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            scanner.skipSpace()
            try scanner.expect(0x7B, "an object")  // {
            scanner.skipSpace()
            if scanner.peek() == 0x7D {
                scanner.index += 1
            } else {
                while true {
                    scanner.skipSpace()
                    let key = try scanner.string()
                    scanner.skipSpace()
                    try scanner.expect(0x3A, "':' after \"\(key)\"")  // :
                    scanner.skipSpace()
                    switch key {
                    case "id": id = try scanner.id()
                    case "text":
                        guard scanner.peek() == 0x22 else { throw Failure(description: "\"text\" must be a string") }
                        text = try scanner.string()
                    case "published" where scanner.peek() == 0x22:
                        published = try scanner.string()
                    case "language" where scanner.peek() == 0x22:
                        language = try scanner.string()
                    default: try scanner.skipValue(depth: 0)
                    }
                    scanner.skipSpace()
                    if scanner.peek() == 0x2C { scanner.index += 1; continue }  // ,
                    try scanner.expect(0x7D, "',' or '}'")  // }
                    break
                }
            }
            scanner.skipSpace()
            guard scanner.atEnd else { throw Failure(description: "not JSON: more after the object, at byte \(scanner.index + 1)") }
        }
        guard let id else { throw Failure(description: "missing \"id\"") }
        guard let text else { throw Failure(description: "missing \"text\"") }
        self.id = id
        self.text = text
        self.language = language
        if let published {
            guard let date = ISODate.date(published) else {
                throw Failure(description: "\"published\" is not an ISO 8601 date or time: \(Self.quoted(published))")
            }
            self.published = date
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Nested arrays and objects in a skipped member deeper than this are refused.
        static let maximumDepth = 256

        var atEnd: Bool { index >= bytes.count }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            guard peek() == byte else {
                throw Failure(description: atEnd ? "not JSON: the line ends where \(what) was expected"
                                                 : "not JSON: \(what) expected at byte \(index + 1)")
            }
            index += 1
        }

        /// A string value, unescaped; strict about control characters, escapes and UTF-8.
        mutating func string() throws -> String {
            try expect(0x22, "a string")
            var out: [UInt8] = []
            while true {
                let runStart = index
                while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 { index += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                guard index < bytes.count else { throw Failure(description: "not JSON: a string is not closed") }
                let byte = bytes[index]
                index += 1
                if byte == 0x22 { break }
                if byte < 0x20 { throw Failure(description: "not JSON: a control character inside a string at byte \(index)") }
                try escape(into: &out)
            }
            guard let text = String(validating: out, as: UTF8.self) else {
                throw Failure(description: "not JSON: a string is not valid UTF-8")
            }
            return text
        }

        /// The escape after a backslash, appended to `out` as UTF-8.
        private mutating func escape(into out: inout [UInt8]) throws {
            guard let byte = peek() else { throw Failure(description: "not JSON: a string is not closed") }
            index += 1
            switch byte {
            case 0x22, 0x5C, 0x2F: out.append(byte)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var value = try hex4()
                if (0xD800..<0xDC00).contains(value), peek() == 0x5C, index + 1 < bytes.count, bytes[index + 1] == 0x75 {
                    index += 2
                    let low = try hex4()
                    value = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                out.append(contentsOf: String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8)
            default:
                throw Failure(description: "not JSON: an unknown escape \\\(Character(Unicode.Scalar(byte))) at byte \(index)")
            }
        }

        private mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                throw Failure(description: "not JSON: a \\u escape without four hex digits at byte \(index)")
            }
            index += 4
            return value
        }

        /// A string id (re-quoted) or a number id (as written).
        mutating func id() throws -> String {
            if peek() == 0x22 { return DedupInput.quoted(try string()) }
            guard let number = literal(), Self.isNumber(number) else {
                throw Failure(description: "\"id\": an id must be a string or a number")
            }
            return number
        }

        /// The run of characters a number or `true`/`false`/`null` is made of.
        private mutating func literal() -> String? {
            let start = index
            while let byte = peek(), byte == 0x2D || byte == 0x2B || byte == 0x2E || (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x45 {
                index += 1
            }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// JSON's number grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
        static func isNumber(_ text: String) -> Bool {
            var bytes = Substring(text).utf8[...]
            func digits() -> Int {
                let count = bytes.prefix { (0x30...0x39).contains($0) }.count
                bytes = bytes.dropFirst(count)
                return count
            }
            if bytes.first == 0x2D { bytes = bytes.dropFirst() }
            if bytes.first == 0x30 { bytes = bytes.dropFirst() } else if digits() == 0 { return false }
            if bytes.first == 0x2E {
                bytes = bytes.dropFirst()
                if digits() == 0 { return false }
            }
            if bytes.first == 0x65 || bytes.first == 0x45 {
                bytes = bytes.dropFirst()
                if bytes.first == 0x2B || bytes.first == 0x2D { bytes = bytes.dropFirst() }
                if digits() == 0 { return false }
            }
            return bytes.isEmpty
        }

        /// Any JSON value, checked and passed over.
        mutating func skipValue(depth: Int) throws {
            guard depth < Self.maximumDepth else { throw Failure(description: "not JSON: nested deeper than \(Self.maximumDepth) levels") }
            switch peek() {
            case 0x22:
                _ = try string()
            case 0x7B, 0x5B:
                let close: UInt8 = peek() == 0x7B ? 0x7D : 0x5D
                let isObject = close == 0x7D
                index += 1
                skipSpace()
                if peek() == close { index += 1; return }
                while true {
                    skipSpace()
                    if isObject {
                        _ = try string()
                        skipSpace()
                        try expect(0x3A, "':'")
                        skipSpace()
                    }
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    if peek() == 0x2C { index += 1; continue }
                    try expect(close, isObject ? "',' or '}'" : "',' or ']'")
                    return
                }
            default:
                guard let word = literal(), ["true", "false", "null"].contains(word) || Self.isNumber(word) else {
                    throw Failure(description: atEnd ? "not JSON: the line ends where a value was expected" : "not JSON: a value expected at byte \(index + 1)")
                }
            }
        }
    }
}
