import Foundation
import Testing
import TestSupport
@testable import Parser

@Suite("Page decoding")
struct DecodingTests {
    static let cyrillic = "<html><body><p>Тысячи людей вышли на улицы Минска после выборов президента.</p></body></html>"

    @Test("single-byte encodings read by table read every byte, and random text, as iconv does")
    func singleByteTables() throws {
        var generator = SplitMix64(seed: 0x1252)
        for encoding in SingleByteTable.encodings.sorted() {
            let table = try #require(SingleByteTable.named(encoding), "\(encoding)")
            for byte in 0...255 {
                let one = [UInt8(byte)]
                #expect(table.convert(one) == PageDecoder.iconvConvert(one, from: encoding), "\(encoding) byte \(byte)")
            }
            for _ in 0..<50 {
                let text = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(table.convert(text) == PageDecoder.iconvConvert(text, from: encoding), "\(encoding) \(text)")
            }
        }
        #expect(SingleByteTable.named("shift_jis") == nil && SingleByteTable.named("gb18030") == nil)
    }

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

@Suite("Hostile page bytes")
struct HostilePageBytesTests {
    @Test("UTF-16 pages with a byte-order mark, or declared UTF-16 by the server, are read as UTF-16")
    func utf16() {
        let text = "<html><body><p>Zürich — 東京 news</p></body></html>"
        var little = Data([0xFF, 0xFE]), big = Data([0xFE, 0xFF])
        for unit in text.utf16 {
            little.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)])
            big.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)])
        }
        #expect(PageDecoder.decode(little).utf8 == Data(text.utf8))
        #expect(PageDecoder.decode(big).utf8 == Data(text.utf8))
        #expect(PageDecoder.decode(little.dropFirst(2), httpCharset: "utf-16le").utf8 == Data(text.utf8))
    }

    @Test("control characters in titles and authors are dropped")
    func controlsInMetadata() throws {
        let page = Data("""
            <html><head><title>Harbour \u{1B}[2J\u{1B}]0;owned\u{07}plan\u{9B}</title><meta name="author" content="Anna\u{1B}[31m Berg"></head>
            <body><article>\(story())</article></body></html>
            """.utf8)
        let article = try Extractor().extract(page)
        #expect(article.title == "Harbour [2J]0;ownedplan", "\(article.title.debugDescription)")
        #expect(article.authors == ["Anna[31m Berg"])
    }

    @Test("a sitemap lists at most 50 000 links")
    func sitemapCap() throws {
        let entries = (0..<60_000).map { "<url><loc>https://news.example/\($0)</loc></url>" }.joined()
        let listing = try FeedReader.read(Data("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(entries)</urlset>".utf8),
                                          baseURL: "https://news.example/sitemap.xml")
        #expect(listing.links.count == 50_000 && listing.links.last == "https://news.example/49999")
    }
}
