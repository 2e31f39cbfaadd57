import CLibXML2
import Foundation

/// A page parsed into libxml2's HTML tree, from UTF-8 bytes (see `PageDecoder`).
///
/// `HTMLTreeBuilder` builds the tree libxml2's recovering HTML parser would build; nothing is
/// fetched and no entity is loaded, and the nesting is capped, so a 100 000-deep page yields a
/// bounded tree. Nodes (`HTMLNode`) point into this document and must not outlive it: they never
/// leave the extractor.
final class HTMLDocument {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        case unparseable

        var description: String {
            switch self {
            case .empty: "the page is empty"
            case .unparseable: "libxml2 could not allocate a document for the page"
            }
        }
    }

    let pointer: htmlDocPtr

    /// Parses `utf8`, which must already be UTF-8 (NUL bytes removed).
    init(utf8: Data) throws {
        guard !utf8.isEmpty else { throw Failure.empty }
        let document = utf8.withUnsafeBytes { HTMLTreeBuilder.build($0.bindMemory(to: UInt8.self)) }
        guard let document else { throw Failure.unparseable }
        pointer = document
    }

    deinit { xmlFreeDoc(pointer) }

    /// The `<html>` element (libxml2 creates one for fragments too).
    var root: HTMLNode? { xmlDocGetRootElement(pointer).map(HTMLNode.init) }

    /// The first element with `tag` in document order (`title`, `body`).
    func first(_ tag: Tag) -> HTMLNode? {
        root?.firstDescendant { $0.tag == tag }
    }
}

/// An element or text node of an `HTMLDocument`; a thin view over libxml2's `xmlNode`.
struct HTMLNode {
    let pointer: xmlNodePtr

    var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }

    /// The element's tag (`.other` for names the parser does not tell apart, and for non-elements).
    /// `HTMLTreeBuilder` writes it into the node's spare `extra` field (with `tagMark`) once per
    /// element, as the walks ask for it again and again; a feed's tree has the name read instead.
    var tag: Tag {
        guard isElement else { return .other }
        let extra = pointer.pointee.extra
        if extra & Self.tagMark != 0, let tag = Tag(rawValue: UInt8(truncatingIfNeeded: extra)) { return tag }
        return Tag.of(pointer.pointee.name)
    }

    /// The bit of `xmlNode.extra` that says the rest is a `Tag`.
    static let tagMark: UInt16 = 0x8000

    /// The tag name, lower case as libxml2's HTML parser stores it.
    var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }

    var parent: HTMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return HTMLNode(pointer: parent)
    }

    var firstChild: HTMLNode? { pointer.pointee.children.map(HTMLNode.init) }
    var nextSibling: HTMLNode? { pointer.pointee.next.map(HTMLNode.init) }

    /// The direct children, in order.
    var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            result.append(HTMLNode(pointer: node))
            child = node.pointee.next
        }
        return result
    }

    /// The element children only.
    var elementChildren: [HTMLNode] { children.filter(\.isElement) }

    func attribute(_ name: Attribute) -> String? {
        attributeValue(name).map { String(cString: $0) }
    }

    /// An attribute's value as libxml2 stores it (no copy); "" for an attribute without a value.
    /// Scans the element's attribute list directly: `xmlGetProp` would allocate a copy per call.
    func attributeValue(_ name: Attribute) -> UnsafePointer<xmlChar>? {
        let wanted = UnsafeRawPointer(name.name.utf8Start).assumingMemoryBound(to: CChar.self)
        var attribute = pointer.pointee.properties
        while let current = attribute {
            if let attributeName = current.pointee.name, attributeName.pointee == UInt8(bitPattern: wanted.pointee), strcmp(wanted, UnsafeRawPointer(attributeName).assumingMemoryBound(to: CChar.self)) == 0 {
                if let text = current.pointee.children, let content = text.pointee.content { return UnsafePointer(content) }
                return Self.emptyValue
            }
            attribute = current.pointee.next
        }
        return nil
    }

    nonisolated(unsafe) private static let emptyValue: UnsafePointer<xmlChar> = {
        let empty = UnsafeMutablePointer<xmlChar>.allocate(capacity: 1)
        empty.pointee = 0
        return UnsafePointer(empty)
    }()

    var hasAttributes: Bool { pointer.pointee.properties != nil }

    /// Marks the element as a body container the page names (`itemprop=articleBody`, a CMS body
    /// class), in libxml2's application field: the cleaner finds them, the body finder uses them.
    func markAsBodyContainer() { pointer.pointee._private = Self.bodyContainerMark }

    var isMarkedBodyContainer: Bool { pointer.pointee._private == Self.bodyContainerMark }

    nonisolated(unsafe) private static let bodyContainerMark = UnsafeMutableRawPointer(bitPattern: 0x1)

    /// The element's position in document order as `BodyFinder` last counted its tree, kept in
    /// libxml2's `psvi` field (XML Schema's, never set on an HTML tree): the finder asks for an
    /// element's text amounts and score thousands of times per page, and a dictionary keyed by
    /// node was a twentieth of the parser's time. Nil for a node never counted.
    var measuredPosition: Int? {
        get { pointer.pointee.psvi.map { Int(bitPattern: $0) - 1 } }
        nonmutating set { pointer.pointee.psvi = newValue.flatMap { UnsafeMutableRawPointer(bitPattern: $0 + 1) } }
    }

    /// A text node's own text (raw, whitespace as in the page).
    var content: String {
        guard let content = pointer.pointee.content else { return "" }
        return String(cString: content)
    }

    /// All text below this node, as libxml2 concatenates it.
    var textContent: String {
        guard let text = xmlNodeGetContent(pointer) else { return "" }
        defer { wr_xml_free(text) }
        return String(cString: text)
    }

    /// `textContent` when it is shorter than `limit` bytes, else nil, told without building
    /// the text of a large element (the page's whole text, for `body`).
    func textContent(shorterThan limit: Int) -> String? {
        var length = 0
        walk { node in
            length += node.ownTextBytes.count
            return length < limit && node.isElement
        }
        return length < limit ? textContent : nil
    }

    /// A text node's own bytes, not copied (empty for an element).
    var ownTextBytes: UnsafeBufferPointer<UInt8> {
        guard isText, let content = pointer.pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)))
    }

    /// Non-whitespace characters (UTF-8 lead bytes) of a text node's own text, and commas among
    /// them (a sign of prose).
    var ownTextMetrics: (chars: Int, commas: Int) {
        guard isText, var byte = pointer.pointee.content else { return (0, 0) }
        var chars = 0, commas = 0
        while byte.pointee != 0 {
            let value = byte.pointee
            if value > 0x20 && (value & 0xC0) != 0x80 { chars += 1 }
            if value == 0x2C { commas += 1 }
            byte += 1
        }
        return (chars, commas)
    }

    /// Non-whitespace characters of all text below this node.
    var visibleTextLength: Int {
        var chars = ownTextMetrics.chars
        walk { node in
            chars += node.ownTextMetrics.chars
            return node.isElement
        }
        return chars
    }

    /// The first descendant (depth first, document order) for which `matches` holds.
    func firstDescendant(where matches: (HTMLNode) -> Bool) -> HTMLNode? {
        var found: HTMLNode?
        walk { node in
            guard found == nil else { return false }
            if node.isElement && matches(node) {
                found = node
                return false
            }
            return true
        }
        return found
    }

    /// Every descendant element for which `matches` holds, in document order.
    func descendants(where matches: (HTMLNode) -> Bool) -> [HTMLNode] {
        var result: [HTMLNode] = []
        walk { node in
            if node.isElement && matches(node) { result.append(node) }
            return true
        }
        return result
    }

    /// Visits the descendants in document order; `visit` returns whether to go below the node.
    /// Iterative, so page depth never meets the stack.
    func walk(_ visit: (HTMLNode) -> Bool) {
        var next = pointer.pointee.children
        while let node = next {
            if visit(HTMLNode(pointer: node)), let child = node.pointee.children {
                next = child
                continue
            }
            var current: xmlNodePtr? = node
            next = nil
            while let at = current, at != pointer {
                if let sibling = at.pointee.next {
                    next = sibling
                    break
                }
                current = at.pointee.parent
            }
        }
    }

    /// Unlinks the node from the tree and frees it (with everything below it).
    func remove() {
        xmlUnlinkNode(pointer)
        xmlFreeNode(pointer)
    }
}
