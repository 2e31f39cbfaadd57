import CLibXML2
import Foundation

/// Finds the element (and the siblings that belong with it) holding the article body of a
/// cleaned page.
///
/// Scoring follows Mozilla Readability, which remains the best-studied single-page method:
/// every paragraph-like element with some text gives points (more for length and commas) to
/// its ancestors, less the further up; an ancestor's score is weighted by its class and id
/// (content-sounding names up, chrome-sounding down), then discounted by its link density.
/// Semantic markup weighs in beyond Readability: `itemprop=articleBody`, the class names of
/// common CMS body containers, and `<article>`. The best candidate is widened to a parent
/// that holds comparable content, and siblings scoring near it are taken with it.
struct BodyFinder {
    /// Character counts of an element: all text, text inside links, and commas.
    struct TextStats {
        var chars = 0
        var linkChars = 0
        var commas = 0
        var linkDensity: Double { chars == 0 ? 0 : Double(linkChars) / Double(chars) }

        mutating func add(_ child: TextStats) {
            chars += child.chars
            linkChars += child.linkChars
            commas += child.commas
        }
    }

    /// The text amounts and the score (for candidates) of every element, by its position in
    /// document order (`HTMLNode.measuredPosition`, written by `measure`).
    private var stats: [TextStats] = []
    private var scores: [Double?] = []

    /// An element's position from the last `measure`; nil for a node it did not count (text, or
    /// a position out of this finder's range).
    private func position(_ node: HTMLNode) -> Int? {
        node.measuredPosition.flatMap { $0 < stats.count ? $0 : nil }
    }

    private func text(_ node: HTMLNode) -> TextStats? { position(node).map { stats[$0] } }

    /// Tags whose text is scored as a paragraph.
    static let scoredTags: TagSet = [.p, .pre, .td, .blockquote, .h2, .h3, .h4, .h5, .h6, .section, .dd, .li]

    static let positiveWords = ClassNames.Needles(["article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog", "story", "prose"])
    static let negativeWords = ClassNames.Needles([
        "hidden", "banner", "combx", "comment", "contact", "foot", "footnote", "gdpr", "masthead", "media", "meta",
        "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping",
        "tags", "tool", "widget", "teaser", "nav", "menu", "byline", "author", "caption", "social",
    ])
    /// Class or id substrings of the body containers of common publishing systems.
    static let bodyContainerHints = ClassNames.Needles([
        "articlebody", "article-body", "article_body", "article__body", "articletext", "article-text", "article__text",
        "article-content", "article__content", "articlecontent", "entry-content", "post-content", "post-body", "postbody",
        "post_content", "post-text", "story-body", "storybody", "story-content", "text-content", "body-text", "bodytext",
        "article-main", "main-text", "rich-text", "richtext", "td-post-content", "single-content", "news-content",
        "content-body", "field-body", "field--name-body", "c-article-body", "artikel", "beitrag",
    ])

    /// The chosen body: the best element and the siblings that belong with it, in page order.
    mutating func body(in root: HTMLNode) -> [HTMLNode] {
        guard let top = topCandidate(in: root) else { return [] }
        let chosen = bodyAround(top, in: root)
        if let lead = lead(before: chosen) { return [lead] + chosen }
        return chosen
    }

    /// Class, id and itemprop word beginnings of an article's lead (standfirst, intro, summary).
    static let leadStems: [String] = ["lead", "intro", "standfirst", "chapo", "summary", "abstract", "description", "vorspann"]

    static let leadStemNeedles = ClassNames.Needles(leadStems)

    /// Whether the element's class, id or itemprop names it as the article's lead.
    static func isNamedLead(_ node: HTMLNode) -> Bool {
        guard node.hasAttributes else { return false }
        return ClassNames(node, [.class, .id, .itemprop]).containsWord { leadStemNeedles.beginOne($0) }
    }

    /// The article's lead paragraph when it sits in the article header, outside the body: an
    /// element named like a lead, in the same article, before the body.
    func lead(before chosen: [HTMLNode]) -> HTMLNode? {
        guard let first = chosen.first, let start = position(first) else { return nil }
        var scope = first.parent
        for _ in 0..<4 {
            guard let current = scope, current.tag != .body else { return nil }
            if let lead = current.firstDescendant(where: { node in
                guard let at = position(node), at < start, !chosen.contains(where: { Self.isAncestor($0, of: node) }) else { return false }
                guard Self.isNamedLead(node) else { return false }
                let text = stats[at]
                return text.chars >= 40 && text.linkDensity < 0.3
            }) {
                return lead
            }
            if current.tag == .article, let paragraph = headerParagraph(of: current, before: start) { return paragraph }
            if current.tag == .article || current.tag == .main { return nil }
            scope = current.parent
        }
        return nil
    }

    /// A paragraph of prose in the `<header>` of `article` before the body (an unnamed lead).
    private func headerParagraph(of article: HTMLNode, before start: Int) -> HTMLNode? {
        guard let header = article.elementChildren.first(where: { $0.tag == .header }),
              let at = position(header), at < start else { return nil }
        return header.firstDescendant { node in
            guard node.tag == .p, let text = text(node) else { return false }
            return text.chars >= 60 && text.linkDensity < 0.2
        }
    }

    /// `top` and the siblings that belong with it.
    private func bodyAround(_ candidate: HTMLNode, in root: HTMLNode) -> [HTMLNode] {
        if let container = semanticContainer(in: root), Self.isAncestor(container, of: candidate) { return [container] }
        // An only child stands for its wrapper (as in Readability): the siblings that belong with
        // the body are the wrapper's (page builders wrap each text component twice).
        var top = candidate
        while let parent = top.parent, parent.tag != .body, parent.elementChildren.count == 1 { top = parent }
        guard let parent = top.parent else { return [top] }
        let topScore = score(top)
        let threshold = max(10, topScore * 0.2)
        let topClass = top.attribute(.class)
        var chosen: [HTMLNode] = []
        for sibling in parent.elementChildren {
            if sibling.pointer == top.pointer {
                chosen.append(sibling)
                continue
            }
            var siblingScore = position(sibling).flatMap { scores[$0] } ?? -1
            if let topClass, !topClass.isEmpty, sibling.attribute(.class) == topClass { siblingScore += topScore * 0.2 }
            if siblingScore >= threshold {
                chosen.append(sibling)
            } else if [.p, .blockquote, .ul, .ol].contains(sibling.tag) {
                let text = text(sibling) ?? TextStats()
                if (text.chars > 60 && text.linkDensity < 0.25) || (text.chars > 0 && text.linkDensity == 0 && sibling.textContent.contains(". ")) {
                    chosen.append(sibling)
                }
            }
        }
        return chosen
    }

    func score(_ node: HTMLNode) -> Double { position(node).flatMap { scores[$0] } ?? 0 }

    /// The container the page itself marks as the article body (`itemprop=articleBody`, a CMS
    /// body class), when it holds prose: the largest such, if any.
    /// Whether the page marks `node` as an article body (`itemprop=articleBody`, a CMS body class).
    static func isMarkedBody(_ node: HTMLNode, _ names: ClassNames) -> Bool {
        names.containsAny(bodyHintCores) && names.containsAny(bodyContainerHints)
            || node.attributeValue(.itemprop) != nil && ClassNames(node, [.itemprop]).contains(articleBodyName)
    }

    /// Every body container hint holds one of these: six scans rule out most elements' names
    /// before the thirty-five hints are tried (this test runs on every element with attributes).
    private static let bodyHintCores = ClassNames.Needles(["body", "text", "content", "main", "artikel", "beitrag"])

    private static let articleBodyName = Array("articlebody".utf8)

    func semanticContainer(in root: HTMLNode) -> HTMLNode? {
        let marked = root.descendants { $0.isMarkedBodyContainer }  // marked by the cleaner
        let usable = marked.filter { node in
            guard let text = text(node) else { return false }
            return text.chars >= 250 && text.linkDensity < 0.4
        }
        return usable.max { (text($0)?.chars ?? 0) < (text($1)?.chars ?? 0) }
    }

    /// Scores the tree and returns its best-scoring element, widened as Readability does.
    mutating func topCandidate(in root: HTMLNode) -> HTMLNode? {
        let elements = measure(root)
        var candidates = [Double?](repeating: nil, count: elements.count)
        root.walk { node in
            guard node.isElement else { return false }
            let tag = node.tag
            guard Self.scoredTags.contains(tag) || (tag == .div && Self.hasDirectText(node)) else { return true }
            let text = text(node) ?? TextStats()
            guard text.chars >= 25, !(tag == .li && text.linkDensity > 0.3) else { return true }
            let commas = text.commas
            let points = 1 + Double(commas) + min(Double(text.chars) / 100, 3)
            var ancestor = node.parent
            var level = 0
            while let current = ancestor, level < 5, let at = position(current) {
                // Class names weigh in proportion to the text they name: a 100-character box
                // called `article-teaser` must not outweigh a 3 000-character body.
                let score = candidates[at] ?? Self.tagScore(current) + Self.classWeight(current) * min(1, Double(stats[at].chars) / 1000)
                let divider: Double = level == 0 ? 1 : level == 1 ? 2 : Double(level) * 3
                candidates[at] = score + points / divider
                ancestor = current.parent
                level += 1
            }
            return tag == .div || tag == .section || tag == .td  // containers may hold scored paragraphs of their own
        }
        for at in candidates.indices {
            if let value = candidates[at] { candidates[at] = value * (1 - stats[at].linkDensity) }
        }
        scores = candidates
        // Of equal scores the first in the page.
        var best: Int?
        for at in candidates.indices {
            if let value = candidates[at], best.flatMap({ candidates[$0] }).map({ value > $0 }) ?? true { best = at }
        }
        guard let best else { return nil }
        var top = elements[best]

        // Several strong candidates under one ancestor: the body is that ancestor (pages that
        // split the article into blocks around ads and pictures).
        let topScore = score(top)
        let strong = candidates.indices.filter { $0 != best && (candidates[$0] ?? -.infinity) >= topScore * 0.75 }.map { elements[$0] }
        if strong.count >= 2 {
            var ancestor = top.parent
            while let current = ancestor, current.tag != .body {
                let holds = strong.filter { Self.isAncestor(current, of: $0) }.count
                if holds >= 2 {
                    top = current
                    break
                }
                ancestor = current.parent
            }
        }
        // Climb while a parent scores higher: the candidate was one part of the body.
        var lastScore = score(top)
        var parent = top.parent
        while let current = parent, current.tag != .body {
            guard let parentScore = position(current).flatMap({ scores[$0] }) else {
                parent = current.parent
                continue
            }
            if parentScore < lastScore / 3 { break }
            if parentScore > lastScore {
                top = current
                break
            }
            lastScore = parentScore
            parent = current.parent
        }
        return top
    }

    /// Counts characters (non-space) and commas of every element, and the characters inside
    /// links, bottom up: one pass over the tree serves every later question about text amounts.
    /// Only elements are asked about, so only they get entries; text counts for its element.
    /// Returns the elements in document order.
    private mutating func measure(_ root: HTMLNode) -> [HTMLNode] {
        var elements: [HTMLNode] = [root]
        root.walk { node in
            if node.isElement { elements.append(node) }
            return node.isElement
        }
        for (at, node) in elements.enumerated() { node.measuredPosition = at }
        stats = Array(repeating: TextStats(), count: elements.count)
        for (at, node) in elements.enumerated().reversed() {
            var own = stats[at]
            var child = node.pointer.pointee.children
            while let current = child {
                let text = HTMLNode(pointer: current).ownTextMetrics
                own.chars += text.chars
                own.commas += text.commas
                child = current.pointee.next
            }
            if node.tag == .a { own.linkChars = own.chars }
            stats[at] = own
            if at > 0, let parent = node.parent, let up = position(parent) { stats[up].add(own) }
        }
        return elements
    }

    /// Readability's starting score by tag.
    static func tagScore(_ node: HTMLNode) -> Double {
        switch node.tag {
        case .div, .article, .main: 5
        case .pre, .td, .blockquote: 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: -5
        default: 0
        }
    }

    static func classWeight(_ node: HTMLNode) -> Double {
        var weight: Double = 0
        if ClassNames(node, [.itemprop]).contains(articleBodyName) { weight += 50 }
        if node.tag == .article { weight += 10 }
        for attribute: Attribute in [.class, .id] {
            let value = ClassNames(node, [attribute])
            guard !value.isEmpty else { continue }
            if value.containsAny(bodyContainerHints) { weight += 30 }
            if value.containsAny(negativeWords) { weight -= 25 }
            if value.containsAny(positiveWords) { weight += 25 }
        }
        return weight
    }

    /// Whether a `<div>` holds prose of its own: 25 characters of text directly or in inline
    /// wrappers (`<span>`, `<font>`, `<b>`, … — blog editors wrap whole posts in styled spans
    /// without a paragraph), not in links or blocks.
    static func hasDirectText(_ node: HTMLNode) -> Bool {
        var child = node.pointer.pointee.children
        while let current = child {
            let at = HTMLNode(pointer: current)
            if current.pointee.type == XML_TEXT_NODE {
                if at.ownTextMetrics.chars >= 25 { return true }
            } else if current.pointee.type == XML_ELEMENT_NODE, textWrappers.contains(at.tag), at.visibleTextLength >= 25,
                      at.firstDescendant(where: { BlockWriter.blockTags.contains($0.tag) }) == nil {
                return true
            }
            child = current.pointee.next
        }
        return false
    }

    /// Inline elements that wrap a div's prose (links do not: a list of them is no prose).
    static let textWrappers: TagSet = [.span, .font, .b, .strong, .i, .em, .u]

    static func isAncestor(_ ancestor: HTMLNode, of node: HTMLNode) -> Bool {
        var current = node.pointer.pointee.parent
        while let at = current {
            if at == ancestor.pointer { return true }
            current = at.pointee.parent
        }
        return false
    }
}
