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

@Suite("Page decoding, declarations")
struct DeclarationTests {
    @Test("byte-order marks, meta charset, and UTF-8 validation")
    func declarations() throws {
        let text = "<html><body><p>Zürich, Straße, naïve café</p></body></html>"
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        #expect(PageDecoder.decode(bom).utf8 == Data(text.utf8))
        let latin1 = try #require(("<meta charset=\"iso-8859-1\">" + text).data(using: .isoLatin1))
        let decoded = PageDecoder.decode(latin1)
        #expect(decoded.encoding == "windows-1252")
        #expect(String(decoding: decoded.utf8, as: UTF8.self).contains("Straße"))
        let mislabelled = PageDecoder.decode(Data(text.utf8), httpCharset: "iso-8859-1")
        #expect(mislabelled.encoding == "utf-8", "UTF-8 that validates wins over a Latin-1 label")
        #expect(PageDecoder.isValidUTF8(Data("plain ascii, then é and 😀".utf8)))
        #expect(!PageDecoder.isValidUTF8(Data([0x61, 0xC3])), "truncated sequence")
        #expect(!PageDecoder.isValidUTF8(Data([0xED, 0xA0, 0x80])), "surrogate")
        #expect(!PageDecoder.isValidUTF8(Data([0xC0, 0xAF])), "overlong")
        #expect(PageDecoder.metaCharset(Data(#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">"#.utf8)) == "windows-1251")
    }

    @Test("scripts, styles, SVG and comments are emptied before parsing; JSON-LD is kept")
    func stripping() {
        let html = #"<head><script type="application/ld+json">{"a": 1}</script><script>if (a < b) { x("</div>") }</script>"#
            + #"<STYLE>p{}</STYLE></head><body><!-- note --><svg><path d="M0"/></svg><p>text</p></body>"#
        let stripped = String(decoding: RawTextStripper.strip(Data(html.utf8)), as: UTF8.self)
        #expect(stripped == #"<head><script type="application/ld+json">{"a": 1}</script><script></script><STYLE></STYLE></head><body><svg></svg><p>text</p></body>"#)
    }
}
