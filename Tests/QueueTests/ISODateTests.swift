import Foundation
import Model
import Testing
@testable import Queue

@Suite("ISO 8601 dates")
struct ISODateTests {
    @Test("the instant agrees with Foundation's on times across two centuries, leap days included")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        for _ in 0..<2000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)))
            let text = formatter.string(from: instant)
            #expect(ISODate.date(text) == instant, "\(text)")
        }
        #expect(ISODate.date("2024-02-29") == formatter.date(from: "2024-02-29T00:00:00Z"))
        #expect(ISODate.date("2100-02-29") == nil && ISODate.date("2000-02-29") != nil)
    }

    @Test("offsets, fractions and forms refused", arguments: [
        ("2024-05-01T10:00:00+02:00", "2024-05-01T08:00:00Z"), ("2024-05-01 10:00", "2024-05-01T10:00:00Z"),
        ("2024-05-01T10:00:00.999-0130", "2024-05-01T11:30:00Z"), ("2024-5-1", nil), ("2024-05-01T10", nil), ("2024-05-01T10:00:00 junk", nil),
    ] as [(String, String?)])
    func forms(text: String, expected: String?) {
        #expect(ISODate.date(text) == expected.flatMap { ISO8601DateFormatter().date(from: $0) })
    }
}
