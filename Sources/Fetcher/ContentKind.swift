import Foundation

/// What kind of response body a fetch produced, from its declared type and its first bytes.
enum ContentKind {
    /// HTML, XHTML and XML (feeds, sitemaps) go to the parser; everything else is only recorded.
    /// A body that starts like a known binary format is not parsed whatever its header says.
    static func isParseable(contentType: String?, body: Data) -> Bool {
        if looksBinary(body) { return false }
        guard let contentType else { return true }  // undeclared: let the parser sniff it
        let type = mediaType(contentType)
        return type == "text/html" || type == "application/xhtml+xml" || type.hasSuffix("/xml") || type.hasSuffix("+xml")
            || type == "text/plain" || type == "application/json" || type == "application/feed+json"
            || type == "application/x-gzip" || type == "application/gzip"  // gzipped sitemaps
    }

    /// `text/html; charset=utf-8` → `text/html`.
    static func mediaType(_ contentType: String) -> String {
        String(contentType.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// `text/html; charset="UTF-8"` → `utf-8`.
    static func charset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "charset" {
                return parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
            }
        }
        return nil
    }

    /// The response headers later stages use.
    static func keptHeaders(_ response: FetchResponse) -> [String: String] {
        var kept: [String: String] = [:]
        for name in ["ETag", "Last-Modified", "Content-Language", "Date", "Cache-Control", "Expires", "Link", "X-Robots-Tag"] {
            if let value = response.header(name) { kept[name] = value }
        }
        return kept
    }

    private static let binarySignatures: [[UInt8]] = [
        [0x25, 0x50, 0x44, 0x46],  // %PDF
        [0xFF, 0xD8, 0xFF],  // JPEG
        [0x89, 0x50, 0x4E, 0x47],  // PNG
        [0x47, 0x49, 0x46, 0x38],  // GIF8
        [0x50, 0x4B, 0x03, 0x04],  // ZIP
        [0x00, 0x00, 0x00],  // MP4/ISO boxes and other binary
    ]

    private static func looksBinary(_ body: Data) -> Bool {
        let head = [UInt8](body.prefix(8))
        return binarySignatures.contains { signature in head.starts(with: signature) }
    }
}

/// `Retry-After` as seconds from now: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
enum RetryAfter {
    static func seconds(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        guard let date = try? Date(trimmed, strategy: httpDate) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// The IMF-fixdate of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`), made once: a parse
    /// strategy is a value, safe to share across the fetch tasks.
    private static let httpDate = Date.ParseStrategy(
        format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
        locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!)
}
