import Foundation

/// An ISO 8601 date or time as publishers and users write it — `2024-05-01`,
/// `2024-05-01T08:30`, `2024-05-01 08:30:00.123+02:00`, `…Z`, `…-0500` — read by hand: it runs
/// on every date candidate of every page and on every `store dedup` line, where Foundation's
/// ISO 8601 parsing cost a quarter of a millisecond.
public struct ISODate: Sendable, Equatable {
    public var year = 0, month = 0, day = 0
    public var hour: Int?, minute: Int?, second: Int?
    /// The offset from UTC the text gives, if any.
    public var offsetSeconds: Int?

    /// Nil when `text` is not of that form (nothing before or after it, not even spaces).
    public init?(_ text: String) {
        let b = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= b.count else { return nil }
            var value = 0
            for k in i..<(i + digits) {
                guard (0x30...0x39).contains(b[k]) else { return nil }
                value = value * 10 + Int(b[k] - 0x30)
            }
            i += digits
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), take(0x2D), let month = number(2), take(0x2D), let day = number(2) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
        if i == b.count { return }
        guard take(0x54) || take(0x20), let hour = number(2), take(0x3A), let minute = number(2) else { return nil }
        (self.hour, self.minute) = (hour, minute)
        if take(0x3A) {
            guard let second = number(2) else { return nil }
            self.second = second
            if take(0x2E) || take(0x2C) { while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 } }
        }
        while i < b.count, b[i] == 0x20 { i += 1 }
        if i == b.count { return }
        if take(0x5A) {
            offsetSeconds = 0
        } else if i < b.count, b[i] == 0x2B || b[i] == 0x2D {
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let hours = number(2) else { return nil }
            _ = take(0x3A)
            guard let minutes = number(2) else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard i == b.count else { return nil }
    }

    /// Whether a time of day is given (else the text is a date alone).
    public var hasTime: Bool { hour != nil }

    /// The instant: a date alone is midnight UTC, a time without an offset is taken as UTC. Nil
    /// when a field is out of range (month 13, 30 February, hour 24).
    public var date: Date? {
        let days = [31, Self.isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), (0...23).contains(hour ?? 0), (0...59).contains(minute ?? 0),
              (0...60).contains(second ?? 0) else { return nil }
        let seconds = Self.daysSince1970(year: year, month: month, day: day) * 86_400 + (hour ?? 0) * 3600 + (minute ?? 0) * 60 + (second ?? 0)
        return Date(timeIntervalSince1970: TimeInterval(seconds - (offsetSeconds ?? 0)))
    }

    /// Parses `text` and gives its instant (see `date`).
    public static func date(_ text: String) -> Date? { ISODate(text)?.date }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// Days from 1970-01-01 to the date in the proleptic Gregorian calendar (H. Hinnant's
    /// `days_from_civil`).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
