import CLibXML2
import Foundation

/// How libxml2 2.9's HTML parser nests the elements it knows, asked of libxml2 itself once per
/// process, so that `HTMLTreeBuilder` builds the tree libxml2 would build.
///
/// libxml2 keeps these rules in private tables. What its public API exposes is read from it:
/// which start tags close which open elements (`htmlAutoCloseTag`), which elements are void
/// (`htmlTagLookup`). What it does not expose is read from libxml2 parsing two tiny documents per
/// element: whether a tag closes an open element of its own name (`<p><p>`), and whether white
/// space next to the element survives `HTML_PARSE_NOBLANKS`. Only the end-tag priorities are
/// written here; the tree tests compare both parsers on pages that exercise each of them.
struct HTMLElementRules: Sendable {
    /// The elements of HTML 4.01, with `embed`: the names libxml2 2.9 has rules for. Every other
    /// name (the HTML5 elements among them) neither closes nor is closed by a start tag.
    static let knownNames = [
        "a", "abbr", "acronym", "address", "applet", "area", "b", "base", "basefont", "bdo", "big", "blockquote", "body",
        "br", "button", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "dir", "div", "dl",
        "dt", "em", "embed", "fieldset", "font", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "hr", "html", "i", "iframe", "img", "input", "ins", "isindex", "kbd", "label", "legend", "li", "link", "map",
        "menu", "meta", "noframes", "noscript", "object", "ol", "optgroup", "option", "p", "param", "pre", "q", "s",
        "samp", "script", "select", "small", "span", "strike", "strong", "style", "sub", "sup", "table", "tbody", "td",
        "textarea", "tfoot", "th", "thead", "title", "tr", "tt", "u", "ul", "var",
    ]

    static let shared = HTMLElementRules()

    /// What the builder needs of one element name.
    struct Element: Sendable {
        /// The name's place in `knownNames`, or -1.
        var index: Int = -1
        var isVoid = false
        /// An end tag closes the open elements above its own only when none of them ranks higher
        /// (a stray `</div>` inside a table cell is ignored).
        var endPriority: UInt8 = 100
        /// White space right after this element, or right inside it, is kept as text.
        var keepsWhiteSpace = false
        /// `script` and `style`: their content is text up to their end tag.
        var isRawText = false
        /// Opens an implied `head` at the top of a page (`title`, `meta`, `link`, `base`, `script`, `style`).
        var isHeadContent = false
        /// Opens no implied `body` (`frameset`, `frame`, `noframes`).
        var isFrames = false
    }

    /// For each known start tag, the known elements it closes when one is the current element.
    private let closes: [(low: UInt64, high: UInt64)]
    let elements: [Element]
    let indexOfName: [String: Int]

    func element(named name: String) -> Element {
        indexOfName[name].map { elements[$0] } ?? Element()
    }

    /// Whether the start tag `new` closes the open element `old` (both known).
    func startTag(_ new: Int, closes old: Int) -> Bool {
        let mask = closes[new]
        return old < 64 ? mask.low & (1 << UInt64(old)) != 0 : mask.high & (1 << UInt64(old - 64)) != 0
    }

    private init() {
        precondition(Self.knownNames.count <= 128, "the closing masks hold 128 elements")
        xmlInitParser()
        let names = Self.knownNames
        indexOfName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var closes = [(low: UInt64, high: UInt64)](repeating: (0, 0), count: names.count)
        var elements: [Element] = []
        for (index, name) in names.enumerated() {
            var element = Element(index: index)
            element.isVoid = name.withCString { htmlTagLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self))?.pointee.empty ?? 0 } != 0
            element.endPriority = Self.endPriorities[name] ?? 100
            element.isRawText = name == "script" || name == "style"
            element.isHeadContent = ["script", "style", "meta", "link", "title", "base"].contains(name)
            element.isFrames = ["frameset", "frame", "noframes"].contains(name)
            element.keepsWhiteSpace = Self.keepsWhiteSpace(name, isVoid: element.isVoid)
            elements.append(element)
            for (oldIndex, old) in names.enumerated() {
                let closesOld = old == name ? Self.closesItsOwnName(name, isVoid: element.isVoid) : Self.startTag(name, closes: old)
                guard closesOld else { continue }
                if oldIndex < 64 { closes[index].low |= 1 << UInt64(oldIndex) } else { closes[index].high |= 1 << UInt64(oldIndex - 64) }
            }
        }
        self.closes = closes
        self.elements = elements
    }

    /// libxml2's ranks of end tags (its `htmlEndPriority`); every other element ranks 100.
    private static let endPriorities: [String: UInt8] = [
        "div": 150, "td": 160, "th": 160, "tr": 170, "thead": 180, "tbody": 180, "tfoot": 180, "table": 190,
        "head": 200, "body": 200, "html": 220,
    ]

    private static func startTag(_ new: String, closes old: String) -> Bool {
        guard let node = xmlNewNode(nil, new) else { return false }
        defer { xmlFreeNode(node) }
        return old.withCString { htmlAutoCloseTag(nil, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), node) } == 1
    }

    /// `<p><p>`: whether libxml2 makes the second a sibling of the first.
    private static func closesItsOwnName(_ name: String, isVoid: Bool) -> Bool {
        guard !isVoid, !["html", "head", "body", "script", "style"].contains(name) else { return false }
        return probe("<\(name)><\(name)>") { body in
            guard let first = firstElement(named: name, below: body) else { return false }
            return firstElement(named: name, below: first) == nil
        }
    }

    /// Whether libxml2 keeps the white space in `<div><name></name> </div>` (after the element),
    /// or for `body`, in `<body> </body>` (inside it).
    private static func keepsWhiteSpace(_ name: String, isVoid: Bool) -> Bool {
        switch name {
        case "html", "head": return false
        case "body": return probe("<body> </body>") { body in body.pointee.children?.pointee.type == XML_TEXT_NODE }
        default:
            let element = isVoid ? "<\(name)>" : "<\(name)></\(name)>"
            return probe("<div>\(element) </div>") { body in
                firstElement(named: "div", below: body)?.pointee.last?.pointee.type == XML_TEXT_NODE
            }
        }
    }

    /// The options of libxml2's HTML parser whose tree `HTMLTreeBuilder` builds.
    static let libxml2Options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOBLANKS.rawValue)

    /// Parses `html` with libxml2's HTML parser and those options, and answers `check`
    /// on its `<body>` (or `<html>` when it has none).
    private static func probe(_ html: String, _ check: (xmlNodePtr) -> Bool) -> Bool {
        guard let document = htmlReadMemory(html, Int32(html.utf8.count), nil, "UTF-8", libxml2Options) else { return false }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return false }
        return check(firstElement(named: "body", below: root) ?? root)
    }

    private static func firstElement(named name: String, below node: xmlNodePtr) -> xmlNodePtr? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                if String(cString: current.pointee.name) == name { return current }
                if let found = firstElement(named: name, below: current) { return found }
            }
            child = current.pointee.next
        }
        return nil
    }
}
