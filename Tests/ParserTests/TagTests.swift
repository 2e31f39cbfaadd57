import CLibXML2
import Testing
@testable import Parser

@Suite("Element names to tags")
struct TagTests {
    static func tag(of name: String) -> Parser.Tag {
        Array(name.utf8CString).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: xmlChar.self, capacity: buffer.count) { Parser.Tag.of($0) }
        }
    }

    @Test("every tag's own name is read back as that tag; other names, longer ones and nil are .other")
    func roundTrip() {
        for tag in Parser.Tag.allCases where tag != .other {
            #expect(Self.tag(of: "\(tag)") == tag, "\(tag)")
        }
        for name in ["", "x", "h7", "divs", "blockquotes", "figcaptionx", "custom-element", "DIV"] {
            #expect(Self.tag(of: name) == .other, "\(name)")
        }
        #expect(Parser.Tag.of(nil) == .other)
    }
}
