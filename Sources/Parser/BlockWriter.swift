import CLibXML2
import Foundation

/// One block of article text: a paragraph, heading, list item, quote or preformatted text.
struct TextBlock: Equatable {
    enum Kind: String { case paragraph, heading, listItem, quote, preformatted }

    var kind: Kind
    var text: String
    /// Characters of `text` that were link text.
    var linkChars: Int

    var linkDensity: Double { text.isEmpty ? 0 : Double(linkChars) / Double(text.count) }
}

/// Turns the body elements into text blocks: block elements start new blocks, inline elements
/// and text join the current one, `<br>` breaks a line, whitespace runs collapse to one space.
struct BlockWriter {
    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt",
        "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "figure", "figcaption", "address",
        "hr", "center", "details", "summary", "caption", "body", "html", "form", "fieldset",
    ]

    private(set) var blocks: [TextBlock] = []
    private var current = ""
    private var currentLinkChars = 0
    private var kindStack: [TextBlock.Kind] = []

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
        let name = node.name
        if name == "br" {
            current += "\n"
            return
        }
        if name == "img" {
            return
        }
        guard Self.blockTags.contains(name) else {
            let link = inLink || name == "a"
            var child = node.firstChild
            while let at = child {
                write(at, inLink: link)
                child = at.nextSibling
            }
            if name == "td" || name == "th" { current += " " }
            return
        }
        flush()
        let kind: TextBlock.Kind? = switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6": .heading
        case "li", "dt", "dd": .listItem
        case "blockquote": .quote
        case "pre": .preformatted
        case "p", "td", "th", "figcaption", "caption": .paragraph
        default: nil
        }
        if let kind { kindStack.append(kind) }
        var child = node.firstChild
        while let at = child {
            write(at, inLink: inLink)
            child = at.nextSibling
        }
        flush()
        if kind != nil { kindStack.removeLast() }
    }

    private mutating func append(_ content: UnsafeMutablePointer<xmlChar>?, inLink: Bool) {
        guard let content else { return }
        let text = String(cString: content)
        current += text
        if inLink { currentLinkChars += text.count }
    }

    private mutating func flush() {
        let text = Self.collapse(current)
        if !text.isEmpty {
            let kind = kindStack.last ?? .paragraph
            blocks.append(TextBlock(kind: kind, text: text, linkChars: min(currentLinkChars, text.count)))
        }
        current = ""
        currentLinkChars = 0
    }

    /// Whitespace runs to one space per line; lines trimmed; blank lines dropped.
    static func collapse(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let words = line.split(whereSeparator: { $0.isWhitespace })
            if !words.isEmpty { lines.append(words.joined(separator: " ")) }
        }
        return lines.joined(separator: "\n")
    }
}
