import CLibXML2
import Foundation

/// One block of article text: a paragraph, heading, list item, quote or preformatted text.
struct TextBlock: Equatable {
    enum Kind: String { case paragraph, heading, listItem, quote, preformatted }

    var kind: Kind
    var text: String
    /// Characters of `text` that were link text.
    var linkChars: Int
    /// The element holding the block's element (a paragraph's parent): blocks that share it
    /// were written together; the block filter uses it to tell a closing line from a box after
    /// the story.
    var container: UnsafeMutableRawPointer? = nil
    /// Whether the block is inside a `<blockquote>`: a quotation may repeat what the story
    /// quoted before (a document quoted in parts, then whole).
    var quoted = false

    /// Characters of `text` (Unicode scalars: counting graphemes walks the whole string).
    var length: Int

    var linkDensity: Double { length == 0 ? 0 : Double(linkChars) / Double(length) }

    init(kind: Kind, text: String, linkChars: Int, container: UnsafeMutableRawPointer? = nil) {
        self.kind = kind
        self.text = text
        self.length = Self.scalarCount(text)
        self.linkChars = min(linkChars, length)
        self.container = container
    }

    /// Unicode scalars in `text`, from its UTF-8 bytes.
    static func scalarCount(_ text: String) -> Int {
        text.utf8.withContiguousStorageIfAvailable(scalarCount) ?? scalarCount(Array(text.utf8))
    }

    /// Bytes that are not UTF-8 continuation bytes, counted over a buffer, which the compiler
    /// vectorizes (a `reduce` over `String.UTF8View` did not).
    static func scalarCount<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }
}

/// Turns the body elements into text blocks: block elements start new blocks, inline elements
/// and text join the current one, `<br>` breaks a line, whitespace runs collapse to one space.
struct BlockWriter {
    static let blockTags: TagSet = [
        .p, .div, .section, .article, .main, .header, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl, .dt,
        .dd, .blockquote, .pre, .table, .thead, .tbody, .tfoot, .tr, .td, .th, .figure, .figcaption, .address,
        .hr, .center, .details, .summary, .caption, .body, .html, .form, .fieldset,
    ]

    private(set) var blocks: [TextBlock] = []
    /// The current block's text as UTF-8 (the page's text is UTF-8 by then), copied from the
    /// nodes without a `String` per node: this runs over every character of the body.
    private var current: [UInt8] = []
    private var currentLinkChars = 0
    private var kindStack: [TextBlock.Kind] = []
    /// Block-level elements being written, innermost last.
    private var blockStack: [xmlNodePtr] = []

    /// The blocks of `nodes`, in order.
    static func blocks(of nodes: [HTMLNode]) -> [TextBlock] {
        var writer = BlockWriter()
        for node in nodes { writer.write(node, inLink: false) }
        writer.flush()
        return writer.blocks
    }

    private mutating func write(_ node: HTMLNode, inLink: Bool) {
        if node.isText {
            append(node.pointer.pointee.content, inLink: inLink)
            return
        }
        guard node.isElement else { return }
        let tag = node.tag
        if tag == .br {
            current.append(0x0A)
            return
        }
        if tag == .img {
            return
        }
        guard Self.blockTags.contains(tag) else {
            let link = inLink || tag == .a
            var child = node.firstChild
            while let at = child {
                write(at, inLink: link)
                child = at.nextSibling
            }
            if tag == .td || tag == .th { current.append(0x20) }
            return
        }
        flush()
        let kind: TextBlock.Kind? = switch tag {
        case .h1, .h2, .h3, .h4, .h5, .h6: .heading
        case .li, .dt, .dd: .listItem
        case .blockquote: .quote
        case .pre: .preformatted
        case .p, .td, .th, .figcaption, .caption: .paragraph
        default: nil
        }
        if let kind { kindStack.append(kind) }
        blockStack.append(node.pointer)
        var child = node.firstChild
        while let at = child {
            write(at, inLink: inLink)
            child = at.nextSibling
        }
        flush()
        blockStack.removeLast()
        if kind != nil { kindStack.removeLast() }
    }

    /// A line break in the page's source is a space, as browsers show it (hard-wrapped HTML);
    /// only `<br>` and `<pre>` break lines.
    private mutating func append(_ content: UnsafeMutablePointer<xmlChar>?, inLink: Bool) {
        guard let content else { return }
        let start = current.count
        current.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
        if kindStack.last != .preformatted {
            for index in start..<current.count where current[index] == 0x0A || current[index] == 0x0D { current[index] = 0x20 }
        }
        if inLink { currentLinkChars += TextBlock.scalarCount(current[start...]) }
    }

    private mutating func flush() {
        current.append(0)
        let text = Self.collapse(current)
        if !text.isEmpty {
            let kind = kindStack.last ?? .paragraph
            // Text straight inside a container (no block element of its own) has that container as its own.
            let element = blockStack.last
            let container = kindStack.isEmpty ? element : element?.pointee.parent
            var block = TextBlock(kind: kind, text: text, linkChars: currentLinkChars, container: container.map { UnsafeMutableRawPointer($0) })
            block.quoted = kindStack.contains(.quote)
            blocks.append(block)
        }
        current.removeAll(keepingCapacity: true)
        currentLinkChars = 0
    }

    /// Whitespace runs (ASCII, no-break and other Unicode spaces) to one space per line, Unicode
    /// line separators to line breaks, control characters and invisible hints (soft hyphen,
    /// zero-width space, word joiner) dropped; lines
    /// trimmed; blank lines dropped. On UTF-8 bytes, which end at their first 0 (the last byte).
    static func collapse(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace = false, pendingNewline = false
        var index = 0
        while bytes[index] != 0 {
            let byte = bytes[index]
            let spaceLength: Int
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C: spaceLength = 1
            case 0x0A:
                pendingNewline = true
                index += 1
                continue
            case 0xE2 where bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9),
                 0xC2 where bytes[index + 1] == 0x85:
                pendingNewline = true  // line and paragraph separators, next line: line breaks (JSON Lines readers split on them)
                index += byte == 0xC2 ? 2 : 3
                continue
            case 0x00...0x1F:  // other control characters are never text
                index += 1
                continue
            case 0xC2 where bytes[index + 1] == 0xAD,  // soft hyphen: a hyphenation hint, invisible
                 0xE2 where bytes[index + 1] == 0x80 && bytes[index + 2] == 0x8B,  // zero-width space
                 0xE2 where bytes[index + 1] == 0x81 && bytes[index + 2] == 0xA0,  // word joiner
                 0xEF where bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:  // zero-width no-break space
                index += byte == 0xC2 ? 2 : 3
                continue
            case 0xC2 where bytes[index + 1] == 0xA0: spaceLength = 2  // no-break space
            case 0xE2 where bytes[index + 1] == 0x80 && ((0x80...0x8A).contains(bytes[index + 2]) || bytes[index + 2] == 0xAF): spaceLength = 3
            case 0xE3 where bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80: spaceLength = 3  // ideographic space
            default: spaceLength = 0
            }
            if spaceLength > 0 {
                pendingSpace = true
                index += spaceLength
                continue
            }
            if !output.isEmpty {
                if pendingNewline { output.append(0x0A) } else if pendingSpace { output.append(0x20) }
            }
            pendingSpace = false
            pendingNewline = false
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
