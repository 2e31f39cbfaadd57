import CLibXML2
import Foundation

/// Builds the libxml2 tree of a page the way libxml2 2.9's recovering HTML parser does
/// (`htmlReadMemory` with `HTML_PARSE_RECOVER | HTML_PARSE_NOBLANKS`), with a reader of its own.
///
/// Hand-written because libxml2's reading of the markup was a third of `parser extract`'s time on
/// the dev set, most of it in per-character input handling this reader does not need: pages
/// arrive as UTF-8 (`PageDecoder`) with scripts, styles and comments already emptied
/// (`RawTextStripper`), so the reader walks bytes and only builds nodes. The tree is libxml2's
/// own (`xmlNode`), so everything after the parse is unchanged, and it follows libxml2's rules:
/// implied `html`, `head`, `body` and `p`; start tags closing open elements and end tags closing
/// what they may (`HTMLElementRules`, read from libxml2); misplaced `html`, `head` and `body`
/// ignored; attributes lower-cased, the first of a name kept; HTML 4 entities (libxml2's table);
/// white space dropped where `HTML_PARSE_NOBLANKS` drops it. The tree tests parse the same pages
/// with both and compare the trees.
///
/// One difference is deliberate: libxml2 stops reading a page whose elements nest deeper than
/// 256 and loses the rest; this builder stops nesting at that depth and keeps reading, so the
/// tree stays bounded and no text is lost.
struct HTMLTreeBuilder {
    /// The deepest nesting built, as libxml2's (`xmlParserMaxDepth`, the document's root included).
    static let maximumDepth = 257

    private typealias Element = HTMLElementRules.Element

    /// An attribute's name and where its value is: none, the page's bytes, or `attributeBytes`.
    private struct PendingAttribute {
        enum Value { case none, page, decoded }
        let name: UnsafePointer<xmlChar>
        let value: Value
        let start: Int
        let length: Int
    }

    /// A tag name as the builder uses it: what the rules say of it, the name its nodes get (libxml2
    /// drops a prefix: `o:p` is a `p` in the tree, `o:p` for the rules) and that name's `Tag`.
    private struct Name {
        let element: Element
        let nodeName: UnsafePointer<xmlChar>
        let tag: Tag
    }

    /// An element being filled: its node, its interned name and what the rules say of it.
    private struct Open {
        let node: xmlNodePtr
        let name: UnsafePointer<xmlChar>
        let element: Element
    }

    private let rules: HTMLElementRules
    private let document: htmlDocPtr
    private let dictionary: OpaquePointer
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var at = 0
    private var open: [Open] = []
    /// libxml2's `ctxt->html`: a `head` (or a `body`, which counts as past it) has been opened,
    /// implied ones too; a `body` has been opened.
    private var pastHead = false, openedBody = false
    /// Misplaced `html`/`head`/`body` start tags ignored, whose end tags are then ignored too.
    private var ignoredStructuralTags = 0
    /// The document holds a node before its root (a doctype, a leading comment or processing
    /// instruction): libxml2 then puts a later top-level element beside the root, not inside it.
    private var rootHasPredecessor = false
    private var sawDoctype = false
    /// An HTML 4 strict doctype: white space directly in `body` is dropped.
    private var strictDoctype = false
    /// Text read but not yet in the tree, and the element it belongs to: a run of the page's own
    /// bytes (`borrowed`) until a second piece joins it, then a copy (`text`).
    private var text: [UInt8] = []
    private var borrowed: UnsafeBufferPointer<UInt8>?
    private var textParent: xmlNodePtr?
    /// The attributes of the start tag being read; decoded values are kept in `attributeBytes`.
    private var attributes: [PendingAttribute] = []
    private var attributeBytes: [UInt8] = []
    /// What the builder needs of each tag name seen in this page, by interned name.
    private var names: [UnsafePointer<xmlChar>: Name] = [:]
    private var nameBuffer = [UInt8](repeating: 0, count: 100)
    /// The names last read and what they are, in slots chosen by a hash, in front of
    /// `xmlDictLookup` and `names`: a page reads a few short names thousands of times, and those
    /// two lookups per tag were a tenth of the builder's time.
    private var recentNames = [RecentName](repeating: RecentName(), count: 256)
    private var recentInfo = [(name: UnsafePointer<xmlChar>, info: Name)?](repeating: nil, count: 256)

    /// A name of at most 16 bytes, lower case, as two words (zero-padded), and its interned copy.
    private struct RecentName {
        var low: UInt64 = 0, high: UInt64 = 0, length = 0
        var name: UnsafePointer<xmlChar>?
    }
    private let htmlName, headName, bodyName, pName: UnsafePointer<xmlChar>
    /// `Attribute`'s names, interned: the only attributes put in the tree.
    private let readAttributeNames: [UnsafePointer<xmlChar>]

    /// The tree of `bytes` (UTF-8, without NUL bytes), or nil when libxml2 cannot allocate one.
    static func build(_ bytes: UnsafeBufferPointer<UInt8>) -> htmlDocPtr? {
        // The rules first: their one-time setup calls `xmlInitParser`, which sets up libxml2's
        // globals. Without it, two threads creating their first dictionaries at once can leave
        // the dictionary's mutex half made, and both wait on it forever.
        let rules = HTMLElementRules.shared
        guard let base = bytes.baseAddress, let document = htmlNewDocNoDtD(nil, nil), let dictionary = xmlDictCreate() else { return nil }
        document.pointee.dict = dictionary
        var builder = HTMLTreeBuilder(rules: rules, document: document, dictionary: dictionary, base: base, count: bytes.count)
        builder.run()
        return document
    }

    private init(rules: HTMLElementRules, document: htmlDocPtr, dictionary: OpaquePointer, base: UnsafePointer<UInt8>, count: Int) {
        self.rules = rules
        self.document = document
        self.dictionary = dictionary
        self.base = base
        self.count = count
        func intern(_ name: String) -> UnsafePointer<xmlChar> { xmlDictLookup(dictionary, name, Int32(name.utf8.count)) }
        (htmlName, headName, bodyName, pName) = (intern("html"), intern("head"), intern("body"), intern("p"))
        readAttributeNames = Attribute.htmlNames.map(intern)
        text.reserveCapacity(4096)
        open.reserveCapacity(64)
    }

    // MARK: - The reading loop

    private mutating func run() {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { at = 3 }
        skipBlanks()
        leadingCommentsAndInstructions()
        if at + 1 < count, base[at] == 0x3C, base[at + 1] == 0x21, startsDoctype() {
            doctype()
            skipBlanks()
        }
        leadingCommentsAndInstructions()
        while at < count {
            let byte = base[at]
            if byte == 0x3C {  // '<'
                let next = at + 1 < count ? base[at + 1] : 0
                if next == 0x2F {  // '/'
                    endTag()
                } else if let top = open.last, top.element.isRawText {
                    rawText()
                } else if next == 0x21, startsDoctype() {  // '!'
                    doctype()
                    // libxml2 reads what follows a doctype inside the page without looking for
                    // an end tag or another doctype: such a '<' is text.
                    if at + 1 < count, base[at] == 0x3C, !Self.isLetter(base[at + 1]), base[at + 1] != 0x3F, !startsComment {
                        characters(base + at, 1, fromPage: true)
                        at += 1
                    }
                } else if next == 0x21, startsComment {
                    comment()
                } else if next == 0x3F {  // '?'
                    processingInstruction()
                } else if Self.isLetter(next) {
                    startTag()
                } else {
                    characters(base + at, 1, fromPage: true)
                    at += 1
                }
            } else if let top = open.last, top.element.isRawText {
                rawText()
            } else if byte == 0x26 {  // '&'
                reference()
            } else {
                charData()
            }
        }
        flushText()
    }

    // MARK: - Tags

    private mutating func startTag() {
        at += 1
        guard let name = readName() else { return }
        let info = self.name(name)
        autoClose(for: info.element)
        addImpliedElements(for: name, info.element)
        var discarded = false
        if name == htmlName && !open.isEmpty || name == headName && open.count != 1 {
            discarded = true
            ignoredStructuralTags += 1
        }
        if name == bodyName {
            for entry in open where entry.name == bodyName {
                discarded = true
                ignoredStructuralTags += 1
            }
        }
        skipBlanks()
        attributes.removeAll(keepingCapacity: true)
        attributeBytes.removeAll(keepingCapacity: true)
        while at < count, base[at] != 0x3E, !atSelfClosingEnd {
            if let attributeName = readName() {
                skipBlanks()
                // Only attributes the extractor reads are kept (at most one of each name), so a tag
                // with 300 000 attributes costs one pass.
                let kept = readAttributeNames.contains(attributeName) && !attributes.contains(where: { $0.name == attributeName })
                var attribute = PendingAttribute(name: attributeName, value: .none, start: 0, length: 0)
                if at < count, base[at] == 0x3D {  // '='
                    at += 1
                    skipBlanks()
                    attribute = attributeValue(of: attributeName, decoding: kept)
                }
                if kept { attributes.append(attribute) }
            } else {
                while at < count, !Self.isBlank(base[at]), base[at] != 0x3E, !atSelfClosingEnd { at += 1 }
            }
            skipBlanks()
        }
        let opened = !discarded && push(name, info, withAttributes: true)
        // What follows the tag applies to the current element, as in libxml2, also when the tag
        // itself was ignored; but not when it was too deep to open.
        if !opened && !discarded {
            if at < count { at += atSelfClosingEnd ? 2 : 1 }
        } else if atSelfClosingEnd {
            at += 2
            pop()
        } else if at < count {
            at += 1  // '>'
            if let top = open.last, top.element.isVoid { pop() }
        } else {
            pop()  // the page ends inside the tag
        }
    }

    private mutating func endTag() {
        at += 2
        guard let name = readName() else { return }  // "</" then no name: the rest is text
        skipBlanks()
        at = min(count, (find(0x3E, from: at) ?? count - 1) + 1)
        if ignoredStructuralTags > 0 && (name == htmlName || name == bodyName || name == headName) {
            ignoredStructuralTags -= 1
            return
        }
        guard let index = open.lastIndex(where: { $0.name == name }) else { return }
        let priority = self.name(name).element.endPriority
        if open[(index + 1)...].contains(where: { $0.element.endPriority > priority }) { return }
        while open.count > index { pop() }
    }

    /// Closes the current element while the start tag `element` closes it (`<p>` closes `<p>`).
    private mutating func autoClose(for element: Element) {
        guard element.index >= 0 else { return }
        while let top = open.last, top.element.index >= 0, rules.startTag(element.index, closes: top.element.index) { pop() }
    }

    /// Opens the `html`, `head` or `body` that the tag `name` implies, as libxml2 does.
    private mutating func addImpliedElements(for name: UnsafePointer<xmlChar>, _ element: Element) {
        if name == htmlName { return }
        if open.isEmpty { push(htmlName, self.name(htmlName)) }
        if name == bodyName || name == headName { return }
        if open.count <= 1, element.isHeadContent {
            if pastHead { return }
            push(headName, self.name(headName))
        } else if !element.isFrames {
            if openedBody || open.contains(where: { $0.name == bodyName || $0.name == headName }) { return }
            push(bodyName, self.name(bodyName))
        }
    }

    /// Text directly in `html` or `head`, or outside every element, goes into an implied `<p>`.
    private mutating func addImpliedParagraph() {
        guard open.isEmpty || open.last!.name == htmlName || open.last!.name == headName else { return }
        let paragraph = name(pName)
        autoClose(for: paragraph.element)
        addImpliedElements(for: pName, paragraph.element)
        push(pName, paragraph)
    }

    // MARK: - The tree

    /// Opens an element; false when it is too deep to open (or libxml2 cannot allocate it).
    @discardableResult
    private mutating func push(_ name: UnsafePointer<xmlChar>, _ info: Name, withAttributes: Bool = false) -> Bool {
        if name == headName { pastHead = true }
        if name == bodyName { (pastHead, openedBody) = (true, true) }
        guard open.count < Self.maximumDepth else { return false }
        flushText()
        guard let node = xmlNewDocNodeEatName(document, nil, UnsafeMutablePointer(mutating: info.nodeName), nil) else { return false }
        node.pointee.extra = HTMLNode.tagMark | UInt16(info.tag.rawValue)
        if withAttributes { for attribute in attributes { addAttribute(attribute, to: node) } }
        if let parent = open.last?.node {
            append(node, to: parent)
        } else if let first = document.pointee.children, !rootHasPredecessor, first.pointee.type == XML_ELEMENT_NODE {
            append(node, to: first)  // libxml2 puts a second top-level element inside the first
        } else {
            appendToDocument(node)  // or after the doctype (or whatever precedes the root)
        }
        open.append(Open(node: node, name: name, element: info.element))
        return true
    }

    private mutating func pop() {
        guard !open.isEmpty else { return }
        flushText()
        open.removeLast()
    }

    /// The name without a prefix, as libxml2 names the node.
    private func localName(_ name: UnsafePointer<xmlChar>) -> UnsafePointer<xmlChar> {
        guard name.pointee != 0x3A, let colon = strchr(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), 0x3A), colon[1] != 0 else { return name }
        return xmlDictLookup(dictionary, UnsafeRawPointer(colon + 1).assumingMemoryBound(to: xmlChar.self), -1)
    }

    /// A child of the document itself. libxml2's document starts with the same fields as a node
    /// (its own `xmlAddChild` takes one as a node).
    private func appendToDocument(_ node: xmlNodePtr) {
        append(node, to: UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self))
    }

    private func append(_ node: xmlNodePtr, to parent: xmlNodePtr) {
        node.pointee.parent = parent
        if let last = parent.pointee.last {
            last.pointee.next = node
            node.pointee.prev = last
        } else {
            parent.pointee.children = node
        }
        parent.pointee.last = node
    }

    private func addAttribute(_ pending: PendingAttribute, to node: xmlNodePtr) {
        guard let attribute = xmlNewNsPropEatName(node, nil, UnsafeMutablePointer(mutating: pending.name), nil) else { return }
        let text: xmlNodePtr?
        switch pending.value {
        case .page:
            text = xmlNewDocTextLen(document, base + pending.start, Int32(pending.length))
        case .decoded:
            // A reference to no valid character was written as a NUL, which ends the value in libxml2.
            text = attributeBytes.withUnsafeBufferPointer { bytes in
                let start = bytes.baseAddress! + pending.start
                let length = UnsafeBufferPointer(start: start, count: pending.length).firstIndex(of: 0) ?? pending.length
                return xmlNewDocTextLen(document, start, Int32(length))
            }
        case .none:
            text = htmlIsBooleanAttr(pending.name) != 0 ? xmlNewDocText(document, pending.name) : nil  // `checked` means checked="checked"
        }
        guard let text else { return }
        text.pointee.parent = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
        attribute.pointee.children = text
        attribute.pointee.last = text
    }

    /// Text for the current element; consecutive pieces become one text node.
    /// `bytes` must stay valid until the text is flushed: the page itself, or copied at once.
    private mutating func characters(_ bytes: UnsafePointer<UInt8>, _ length: Int, fromPage: Bool) {
        guard let parent = open.last?.node, length > 0 else { return }
        if textParent != parent {
            flushText()
            textParent = parent
        }
        if fromPage && borrowed == nil && text.isEmpty {
            borrowed = UnsafeBufferPointer(start: bytes, count: length)
            return
        }
        if let run = borrowed {
            text.append(contentsOf: run)
            borrowed = nil
        }
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }

    private var hasPendingText: Bool { borrowed != nil || !text.isEmpty }

    private mutating func flushText() {
        defer { textParent = nil }
        guard let parent = textParent else { return }
        let node: xmlNodePtr?
        if let run = borrowed {
            node = xmlNewDocTextLen(document, run.baseAddress, Int32(run.count))
            borrowed = nil
        } else if !text.isEmpty {
            node = text.withUnsafeBufferPointer { xmlNewDocTextLen(document, $0.baseAddress, Int32($0.count)) }
            text.removeAll(keepingCapacity: true)
        } else {
            return
        }
        if let node { append(node, to: parent) }
    }

    // MARK: - Text

    /// Text up to the next `<` or `&`. White space alone is dropped where libxml2 drops it.
    private mutating func charData() {
        let start = at
        var blank = true  // over the characters kept
        var clean = true
        while at < count {
            let byte = base[at]
            if byte == 0x3C || byte == 0x26 { break }
            if byte <= 0x20 {
                if byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D { clean = false }
            } else {
                blank = false
                if byte == 0xEF, Self.invalidLength(base, at, count) != nil { clean = false }
            }
            at += 1
        }
        if clean {
            emitCharData(base + start, at - start, blank: blank, fromPage: true)
        } else {
            var kept: [UInt8] = []
            var index = start
            while index < at {
                if let skip = Self.invalidLength(base, index, count) { index += skip; continue }
                kept.append(base[index])
                index += 1
            }
            kept.withUnsafeBufferPointer { emitCharData($0.baseAddress!, $0.count, blank: blank, fromPage: false) }
        }
    }

    private mutating func emitCharData(_ bytes: UnsafePointer<UInt8>, _ length: Int, blank: Bool, fromPage: Bool) {
        guard length > 0 else { return }
        // libxml2 judges white space in pieces of 1 000 bytes; a longer run is kept.
        if blank && length <= 1000 && isIgnorableWhiteSpace() { return }
        addImpliedParagraph()
        characters(bytes, length, fromPage: fromPage)
    }

    /// libxml2's `areBlanks` for white space that ends at `at`.
    private mutating func isIgnorableWhiteSpace() -> Bool {
        if at >= count { return true }
        if base[at] != 0x3C { return false }
        guard let top = open.last else { return true }
        if top.name == htmlName || top.name == headName { return true }
        if top.name == bodyName && strictDoctype { return true }
        if textParent == top.node && hasPendingText { return false }
        guard let last = top.node.pointee.last else { return !top.element.keepsWhiteSpace }
        if last.pointee.type == XML_TEXT_NODE { return false }
        return !name(UnsafePointer(last.pointee.name)).element.keepsWhiteSpace
    }

    /// The content of `script` or `style`, up to its end tag, as one CDATA node.
    private mutating func rawText() {
        guard let top = open.last else { return }
        let start = at
        let nameLength = strlen(UnsafeRawPointer(top.name).assumingMemoryBound(to: CChar.self))
        while at < count {
            if base[at] == 0x3C, at + 1 < count, base[at + 1] == 0x2F, at + 2 + nameLength <= count,
               strncasecmp(UnsafeRawPointer(base + at + 2).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(top.name).assumingMemoryBound(to: CChar.self), nameLength) == 0 {
                break
            }
            at += 1
        }
        var kept: [UInt8] = []
        kept.reserveCapacity(at - start)
        var index = start
        while index < at {
            if let skip = Self.invalidLength(base, index, at) { index += skip; continue }
            kept.append(base[index])
            index += 1
        }
        guard !kept.isEmpty else { return }
        flushText()
        if let node = kept.withUnsafeBufferPointer({ xmlNewCDataBlock(document, $0.baseAddress, Int32($0.count)) }) { append(node, to: top.node) }
    }

    /// `&name;`, `&#N;` or `&#xN;` in text.
    private mutating func reference() {
        var decoded: [UInt8] = []
        guard readReference(into: &decoded) else { return }
        addImpliedParagraph()
        decoded.withUnsafeBufferPointer { characters($0.baseAddress!, $0.count, fromPage: false) }
    }

    /// Reads the reference at `at` (an `&`) into `output`: its character, or the text as written
    /// when it names no HTML 4 entity. False for a numeric reference to no valid character,
    /// which libxml2 drops.
    private mutating func readReference(into output: inout [UInt8]) -> Bool {
        if at + 1 < count, base[at + 1] == 0x23 {  // '#'
            let value = readCharacterReference()
            guard value != 0 else { return false }
            Self.appendUTF8(value, to: &output)
            return true
        }
        at += 1
        let start = at
        if at < count, Self.startsEntityName(base[at]) {
            at += 1
            while at < count, Self.continuesEntityName(base[at]) { at += 1 }
        }
        guard at > start else {
            output.append(0x26)
            return true
        }
        if at < count, base[at] == 0x3B {  // ';'
            let (base, length) = (self.base, at - start)
            let value: UInt32? = length < 32 ? withUnsafeTemporaryAllocation(of: xmlChar.self, capacity: length + 1) { name in
                for offset in 0..<length { name[offset] = base[start + offset] }
                name[length] = 0
                return htmlEntityLookup(name.baseAddress).map { UInt32($0.pointee.value) }
            } : nil
            if let value, value > 0 {
                at += 1
                Self.appendUTF8(value, to: &output)
                return true
            }
        }
        output.append(0x26)
        output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: at - start))
        return true
    }

    /// libxml2's `htmlParseCharRef`: the value, or 0 when it is no XML character.
    private mutating func readCharacterReference() -> UInt32 {
        at += 2
        var value: UInt32 = 0
        let hex = at < count && (base[at] == 0x78 || base[at] == 0x58)
        if hex { at += 1 }
        while at < count, base[at] != 0x3B {
            let byte = base[at]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x61...0x66 where hex: digit = UInt32(byte - 0x61 + 10)
            case 0x41...0x46 where hex: digit = UInt32(byte - 0x41 + 10)
            default: digit = UInt32.max
            }
            if digit == UInt32.max { break }
            if value < 0x110000 { value = value * (hex ? 16 : 10) + digit }
            at += 1
        }
        if at < count, base[at] == 0x3B { at += 1 }
        return Self.isXMLCharacter(value) ? value : 0
    }

    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
            || (0x10000...0x10FFFF).contains(value)
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(value) else { return }
        output.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// A quoted or unquoted attribute value: the page's bytes, or decoded when it holds a reference
    /// (when `decoding`; otherwise the value is only passed over).
    private mutating func attributeValue(of name: UnsafePointer<xmlChar>, decoding: Bool) -> PendingAttribute {
        let quote: UInt8? = at < count && (base[at] == 0x22 || base[at] == 0x27) ? base[at] : nil
        if quote != nil { at += 1 }
        let start = at
        var hasReference = false  // references never hold a quote, a blank or '>': the end is the same
        if let quote {
            let end = find(quote, from: at) ?? count
            hasReference = decoding && memchr(base + at, 0x26, end - at) != nil
            if !hasReference { at = end }
        } else {
            while at < count, base[at] != 0x3E, !Self.isBlank(base[at]) {
                if decoding && base[at] == 0x26 { hasReference = true; break }
                at += 1
            }
        }
        guard hasReference else {
            let length = at - start
            if quote != nil, at < count { at += 1 }
            return PendingAttribute(name: name, value: .page, start: start, length: length)
        }
        at = start
        var decoded = attributeBytes  // moved out while `readReference` advances `at`
        attributeBytes = []
        let decodedStart = decoded.count
        while at < count {
            let byte = base[at]
            if let quote {
                if byte == quote { break }
            } else if byte == 0x3E || Self.isBlank(byte) {
                break
            }
            if byte == 0x26 {
                if at + 1 < count, base[at + 1] == 0x23 {
                    // libxml2 writes an invalid reference as a NUL, which ends the value.
                    let character = readCharacterReference()
                    if character == 0 { decoded.append(0) } else { Self.appendUTF8(character, to: &decoded) }
                } else {
                    _ = readReference(into: &decoded)
                }
                continue
            }
            decoded.append(byte)
            at += 1
        }
        if quote != nil, at < count { at += 1 }
        attributeBytes = decoded
        return PendingAttribute(name: name, value: .decoded, start: decodedStart, length: decoded.count - decodedStart)
    }

    // MARK: - Declarations

    private var startsComment: Bool { at + 3 < count && base[at + 1] == 0x21 && base[at + 2] == 0x2D && base[at + 3] == 0x2D }

    private mutating func leadingCommentsAndInstructions() {
        while at + 1 < count, base[at] == 0x3C, startsComment || base[at + 1] == 0x3F {
            if startsComment { comment() } else { processingInstruction() }
            rootHasPredecessor = true
            skipBlanks()
        }
    }

    /// `<?target …>`, up to the next `>`, as a processing-instruction node (libxml2 keeps white
    /// space after one only where it would after an element of that name); without a target, the
    /// `<?` alone is dropped.
    private mutating func processingInstruction() {
        at += 2
        let start = at
        guard at < count, Self.startsEntityName(base[at]) else { return }
        while at < count, Self.continuesEntityName(base[at]) { at += 1 }
        let target = xmlDictLookup(dictionary, base + start, Int32(at - start))
        at = min(count, (find(0x3E, from: at) ?? count - 1) + 1)
        flushText()
        guard let node = xmlNewDocPI(document, target, nil) else { return }
        if let parent = open.last?.node {
            append(node, to: parent)
        } else {
            appendToDocument(node)
        }
    }

    private func startsDoctype() -> Bool {
        guard at + 9 <= count else { return false }
        return zip("DOCTYPE".utf8, (at + 2)..<(at + 9)).allSatisfy { letter, index in base[index] & 0xDF == letter }
    }

    /// `<!DOCTYPE …>`: only whether it names HTML 4 strict matters (white space in `body`).
    private mutating func doctype() {
        at += 9
        let end = find(0x3E, from: at) ?? count
        if !sawDoctype {
            let declaration = String(decoding: UnsafeBufferPointer(start: base + at, count: end - at), as: UTF8.self).lowercased()
            strictDoctype = ["\"-//w3c//dtd html 4.01//en\"", "'-//w3c//dtd html 4.01//en'", "\"-//w3c//dtd html 4//en\"", "'-//w3c//dtd html 4//en'"]
                .contains { declaration.contains($0) } && declaration.contains("public")
        }
        sawDoctype = true
        rootHasPredecessor = true
        at = min(count, end + 1)
    }

    /// `<!-- … -->`; an unterminated comment hides the rest of the page, as in libxml2.
    private mutating func comment() {
        flushText()
        var index = at + 6
        while index < count {
            if base[index] == 0x3E, base[index - 1] == 0x2D, base[index - 2] == 0x2D { at = index + 1; return }
            if base[index] == 0x3E, base[index - 1] == 0x21, base[index - 2] == 0x2D, base[index - 3] == 0x2D, index >= at + 7 { at = index + 1; return }
            index += 1
        }
        at = count
    }

    // MARK: - Bytes

    private var atSelfClosingEnd: Bool { at + 1 < count && base[at] == 0x2F && base[at + 1] == 0x3E }

    /// libxml2's `htmlParseHTMLName`: a letter, `_`, `:` or `.`, then letters, digits, `:`, `-`,
    /// `_` and `.`, lower-cased, at most 100; interned in the document's dictionary.
    private mutating func readName() -> UnsafePointer<xmlChar>? {
        guard at < count else { return nil }
        let first = base[at]
        guard Self.isLetter(first) || first == 0x5F || first == 0x3A || first == 0x2E else { return nil }
        let start = at
        let dictionary = self.dictionary
        var upperCase = false
        var low: UInt64 = 0, high: UInt64 = 0
        while at < count, at - start < 100 {
            var byte = base[at]
            guard Self.isLetter(byte) || (0x30...0x39).contains(byte) || byte == 0x3A || byte == 0x2D || byte == 0x5F || byte == 0x2E else { break }
            if byte <= 0x5A && byte >= 0x41 {
                upperCase = true
                byte += 0x20
            }
            let offset = at - start
            if offset < 8 { low |= UInt64(byte) << (8 * offset) } else if offset < 16 { high |= UInt64(byte) << (8 * (offset - 8)) }
            at += 1
        }
        let length = at - start
        let slot = length <= 16 ? Self.slot((low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)) : nil
        if let slot, recentNames[slot].length == length, recentNames[slot].low == low, recentNames[slot].high == high,
           let name = recentNames[slot].name {
            return name
        }
        let name: UnsafePointer<xmlChar>?
        if upperCase {
            let base = self.base
            name = nameBuffer.withUnsafeMutableBufferPointer { buffer in
                for offset in 0..<length {
                    let byte = base[start + offset]
                    buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                }
                return xmlDictLookup(dictionary, buffer.baseAddress, Int32(length))
            }
        } else {
            name = xmlDictLookup(dictionary, base + start, Int32(length))
        }
        if let slot { recentNames[slot] = RecentName(low: low, high: high, length: length, name: name) }
        return name
    }

    /// One of the 256 slots of `recentNames` or `recentInfo`, from the top bits of a hash.
    private static func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 56) }

    private mutating func name(_ name: UnsafePointer<xmlChar>) -> Name {
        let slot = Self.slot(UInt64(UInt(bitPattern: name)) &* 0x9E37_79B9_7F4A_7C15)
        if let recent = recentInfo[slot], recent.name == name { return recent.info }
        let info: Name
        if let known = names[name] {
            info = known
        } else {
            let nodeName = localName(name)
            info = Name(element: rules.element(named: String(cString: name)), nodeName: nodeName, tag: Tag.of(nodeName))
            names[name] = info
        }
        recentInfo[slot] = (name, info)
        return info
    }

    private mutating func skipBlanks() {
        while at < count, Self.isBlank(base[at]) { at += 1 }
    }

    private func find(_ byte: UInt8, from: Int) -> Int? {
        guard from < count, let found = memchr(base + from, Int32(byte), count - from) else { return nil }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func startsEntityName(_ byte: UInt8) -> Bool { isLetter(byte) || byte == 0x5F || byte == 0x3A || byte >= 0x80 }
    private static func continuesEntityName(_ byte: UInt8) -> Bool {
        startsEntityName(byte) || (0x30...0x39).contains(byte) || byte == 0x2E || byte == 0x2D
    }

    /// The length of a character libxml2 drops from text at `at` (control characters, U+FFFE,
    /// U+FFFF), or nil.
    private static func invalidLength(_ base: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        let byte = base[at]
        if byte < 0x20 { return byte == 0x09 || byte == 0x0A || byte == 0x0D ? nil : 1 }
        if byte == 0xEF, at + 2 < count, base[at + 1] == 0xBF, base[at + 2] == 0xBE || base[at + 2] == 0xBF { return 3 }
        return nil
    }
}
