import Foundation
import Model
import Queue

/// Keeps the blocks of a body that read as article prose.
///
/// What goes: link lists (most of the block is link text), blocks repeated verbatim outside
/// quotations (a quotation may repeat what the story quoted before), the short interface phrases
/// that sit inside article containers in every language the pipeline meets ("Share",
/// "Advertisement", "Lesen Sie auch"), non-prose blocks at the end ("More information",
/// "Contact:"), and blocks the host's other pages show to be boilerplate.
enum BlockFilter {
    /// Whole-block phrases (lower case, trailing punctuation removed) that are interface text.
    static let interfacePhrases: Set<String> = [
        "share", "share this", "share this article", "share on facebook", "share on twitter", "tweet", "email", "print",
        "advertisement", "anzeige", "werbung", "publicité", "advertentie", "read more", "mehr lesen", "weiterlesen", "lees meer",
        "continue reading", "related", "related articles", "related stories", "more on this story", "teilen", "artikel teilen", "drucken", "zum thema", "mehr zum thema", "lesen sie auch",
        "das könnte sie auch interessieren", "auch interessant", "follow us", "subscribe", "sign up", "newsletter", "back to top",
        "nach oben", "top", "image", "photo", "foto", "bild", "video", "loading", "click here", "hier klicken", "close", "schließen",
    ]

    /// A block that reads as a sentence: long enough, or ending as sentences end. A heading is
    /// prose only when it is sentences set in a heading's type (short posts written in `<h3>`s).
    static func isProse(_ block: TextBlock) -> Bool {
        if block.kind == .heading { return block.length >= 100 && endsAsSentence(block.text) }
        if block.length >= 80 { return true }
        return block.length >= 25 && endsAsSentence(block.text)
            && (block.text.utf8.contains(0x20) || block.text.unicodeScalars.contains { $0.value >= 0x3000 })  // CJK writes no spaces
    }

    /// A sentence of its own beside its link: a capital, twenty characters outside the link, a
    /// full stop, perhaps inside a closing quotation mark (a teaser's "3 comment(s)" or "(Get
    /// here by mistake? …)" is none).
    static func isLinkedSentence(_ block: TextBlock) -> Bool {
        guard block.length - block.linkChars >= 20, block.text.first?.isUppercase == true, var last = block.text.last else { return false }
        if "\"”’'".contains(last), let beforeQuote = block.text.dropLast().last { last = beforeQuote }
        return ".!?".contains(last)
    }

    static func endsAsSentence(_ text: String) -> Bool {
        guard let last = text.last else { return false }
        return ".!?…\"“”»«'’)।。！？؟".contains(last)
    }

    /// The fingerprint a block is recorded under to learn a host's recurring blocks; only blocks
    /// of boilerplate length (long paragraphs are article text, and would only grow the table).
    static func fingerprint(_ block: TextBlock) -> Int64? {
        (10...400).contains(block.text.utf8.count) ? StableHash.of(block.text) : nil
    }

    /// The prose blocks of `blocks`; blocks known as the host's boilerplate are dropped too.
    /// A dateline or timestamp on its own ("18. June 2019", "20.12.2022 | 14:05", "Posted on
    /// March 3, 2020"): short, with a year, and few words besides.
    static func isDateLine(_ block: TextBlock) -> Bool {
        let text = block.text
        guard block.length <= 40, hasYear(text) else { return false }
        let words = text.split { !$0.isLetter }.filter { $0.count > 2 }
        return words.count <= 3
    }

    /// Whether the text holds four digits starting 19 or 20.
    static func hasYear(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count >= 4 else { return false }
        for index in 0...(digits.count - 4) {
            let (a, b, c, d) = (digits[index], digits[index + 1], digits[index + 2], digits[index + 3])
            if (a == 0x31 && b == 0x39 || a == 0x32 && b == 0x30) && (0x30...0x39).contains(c) && (0x30...0x39).contains(d) { return true }
        }
        return false
    }

    /// Beginnings of photo-credit and source lines ("Foto: dpa", "(Quelle: Unsplash)", "© Reuters").
    static let creditPrefixes = [
        "foto:", "fotos:", "photo:", "photos:", "bild:", "bilder:", "beeld:", "image:", "quelle:", "(quelle:", "source:",
        "credit:", "credits:", "©", "(c)", "(foto:", "(photo:", "(bild:", "copyright", "bildquelle:", "fotocredit:",
        "abbildung:", "abb.:", "grafik:", "illustration:", "bildnachweis:",
    ]

    /// Beginnings of the line a blog writes under a post ("Posted by Seth Godin on July 05, 2012 |
    /// Permalink", "This entry was posted on … and is filed under …").
    static let postFooterPrefixes = [
        "posted by", "posted on", "posted in", "posted at", "this entry was posted", "filed under", "veröffentlicht von",
        "veröffentlicht in", "publié par", "publié dans", "publicado por", "publicado en", "geplaatst door", "geplaatst in",
    ]

    /// A blog's line under a post, after the story's last paragraph: short and starting like one.
    static func isPostFooter(_ block: TextBlock) -> Bool {
        guard block.length <= 250 else { return false }
        let start = block.text.prefix(24).lowercased()
        return postFooterPrefixes.contains { start.hasPrefix($0) }
    }

    /// Share prompts in the languages the pipeline meets ("Diesen Artikel teilen", "Share this:").
    static let shareWords = ClassNames.bytes(["share", "teilen", "partager", "compartir", "delen", "condividi", "udostępnij", "sdílet"])

    /// A short line asking to share the article.
    static func isSharePrompt(_ block: TextBlock) -> Bool {
        guard block.length <= 50 else { return false }
        let lower = lowercaseBytes(block)
        return shareWords.contains { ClassNames.find($0, in: lower) }
    }

    /// Picture agencies and publishing platforms: a short line naming one is a credit ("Getty
    /// Images", "Foto: AFP", "Blog powered by TypePad").
    static let creditNames = ClassNames.bytes(["getty images", "imago", "shutterstock", "istock", "picture alliance", "picture-alliance", "keystone", "unsplash",
                                               "pixabay", "powered by"])

    /// The words of a copyright notice in the languages the pipeline meets.
    static let rightsReserved = ClassNames.bytes(["all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
                                                  "todos los derechos reservados", "alle rechten voorbehouden", "tutti i diritti riservati"])

    /// A credit line on its own: short and starting like one; or a copyright notice, a few
    /// sentences that reserve the rights ("© 2012 The Car Connection. All Rights Reserved. …").
    static func isCreditLine(_ block: TextBlock) -> Bool {
        if block.length <= 300, block.length > 100 {
            let lower = lowercaseBytes(block)
            return rightsReserved.contains { ClassNames.find($0, in: lower) }
        }
        guard block.length <= 100 else { return false }
        let start = block.text.prefix(16).lowercased()
        if creditPrefixes.contains(where: { start.hasPrefix($0) }) { return true }
        guard block.length <= 60 else { return false }
        let lower = lowercaseBytes(block)
        return creditNames.contains { ClassNames.find($0, in: lower) }
    }

    /// A block's text in lower case, as bytes to search for words in.
    private static func lowercaseBytes(_ block: TextBlock) -> ArraySlice<UInt8> { Array(block.text.lowercased().utf8)[...] }

    /// A short block as a phrase to look up: lower case, without surrounding punctuation; nil
    /// for a block too long to be an interface phrase or a box title.
    static func phrase(of block: TextBlock) -> String? {
        guard block.text.utf8.count < 60, !block.text.contains("\n") else { return nil }
        let scalars = block.text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPhraseEdge($0) }), let last = scalars.lastIndex(where: { !isPhraseEdge($0) }) else { return "" }
        return String(scalars[first...last]).lowercased()
    }

    /// What `phrase(of:)` trims: punctuation and spaces (Foundation's `punctuationCharacters`
    /// and `whitespaces`, read from the scalar's category: Foundation's trimming was a twentieth
    /// of the parser's time).
    private static func isPhraseEdge(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation, .spaceSeparator: true
        default: scalar == "\t" || scalar == "\u{200B}"
        }
    }

    /// Beginnings of the titles of what follows an article inside its container: related
    /// articles, the author's biography, contact boxes, follow and subscribe prompts ("Related
    /// posts", "Über den Autor", "About Jason Fried", "Articles liés", "Schon gelesen?", "Subscribe
    /// to …"). Everything from such a title on goes, when the article before it is
    /// longer than what follows (a title halfway through a page is more likely a section of it).
    static let endMatterTitles = [
        "related", "verwandte", "ähnliche", "articles liés", "artículos relacionados", "weiterführende", "weitere beiträge",
        "weitere artikel", "weitere nachrichten", "weitere inhalte", "neueste artikel", "zum weiterlesen", "mehr zu ", "mehr aus",
        "más noticias", "more from", "more stories", "you may also like", "you might also like", "das könnte sie auch",
        "explore further", "über den autor", "über die autorin", "about the author", "autoreninfo", "wer hat das geschrieben",
        "sobre el autor", "à propos de l'auteur", "recommended", "empfohlene",
        "schon gelesen", "auch interessant", "das könnte dich", "follow us", "folgen sie uns", "subscribe to", "sign up for",
        "abonnieren sie", "newsletter", "suivez-nous", "síguenos", "volg ons", "more in ", "trackback",
    ]

    /// Whether a block's phrase is an end-matter title. "About" and a name ("About Jason Fried",
    /// "About IdeaFeed") is one; "About the …" heads a section on the story's subject ("About
    /// the Mets:") unless it is a title of the list ("About the author").
    static func isEndMatterTitle(_ phrase: String) -> Bool {
        endMatterWords.contains(phrase) || endMatterTitles.contains(where: { phrase.hasPrefix($0) })
            || phrase.hasPrefix("about ") && !phrase.hasPrefix("about the ")
    }

    /// Titles and prompts of a comment thread, after an optional count ("12 Comments", "Trackback
    /// Pings", "Leave a Reply", "No comments yet"): interface text wherever they stand. Not the
    /// singulars: "Comment ?" heads a French section, "Kommentar" an opinion piece.
    static let commentsTitles: Set<String> = [
        "comments", "kommentare", "commentaires", "comentarios", "reacties", "responses", "replies", "trackbacks", "trackback pings",
        "reader comments", "leserkommentare", "leave a reply", "leave a comment", "post a comment", "add a comment", "write a comment",
        "no comments yet", "kommentar schreiben", "schreibe einen kommentar", "laisser un commentaire", "deja un comentario",
    ]

    /// Characters of story before a comment thread's title for the title to end it: above it, a
    /// title is a byline's comment count ("12 Comments" under the headline).
    static let commentsAfter = 1_000

    static func isCommentsTitle(_ phrase: String) -> Bool {
        let words = phrase.drop { $0.isNumber || $0 == " " }
        return commentsTitles.contains(String(words))
    }

    /// End-matter titles that are whole words only ("Autor", not "Autorennen").
    static let endMatterWords: Set<String> = ["autor", "autorin", "author", "kontakt", "contact", "themen", "tags", "schlagworte", "zur person"]

    /// Beginnings of the titles of boxes set inside an article ("Lesen Sie auch", "Veja
    /// também", "Weitere Informationen"): the title goes, with the teaser headline after it;
    /// the article goes on after the box.
    static let inlineBoxTitles = [
        "veja também", "leia também", "lire aussi", "à lire aussi", "lea también", "lesetipp", "read more", "read next",
        "lesen sie auch", "entdecken sie", "weitere informationen", "mehr informationen", "more information",
    ]

    /// `blocks` up to their end matter, if any.
    static func withoutEndMatter(_ blocks: [TextBlock]) -> [TextBlock] {
        let total = length(of: blocks)
        var before = 0
        for (index, block) in blocks.enumerated() {
            if index > 0, let phrase = phrase(of: block), isEndMatterTitle(phrase),
               total - before - block.length <= before {
                return Array(blocks[..<index])
            }
            before += block.length
        }
        return blocks
    }

    /// A teaser's headline: one short line that does not end as a sentence.
    static func isHeadline(_ block: TextBlock) -> Bool {
        block.length <= 120 && !block.text.contains("\n") && !endsAsSentence(block.text)
    }

    static func length(of blocks: some Sequence<TextBlock>) -> Int { blocks.reduce(0) { $0 + $1.length } }

    /// The notices of comment forms (WordPress and its spam filter), which copy-and-paste and
    /// syndication carry into article paragraphs: removed wherever they stand, even mid-paragraph.
    static let commentFormNotices = [
        "Your email address will not be published.", "Required fields are marked *", "This site uses Akismet to reduce spam.",
        "Learn how your comment data is processed.",
    ]

    private static let commentFormNoticeBytes = ClassNames.bytes(commentFormNotices)

    /// `block` without comment-form notices; nil when nothing else was in it. Looked for as bytes:
    /// this runs on every block of every page, and Foundation's substring search cost a tenth of
    /// the parser's time.
    static func withoutCommentFormNotices(_ block: TextBlock) -> TextBlock? {
        let bytes = Array(block.text.utf8)[...]
        guard commentFormNoticeBytes.contains(where: { ClassNames.find($0, in: bytes) }) else { return block }
        var text = block.text
        for notice in commentFormNotices { text = text.replacingOccurrences(of: notice, with: " ") }
        text = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard !text.isEmpty else { return nil }
        var cleaned = TextBlock(kind: block.kind, text: text, linkChars: block.linkChars, container: block.container)
        cleaned.quoted = block.quoted
        return cleaned
    }

    /// For each block, whether it is an item of a list that stands between two paragraphs of
    /// prose written together (in one element; a heading may come between the list and the
    /// second): the story goes on around the list. Each list is looked at once.
    static func listsAmidProse(_ blocks: [TextBlock], linkDense: [Bool]) -> [Bool] {
        func proseParagraph(_ at: Int) -> Bool { at >= 0 && at < blocks.count && blocks[at].kind == .paragraph && !linkDense[at] && isProse(blocks[at]) }
        var amid = [Bool](repeating: false, count: blocks.count)
        var start = 0
        while start < blocks.count {
            guard blocks[start].kind == .listItem else { start += 1; continue }
            var end = start
            while end < blocks.count, blocks[end].kind == .listItem { end += 1 }
            var after = end
            while after < blocks.count, blocks[after].kind == .heading { after += 1 }
            let before = start - 1
            if proseParagraph(before), proseParagraph(after), blocks[before].container == blocks[after].container {
                for index in start..<end { amid[index] = true }
            }
            start = end
        }
        return amid
    }

    static func prose(_ blocks: [TextBlock], boilerplate: Set<Int64> = []) -> [TextBlock] {
        var seen = Set<ExactText>()
        var kept: [TextBlock] = []
        let linkDense = blocks.map { $0.linkDensity > 0.5 }
        // The last paragraph of the story's length, before which a list may be the story's.
        let lastStoryParagraph = blocks.indices.last { blocks[$0].kind == .paragraph && !linkDense[$0] && blocks[$0].length >= 150 } ?? -1
        let amidProse = listsAmidProse(blocks, linkDense: linkDense)
        var afterBoxTitle = false
        for (index, original) in blocks.enumerated() {
            guard let block = withoutCommentFormNotices(original) else { continue }
            if afterBoxTitle {
                afterBoxTitle = false
                if isHeadline(block) { continue }
            }
            if !boilerplate.isEmpty, let fingerprint = fingerprint(block), boilerplate.contains(fingerprint) { continue }
            // Link lists and "Read more: …" lines go; a long paragraph that is mostly links,
            // between paragraphs of prose, is part of the story. So is a list whose items say
            // something of their own beside their link (a roundup's deals, a review's picks),
            // when the story goes on after it, or goes on around it (`– 15.7%`, `by Eden Litt`):
            // related-story lists stand after the story or under a heading of their own.
            let inProse = index > 0 && index < blocks.count - 1 && !linkDense[index - 1] && !linkDense[index + 1]
            // So is a sentence whose words are mostly a link ("So I asked readers to <a>share
            // their details</a>."), written in one element with the paragraphs around it.
            let storyParagraph = block.kind == .paragraph && inProse
                && (block.length >= 150 || isLinkedSentence(block) && blocks[index - 1].container == block.container
                    && blocks[index + 1].container == block.container)
            let describedItem = block.kind == .listItem
                && (block.length - block.linkChars >= 25 && block.linkDensity < 0.8 && index < lastStoryParagraph
                    || block.length - block.linkChars >= 5 && block.linkDensity < 0.9 && amidProse[index])
            if linkDense[index] && block.kind != .heading && !storyParagraph && !describedItem {
                // The heading of a link list ("Read also", "Mehr zum Thema") goes with the list.
                if kept.last?.kind == .heading && index > 0 && blocks[index - 1].kind == .heading { kept.removeLast() }
                continue
            }
            if block.kind == .heading && block.linkDensity > 0.8 { continue }
            if isDateLine(block) || isCreditLine(block) || isSharePrompt(block) { continue }
            if index > lastStoryParagraph, isPostFooter(block) { continue }
            if let phrase = phrase(of: block) {
                // Readers' comments follow the story whatever their length: the story ends at
                // their title once it has had the length of a story, or when less follows than
                // came before (as end matter does); else the title is a line of its own.
                if isCommentsTitle(phrase) {
                    let before = length(of: kept)
                    if before >= commentsAfter || length(of: blocks[(index + 1)...]) <= before { break }
                    continue
                }
                if inlineBoxTitles.contains(where: { phrase.hasPrefix($0) }) {
                    afterBoxTitle = true
                    continue
                }
                if interfacePhrases.contains(phrase) { continue }
            }
            if block.length > 20 && !seen.insert(ExactText(text: block.text)).inserted && !block.quoted { continue }
            kept.append(block)
        }
        // The end of a body is where chrome hides: "More information", "Contact:" or a photo
        // credit after the last paragraph.
        // Short lines written with the story's last paragraph (a signature, "390 kcal") stay.
        let storyContainer = kept.last(where: isProse)?.container
        while let last = kept.last, !isProse(last), storyContainer == nil || last.container != storyContainer { kept.removeLast() }
        return withoutEndMatter(kept)
    }
}

/// A block's text compared and hashed by its UTF-8 bytes: a repeated block is a copy of the same
/// bytes, and `String`'s own hashing normalizes every text first (2% of the parser's profile). A
/// block that repeats another in decomposed Unicode (`u` + U+0308 for `ü`) is therefore kept.
private struct ExactText: Hashable {
    let text: String

    static func == (left: ExactText, right: ExactText) -> Bool { left.text.utf8.elementsEqual(right.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
