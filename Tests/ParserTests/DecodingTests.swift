import Foundation
import Testing
@testable import Parser

@Suite("Page decoding")
struct DecodingTests {
    static let cyrillic = "<html><body><p>Тысячи людей вышли на улицы Минска после выборов президента.</p></body></html>"

    @Test("windows-1251 Cyrillic comes out readable whatever the page claims")
    func windows1251() throws {
        let bytes = try #require(PageDecoder.convert(Array(Self.cyrillic.utf8), from: "utf-8"))
        let cp1251 = try #require(Self.cyrillic.data(using: .windowsCP1251))
        #expect(bytes.count > cp1251.count)
        for declared in ["utf-8", nil, "windows-1251"] {
            let decoded = PageDecoder.decode(cp1251, httpCharset: declared)
            #expect(decoded.encoding == "windows-1251", "declared \(declared ?? "nothing")")
            #expect(String(decoding: decoded.utf8, as: UTF8.self) == Self.cyrillic)
        }
    }
}
