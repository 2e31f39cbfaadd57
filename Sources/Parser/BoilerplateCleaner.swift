import CLibXML2
import Foundation

/// Removes from a parsed page what is never article text, before the body is looked for.
///
/// Three kinds go: elements that never hold prose (scripts, styles, forms' controls, media,
/// navigation, asides, footers), hidden elements, and elements whose class, id or role names
/// them as page chrome (comments, share bars, cookie and newsletter banners, related-article
/// lists, ads, bylines). The last kind follows Mozilla Readability's "unlikely candidates": a
/// chrome-sounding name is ignored when the name also says content (`article-comments` stays
/// until scoring decides, `comments` goes). In `gentle` mode only the first two kinds and
/// readers' comments go — the extractor retries that way when the strict pass left too little
/// text.
enum BoilerplateCleaner {
    /// Tags removed with everything inside them.
    static let neverContent: TagSet = [
        .script, .style, .template, .iframe, .object, .embed, .svg, .canvas, .math,
        .button, .input, .select, .textarea, .option, .nav, .aside, .footer, .link, .meta,
        .map, .audio, .video, .source, .track, .dialog, .menu, .title, .base, .rt, .rp, .picture,
    ]

    /// Chrome tags that can wrap the whole page when the parser misnests them.
    static let structuralChrome: TagSet = [.nav, .aside, .footer, .menu]

    /// Roles of page chrome (WAI-ARIA landmarks and widgets).
    static let chromeRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar",
        "toolbar", "alert",
    ]

    /// Class and id words (split at spaces, `-` and `_`; trailing digits dropped) that name chrome.
    static let chromeWords = ClassNames.WordSet(ClassNames.bytes([
        "ad", "ads", "adslot", "adunit", "advert", "advertisement", "banner", "breadcrumb", "breadcrumbs", "combx",
        "community", "gdpr", "cookie", "cookies", "consent", "legends",
        "related", "remark", "rss", "shoutbox", "sidebar", "skyscraper", "social", "socials",
        "sponsor", "sponsored", "supplemental", "agegate", "pagination", "pager", "popup", "modal", "newsletter",
        "subscribe", "subscription", "signup", "share", "sharing", "shares", "sharebar", "promo", "promos",
        "recommended", "recommendations", "outbrain", "taboola", "paywall", "byline", "bylines", "authorbio",
        "tags", "taglist", "toolbar", "masthead", "navbar", "nav", "navigation", "footer", "header",
        "tools", "timestamp", "follow", "donate", "login", "register", "skiplink", "credits",
        "copyright", "disclaimer", "trending", "readmore", "feedback", "rating",
    ]) + commentWordList)

    /// Beginnings of class and id words that name chrome in any form (`newsletterbox`, `sharebuttons`,
    /// `commentform`, `spendenaufruf`).
    /// Stems of six letters or more are matched anywhere in a word (`abowerbung`, `relatedposts`),
    /// shorter ones only at its start. No stem holds a word separator, so one found anywhere in the
    /// names is inside a word.
    private static let chromeStems = [
        "newsletter", "share", "sharing", "social", "related", "sponsor", "promo", "advert", "cookie", "consent",
        "subscri", "signup", "paywall", "breadcrumb", "outbrain", "taboola", "popup", "donat", "spende",
        "werbung", "anzeige", "recommend", "trending", "mostread", "mostpopular", "embed", "cta", "tagged",
    ] + commentStemList
    static let chromeStemsAnywhere = ClassNames.Needles(chromeStems.filter { $0.utf8.count >= 6 })
    static let chromeStemsAtStart = ClassNames.Needles(chromeStems.filter { $0.utf8.count < 6 })

    /// The chrome words and stems of readers' comments, part of the lists above, which gentle
    /// cleaning drops too.
    private static let commentWordList = ClassNames.bytes(["comment", "comments", "commentlist", "disqus", "replies"])
    static let commentWords = ClassNames.WordSet(commentWordList)
    private static let commentStemList = ["comment", "kommentar"]
    static let commentStems = ClassNames.Needles(commentStemList)

    /// Beginnings of class and id words that say content, in the languages the pipeline meets
    /// (`cuerpo-ad` is a Spanish CMS's body, not an ad); they overrule chrome words.
    static let contentStems = ClassNames.Needles([
        "article", "artikel", "content", "main", "story", "entry", "body", "post", "beitrag", "shadow", "column",
        "cuerpo", "corpo", "texto", "testo", "contenu", "contenido", "inhalt", "tresc",
    ] + BodyFinder.leadStems)

    /// Cleans `document` in place.
    static func clean(_ document: HTMLDocument, gentle: Bool) {
        guard let root = document.root else { return }
        // Ancestors of the page's own body container are wrappers, whatever their names say. The
        // containers are marked on the node for the body finder, which runs on this tree next.
        var wrappers = Set<xmlNodePtr>()
        for marked in root.descendants(where: { $0.hasAttributes && BodyFinder.isMarkedBody($0, ClassNames($0)) }) {
            marked.markAsBodyContainer()
            var ancestor = marked.pointer.pointee.parent
            while let current = ancestor, wrappers.insert(current).inserted { ancestor = current.pointee.parent }
        }
        var doomed: [HTMLNode] = []
        lazy var pageText = root.visibleTextLength
        root.walk { node in
            guard node.isElement else { return false }  // `HTMLTreeBuilder` keeps no comments
            if isChrome(node, gentle: gentle, wrappers: wrappers, pageText: pageText) {
                doomed.append(node)
                return false
            }
            return true
        }
        for node in doomed { node.remove() }
    }

    /// `pageText` is the page's visible text length, asked for only of forms.
    static func isChrome(_ node: HTMLNode, gentle: Bool, wrappers: Set<xmlNodePtr>, pageText: @autoclosure () -> Int) -> Bool {
        let tag = node.tag
        if neverContent.contains(tag) {
            // libxml2's HTML 4 parser sometimes leaves an HTML5 `nav` or `aside` unclosed, so it
            // swallows the rest of the page: a "navigation" holding paragraphs is not removed, nor
            // one that wraps the page's marked article body (some CMSs put the story in an `aside`).
            return !(structuralChrome.contains(tag) && (wrappers.contains(node.pointer) || holdsProse(node, paragraphs: 3)))
        }
        // A form or noscript that holds prose, the page's marked body or half of its text is its
        // layout: ASP.NET wraps whole pages in one `<form>`, articles written in `<br>`-separated
        // spans among them.
        if (tag == .form || tag == .noscript) && !holdsProse(node) && !wrappers.contains(node.pointer)
            && node.visibleTextLength * 2 < pageText() {
            return true
        }
        if (tag == .figure || tag == .figcaption) && node.visibleTextLength < 150 { return true }  // captions and credits
        if tag == .header && !gentle && !holdsProse(node, paragraphs: 1, minimumLength: 50) && !holdsLead(node) { return true }
        guard node.hasAttributes else { return false }
        if node.attributeValue(.hidden) != nil { return true }
        if node.attributeValue(.style) != nil {
            let style = ClassNames(node, [.style]).bytes.filter { $0 != 0x20 }
            if ClassNames.find(displayNone, in: style[...]) || ClassNames.find(visibilityHidden, in: style[...]) { return true }
        }
        if let role = node.attribute(.role)?.lowercased(), chromeRoles.contains(role) {
            return !wrappers.contains(node.pointer) && !holdsProse(node, paragraphs: 3)  // a whole page marked up as a banner
        }
        if tag == .html || tag == .body || tag == .article || tag == .main || tag == .header { return false }
        // On text elements an id names an anchor (`nav_chapter_2` on a subheading), so only the class counts.
        let names = ClassNames(node, textTags.contains(tag) ? [.class] : [.class, .id])
        // Gentle cleaning, for pages whose article is short, still drops the comments: readers'
        // comments under a one-paragraph post outweigh it, yet are never the article.
        let isChrome = gentle
            ? names.containsWord { commentWords.contains($0) || commentStems.beginOne($0) }
            : names.containsAny(chromeStemsAnywhere) || names.containsWord { chromeWords.contains($0) || chromeStemsAtStart.beginOne($0) }
        guard isChrome else { return false }
        return !names.containsWord { contentStems.beginOne($0) } && !wrappers.contains(node.pointer)
    }

    private static let displayNone = Array("display:none".utf8), visibilityHidden = Array("visibility:hidden".utf8)

    static let textTags: TagSet = [.p, .h1, .h2, .h3, .h4, .h5, .h6, .blockquote, .pre, .li]

    /// Whether a header holds the article's lead in an element named for it (`div.summary`).
    private static func holdsLead(_ node: HTMLNode) -> Bool {
        node.firstDescendant { BodyFinder.isNamedLead($0) && $0.visibleTextLength >= 40 } != nil
    }

    /// Whether an element that is usually chrome (a form, a header) wraps real paragraphs.
    private static func holdsProse(_ node: HTMLNode, paragraphs wanted: Int = 2, minimumLength: Int = 80) -> Bool {
        var paragraphs = 0
        node.walk { child in
            if child.tag == .p && child.visibleTextLength > minimumLength { paragraphs += 1 }
            return paragraphs < wanted
        }
        return paragraphs >= wanted
    }
}
