import CLibXML2
import Foundation
import Testing
import TestSupport
@testable import Parser

/// The tree builder against libxml2's own HTML parser: the same input must give the same tree.
@Suite("HTML tree builder")
struct HTMLTreeBuilderTests {
    /// The tree as text: elements with the attributes the extractor reads (the builder keeps no
    /// others), text nodes in brackets, CDATA in braces. Comments, processing instructions and the
    /// doctype are left out (the builder keeps none of them); text nodes they separate stay separate.
    static func serialized(_ document: htmlDocPtr) -> String {
        var output = ""
        func visit(_ first: xmlNodePtr?) {
            var node = first
            while let current = node {
                switch current.pointee.type {
                case XML_ELEMENT_NODE:
                    output += "<" + String(cString: current.pointee.name)
                    var attribute = current.pointee.properties
                    while let at = attribute {
                        attribute = at.pointee.next
                        let name = String(cString: at.pointee.name)
                        guard Attribute.htmlNames.contains(name) else { continue }
                        let value = at.pointee.children.flatMap { $0.pointee.content }.map { String(cString: $0) }
                        output += " " + name + (value.map { "=\"\($0)\"" } ?? "")
                    }
                    output += ">"
                    visit(current.pointee.children)
                    output += "</" + String(cString: current.pointee.name) + ">"
                case XML_TEXT_NODE: output += "[" + (current.pointee.content.map { String(cString: $0) } ?? "") + "]"
                case XML_CDATA_SECTION_NODE: output += "{" + (current.pointee.content.map { String(cString: $0) } ?? "") + "}"
                default: break
                }
                node = current.pointee.next
            }
        }
        visit(document.pointee.children)
        return output
    }

    static func byLibXML2(_ html: String) -> String {
        guard let document = htmlReadMemory(html, Int32(html.utf8.count), nil, "UTF-8", HTMLElementRules.libxml2Options) else { return "(none)" }
        defer { xmlFreeDoc(document) }
        return serialized(document)
    }

    static func byBuilder(_ html: String) -> String {
        guard let document = Array(html.utf8).withUnsafeBufferPointer(HTMLTreeBuilder.build) else { return "(none)" }
        defer { xmlFreeDoc(document) }
        return serialized(document)
    }

    /// Pages that exercise each rule: implied elements, closing by start and end tags and their
    /// priorities, misplaced structure, attributes, references, white space, raw text.
    static let pages = [
        // Implied html, head, body and p.
        "hello <b>world</b>", "<title>T</title><p>x", "<meta charset=utf-8><div>x</div>", "<head><title>a</title></head> text",
        "<html>< x", "<head>< x", "<html> <head> <title>t</title> </head> <body> <p>x</p> </body> </html>",
        "<frameset><frame src=a></frameset>", "<head><title>x</title><header>in head</header>",
        "<html><body><p>x</p></body></html>tail", "<html><body>x</body></html><p>after</p>",
        "<!DOCTYPE html><html><body>x</body></html><p>after</p>", "<p>one</p></body>two",
        // Start tags that close open elements, and those that do not.
        "<p>a<p>b<div>c</div>", "<ul><li>a<li>b</ul>", "<dl><dt>a<dd>b<dt>c</dl>", "<table><tr><td>a<td>b<tr><td>c</table>",
        "<select><option>a<option>b</select>", "<a href=1>x<a href=2>y</a>", "<p>x<table><tr><td>y</td></tr></table>",
        "<section><p>a<article><p>b</article></section>", "<h1>a<h2>b</h2>", "<form><form>x</form>", "<td><td>",
        "<p><div>x</div>", "<li><ul><li>x</ul>", "<b><p>x</b>y</p>", "<font><p>a<font>b",
        // End tags: stray, crossing, ranked.
        "<div><span>a</div>b", "<div><table><tr><td>x</div>y</td></tr></table>", "a</p>b", "<b>x</i>y</b>",
        "<table><tr><td>x</tr>y</table>z", "<div><p>x</span></p></div>", "<ul><li>a</ul></li>b", "</div>x",
        // Misplaced html, head, body.
        "<div>a<html lang=\"nl\" x=\"y\">b</div>", "<div><body class=x>t</div>", "<body><body>x</body></body>y",
        "<p>x<head><title>y</title></head>z", "<html><html>x</html></html>y",
        // Tags read as libxml2 reads them.
        "<DIV CLASS=\"A\" Id=b>x</DIV>", "<div/class=\"c\">x", "<div <p>x", "<a href=x/>y", "<br/>z<span/>w", "<p class\"x\">y",
        "<div class='a' class='b'>x", "<input checked disabled value=>", "<p a=1 b = \"2\" c='3'd=4>x", "<div title=\"unclosed>x",
        "<a href=\"a&amp;b&lt;&#39;&#x27;&nbsp;&bogus;&amp\">l</a>", "<p title=\"x&#0;y\">z", "<o:p>office</o:p>", "<fb:like></fb:like>x",
        "<svg><path d=1/></svg>", "<p data-a=1 data-b=2>x", "<div>a<_x>b", "<p>a<3b", "a</ b>c", "a<!foo>b", "a<?php echo 1 ?>b",
        "<p>x</p\n>y", "<p>x</p junk>y",
        // References in text.
        "AT&T &amp; &copy; &#169; &#xA9; &#xa9 &#0; &#; &#1114112; &nosuch; &amp &lt;b&gt; & x", "&eacute;t&eacute;", "x&#128;y",
        // White space kept or dropped.
        "<div> <p>a</p> <p>b</p> </div>", "<p><b>a</b> <i>b</i></p>", "<table> <tr> <td> a </td> </tr> </table>",
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "<div><span></span> </div>", "<div><img src=a> <br> </div>", "<body> <div>x</div> </body>",
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\"><body> <div>x</div> </body>",
        "<div>a</div>   ", "<p>a &amp; <b>b</b></p>", "<div>\u{0C}<p>x</p></div>", "<p>a\u{01}b\u{0B}c</p>", "<table> \u{0C} <tr>",
        "<p>a\u{FFFE}b\u{FFFF}c</p>",
        // Raw text.
        "<script>if (a < b && c) { x = \"</div>\"; }</script><p>x", "<style>p { x: 1 }</style>t", "<script type=\"application/ld+json\">{\"a\":1}</script>",
        "<script></script>x", "<script>unclosed <p>text", "<script>a</SCRIPT>b", "<title>a <b>b</b></title>",
        // Comments and the doctype.
        "<!-- c --><p>x<!-- d -->y</p>", "x<!-- unterminated <p>y", "<!DOCTYPE html><p>x", "a<!---->b", "a<!--x--!>b",
        "<!DOCTYPE html>  </p><p>x", "<p>a</p><!DOCTYPE html><!DOCTYPE html>b", "<p>a<!DOCTYPE html></p>b", "a<?>b", "a<? x>b", "a<?x y>b", "a<?php x>y>b",
        "<div><div>x</div> <?php// x ?> <div>y</div></div>", "<div><div>x</div> <?p x ?> <div>y</div></div>",
        "<?xml version=\"1.0\"?><html><body>x</body></html><p>y</p>", "<!-- lead --><html><body>x</body></html><p>y</p>",
        // Byte order mark, empty and white-space-only pages.
        "\u{FEFF}<p>x</p>", " ", "\n\n<p>x</p>\n\n",
    ]

    @Test("every page gives libxml2's tree")
    func samePages() {
        for page in Self.pages {
            #expect(Self.byBuilder(page) == Self.byLibXML2(page), "\(page)")
        }
    }

    @Test("random pages from the same pieces give libxml2's tree")
    func randomPages() {
        let pieces = [
            "<p>", "</p>", "<div class=\"a\">", "</div>", "<span>", "</span>", "<b>", "</b>", "<a href=x>", "</a>", "<table>", "</table>",
            "<tr>", "</tr>", "<td>", "</td>", "<ul>", "<li>", "</li>", "</ul>", "<br>", "<img src=i>", "<h2>", "</h2>", "<section>",
            "</section>", "<form>", "</form>", "<select>", "<option>", "<head>", "</head>", "<body>", "</body>", "<html>", "</html>",
            "<title>", "</title>", "<meta name=a content=b>", "<script>x<y</script>", "<font>", "</font>", "<dl>", "<dt>", "<dd>",
            "text", "more words", " ", "\n", "&amp;", "&nbsp;", "&#65;", "&x", "<", "a < b", "</x>", "<nav>", "</nav>", "<pre>", "</pre>",
            "<tbody>", "<th>", "<caption>", "<center>", "<noscript>", "</noscript>", "<iframe>", "<object>", "<param>", "<embed>",
            "<DIV CLASS=Lead>", "</DIV>", "<P>", "<a href=\"a&amp;b&#0;c\" title='x&lt;y'>", "<input checked>", "<o:p>", "</o:p>",
            "<!DOCTYPE html>", "<div/>", "<span/>", "\t", "\u{0C}", "&#xA9;", "&nosuch;",
        ]
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<3000 {
            let page = (0..<Int.random(in: 1...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Self.byBuilder(page) == Self.byLibXML2(page), "\(page)")
        }
    }

    @Test("a page of a thousand names, short and long, in either case, gives libxml2's tree")
    func manyNames() {
        // More names than the builder's 256 recent-name slots, so slots are shared and replaced;
        // names alike in their first 8 bytes, names over 16; the same names again in upper case.
        var generator = SplitMix64(seed: 0x4A3E5)
        let names = (0..<1000).map { index -> String in
            let stem = index % 3 == 0 ? "x-component-name-" : index % 3 == 1 ? "section-" : "n"
            return stem + String(index, radix: 36) + String(repeating: "q", count: Int.random(in: 0...8, using: &generator))
        }
        let page = (0..<3000).map { _ -> String in
            let name = names.randomElement(using: &generator)!
            let shown = Bool.random(using: &generator) ? name.uppercased() : name
            return "<\(shown) class=c\(name.count)>t</\(shown)><p ID=i CLASS=k>u"
        }.joined()
        #expect(Self.byBuilder(page) == Self.byLibXML2(page))
    }

    @Test("nesting stops at libxml2's depth; the text after it is kept")
    func depth() throws {
        let deep = String(repeating: "<div>", count: 100_000) + "deep<b>bold</b>tail" + String(repeating: "</div>", count: 100_000) + "<p>after</p>"
        let document = try HTMLDocument(utf8: Data(deep.utf8))
        var depth = 0, maximum = 0
        func measure(_ node: xmlNodePtr?) {
            var current = node
            while let at = current {
                depth += 1
                maximum = max(maximum, depth)
                measure(at.pointee.children)
                depth -= 1
                current = at.pointee.next
            }
        }
        measure(document.pointer.pointee.children)
        #expect(maximum <= HTMLTreeBuilder.maximumDepth + 1)  // text nodes sit below the deepest element
        let text = document.root?.textContent ?? ""
        #expect(text.contains("deepbold") && text.contains("tail") && text.contains("after"))
    }

    @Test("the rules read from libxml2 know every element it knows")
    func rules() {
        let rules = HTMLElementRules.shared
        // Names of HTML5 that libxml2 2.9 does not know; none of them is in the list.
        for name in ["section", "article", "nav", "aside", "header", "footer", "main", "figure", "time", "svg", "video", "template"] {
            #expect(name.withCString { htmlTagLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) } == nil, "\(name)")
            #expect(rules.indexOfName[name] == nil)
        }
        for name in HTMLElementRules.knownNames {
            #expect(name.withCString { htmlTagLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) } != nil, "\(name)")
        }
        let p = rules.indexOfName["p"]!, div = rules.indexOfName["div"]!
        #expect(rules.startTag(p, closes: p) && rules.startTag(div, closes: p) && !rules.startTag(p, closes: div))
        #expect(rules.element(named: "br").isVoid && !rules.element(named: "div").isVoid)
    }
}
