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

    @Test("a TagSet holds exactly the tags it was made of, whichever half of its mask they fall in")
    func tagSet() {
        #expect(Parser.Tag.allCases.count <= 128, "TagSet's mask has 128 bits")
        let all = Parser.Tag.allCases
        let chosen = all.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let set = TagSet(arrayLiteral: chosen[0], chosen[1], chosen[2], chosen[chosen.count - 1], chosen[chosen.count - 2])
        let members = [chosen[0], chosen[1], chosen[2], chosen[chosen.count - 1], chosen[chosen.count - 2]]
        for tag in all { #expect(set.contains(tag) == members.contains(tag), "\(tag)") }
        let empty: TagSet = [], paragraphs: TagSet = [.p]
        #expect(!empty.contains(.a) && paragraphs.contains(.p))
    }
}
