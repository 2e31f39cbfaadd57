import CLibXML2
import Foundation
import Model

/// When the page says it was published and last changed, from its explicit sources in the order
/// they are trusted:
///
/// 1. the article's JSON-LD (`datePublished`; publishers fill it for search engines),
/// 2. meta tags of every common vocabulary (Open Graph and `article:`, Dublin Core, schema.org
///    `itemprop`, Parse.ly, Sailthru, Highwire `citation_`, PRISM, the CMS names `pubdate`,
///    `publish-date`, `publication_date`, …),
/// 3. markup that names its date (`itemprop="datePublished"`, `<time pubdate>`, hAtom's
///    `<abbr class="published" title>`),
/// 4. a date the URL spells out (`/2023/11/07/`),
/// 5. the first `<time datetime>` outside the page's chrome,
/// 6. a date written for readers in a date-like element (class or id with `date`, `datum`,
///    `time`, `publish`, `byline`, `meta`, …) near the headline, in the forms of `DateText`.
///
/// Never a date from the future, from a comment, a sidebar, a footer or a list of other
/// stories, a script, or a copyright line (which gives no day). The modified date is read from
/// the sources that name it as such and is never taken for the published one.
extension MetadataReader {
    /// Meta names, properties and itemprops (lower case) that give the publication date, most
    /// specific first.
    static let publishedMeta: [(key: String, source: String)] = [
        ("article:published_time", "meta:article"), ("article:published", "meta:article"), ("og:published_time", "meta:og"),
        ("og:article:published_time", "meta:og"), ("datepublished", "itemprop"), ("dc.date.issued", "meta:dc"),
        ("dcterms.issued", "meta:dc"), ("citation_publication_date", "meta:citation"), ("citation_date", "meta:citation"),
        ("prism.publicationdate", "meta:prism"), ("parsely-pub-date", "meta:parsely"), ("sailthru.date", "meta:sailthru"),
        ("pubdate", "meta:name"), ("publishdate", "meta:name"), ("publish-date", "meta:name"), ("publish_date", "meta:name"),
        ("published_time", "meta:name"), ("published-date", "meta:name"), ("publication_date", "meta:name"),
        ("publication-date", "meta:name"), ("date_published", "meta:name"), ("article.published", "meta:name"),
        ("article_date_original", "meta:name"), ("original-publish-date", "meta:name"), ("cxenseparse:recs:publishtime", "meta:name"),
        ("rnews:datepublished", "meta:name"), ("bt:pubdate", "meta:name"), ("pub_date", "meta:name"), ("release_date", "meta:name"),
        ("datecreated", "itemprop"), ("dcterms.created", "meta:dc"), ("dc.date.created", "meta:dc"), ("uploaddate", "itemprop"),
        ("date", "meta:name"), ("dc.date", "meta:dc"), ("dcterms.date", "meta:dc"), ("dc:date", "meta:dc"),
    ]

    /// Meta names, properties and itemprops that give the date of the last change.
    static let modifiedMeta: [(key: String, source: String)] = [
        ("article:modified_time", "meta:article"), ("article:modified", "meta:article"), ("og:updated_time", "meta:og"),
        ("datemodified", "itemprop"), ("dcterms.modified", "meta:dc"), ("dc.date.modified", "meta:dc"),
        ("modified_time", "meta:name"), ("last-modified", "meta:http-equiv"), ("lastmod", "meta:name"),
        ("dateupdate", "itemprop"), ("date_modified", "meta:name"), ("revised", "meta:name"),
    ]

    func publishedDate(into result: inout ArticleMetadata) -> String? {
        // Each source is read at most once, and those after the first date only to check it:
        // the walks are the cost.
        let chrome = DatedElsewhere(document, title: result.title)
        let explicit: [(() -> String?, String)] = [({ jsonLDDate("datePublished") }, "json-ld")]
            + Self.publishedMeta.map { key, source in ({ meta[key] }, source) }
            + [({ namedDateMarkup }, "markup"), ({ rdfaDate(outside: chrome) }, "markup"), ({ shownItempropDate("datepublished") }, "markup"), ({ dateInURL() }, "url"),
               ({ timeElement(outside: chrome) }, "time-element")]
        let found = { VisibleDate.find(in: document, chrome: chrome, monthFirst: readsMonthFirst) }
        if let (date, index) = firstDate("published", into: &result, explicit) {
            if let (day, source) = shownDay(among: explicit[(index + 1)...], other: date, found) {
                result.provenance["published"] = source
                return day
            }
            // A time in UTC names the publisher's day only where the publisher lives there: an
            // evening story in New York is the next day in UTC, a date kept as local midnight in
            // Berlin the day before. The day the page's URL spells out, or else shows its readers
            // in a date-like element, when it is that one off, is the publisher's.
            guard let given = ISODate(date), given.hasTime, given.offsetSeconds == 0, let instant = given.date else { return date }
            let fromURL = result.provenance["published"] == "url"
            let publishersDay = { () -> (day: String, source: String)? in
                if !fromURL, let day = dateInURL() { return (day, "url") }
                guard let shown = found(), shown.source == "text" else { return nil }
                return (shown.date.iso, "text")
            }
            guard let (day, source) = publishersDay(), let local = DateNormalizer.iso8601(day, notAfter: latestDate),
                  !date.hasPrefix(local), let midnight = ISODate.date(local),
                  // the UTC instants the local day covers, for offsets from UTC−12 to UTC+14
                  (midnight.addingTimeInterval(-14 * 3600)...midnight.addingTimeInterval(36 * 3600)).contains(instant)
            else { return date }
            result.provenance["published"] = source
            return local
        }
        guard let shown = found(), let date = DateNormalizer.iso8601(shown.date.iso, notAfter: latestDate) else { return nil }
        result.provenance["published"] = shown.source
        return date
    }

    /// When the explicit sources after the chosen one (`sources`) disagree with it on the day,
    /// the date of the first whose day the page shows its readers in a date-like element, with
    /// that source's name; nil when they agree or the page shows none of their days. Sources
    /// disagree when one keeps the first version's day and another a republication's, or one
    /// dates a comment; the day readers are shown is the one the page stands by. One instant
    /// written in two time zones is no disagreement.
    private func shownDay(among sources: ArraySlice<(() -> String?, String)>, other chosen: String,
                          _ shown: () -> VisibleDate.Found?) -> (String, String)? {
        let day = chosen.prefix(10)
        let instant = ISODate(chosen).flatMap { $0.hasTime ? $0.date : nil }
        var others: [(String, String)] = []
        for (value, source) in sources {
            guard let value = value(), let date = DateNormalizer.iso8601(value, notAfter: latestDate), date.prefix(10) != day else { continue }
            if let instant, let other = ISODate(date), other.hasTime, let at = other.date, abs(at.timeIntervalSince(instant)) < 60 { continue }
            others.append((date, source))
        }
        guard !others.isEmpty, let found = shown(), found.source == "text" else { return nil }
        return others.first { $0.0.hasPrefix(found.date.iso) }
    }

    func modifiedDate(into result: inout ArticleMetadata) -> String? {
        firstDate("modified", into: &result, [({ jsonLDDate("dateModified") }, "json-ld")] + Self.modifiedMeta.map { key, source in ({ meta[key] }, source) }
                  + [({ shownItempropDate("datemodified") }, "markup")])?.date
    }

    /// The first RDFa date property outside the page's chrome (a comment is; an article's own `<footer>` is not).
    private func rdfaDate(outside chrome: DatedElsewhere) -> String? {
        rdfaDateElements.first { element in
            var at = element.parent
            while let node = at, node.isElement {
                if chrome.contains(node) { return false }
                at = node.parent
            }
            return true
        }?.attribute(.content)
    }

    /// The day an `itemprop` element shows in its text, in the forms of `DateText`.
    private func shownItempropDate(_ itemprop: String) -> String? {
        shownItempropDates[itemprop].flatMap { DateText.first(in: $0, monthFirst: readsMonthFirst)?.iso }
    }

    /// A day later than the fetch: a page's clock may run ahead of ours by its time zone.
    private var latestDate: Date { now.addingTimeInterval(86_400) }

    /// `a/b/yyyy` is month/day on pages in American English, day/month in other languages, and
    /// unreadable in English of no stated country.
    private var readsMonthFirst: Bool? {
        let language = (document.root?.attribute(.lang) ?? document.root?.attribute(.xmlLang) ?? meta["og:locale"] ?? "").lowercased().replacingOccurrences(of: "_", with: "-")
        if language == "en-us" { return true }
        return language == "en" || language.isEmpty ? nil : false
    }

    /// The first candidate's date, with its index among them (the field's source is recorded).
    private func firstDate(_ field: String, into result: inout ArticleMetadata, _ candidates: [(() -> String?, String)]) -> (date: String, index: Int)? {
        for (index, (value, source)) in candidates.enumerated() {
            if let value = value(), let date = DateNormalizer.iso8601(value, notAfter: latestDate) {
                result.provenance[field] = source
                return (date, index)
            }
        }
        return nil
    }

    /// A date of the page's own JSON-LD article, else of its WebPage, else of the one work the
    /// page is (a how-to, a recipe, a video): the dates of other objects (the stories an
    /// ItemList links to, an event, an offer's expiry, an image) are not the article's.
    private func jsonLDDate(_ key: String) -> String? {
        for orPage in [false, true] {
            for object in jsonLD where Self.isArticle(object, orPage: orPage) {
                if let value = object[key] as? String { return value }
            }
        }
        for object in jsonLD where Self.types(of: object).contains(where: Self.workTypes.contains) {
            if let value = object[key] as? String { return value }
        }
        return nil
    }

    /// schema.org types, besides articles and web pages, that a whole page is.
    static let workTypes: Set<String> = ["howto", "recipe", "videoobject", "podcastepisode", "creativework", "itempage", "aboutpage",
                                         "faqpage", "qapage", "medicalwebpage", "blog"]

    /// The datetime of the first `<time>` element that has one, outside the page's chrome and
    /// quotations, and not marked `itemprop="dateModified"`: a `<time>` in a navigation bar, a
    /// sidebar, a footer, a comment, a list of related stories or a `<blockquote>` (an embedded
    /// post, unless it indents the whole page) dates something else (a comment, another story,
    /// the page's build, the quoted post).
    private func timeElement(outside chrome: DatedElsewhere) -> String? {
        var found: String?
        document.root?.walk { node in
            guard found == nil, node.isElement else { return false }
            switch node.tag {
            case .nav, .aside, .footer, .script, .style: return false
            case .blockquote:
                return chrome.holdsHeadline(node)
            case .time:
                // A time that names itself the last change's is not the publication's.
                if node.attribute(.itemprop)?.lowercased() != "datemodified" { found = node.attribute(.datetime) }
                return false
            default:
                // Byte tests, and only on elements that have attributes: this walks every element
                // of pages without a <time>.
                return !chrome.contains(node)
            }
        }
        return found
    }

    nonisolated(unsafe) private static let urlDate = /\/((?:19|20)\d\d)[\/-](0?[1-9]|1[0-2])[\/-](0?[1-9]|[12]\d|3[01])(?:[\/_-]|$)/
    nonisolated(unsafe) private static let compactURLDate = /\/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[\/_-]|$)/
    nonisolated(unsafe) private static let dayFirstURLDate = /[\/~-](0[1-9]|[12]\d|3[01])-(0[1-9]|1[0-2])-((?:19|20)\d\d)(?:[\/_-]|$)/

    /// A date the URL's path spells out: /YYYY/MM/DD/, /YYYY/M/D/, /YYYY-MM-DD, /YYYYMMDD/,
    /// /DD-MM-YYYY. Never from the query (a calendar's `?date=`) nor an archive's timestamp
    /// (web.archive.org's /web/20160218174457/ is the capture's time).
    private func dateInURL() -> String? {
        guard let url, let components = URLComponents(string: url) else { return nil }
        let path = components.percentEncodedPath
        if let match = path.firstMatch(of: Self.urlDate) { return String(format: "%@-%02d-%02d", String(match.1), Int(match.2)!, Int(match.3)!) }
        if let match = path.firstMatch(of: Self.compactURLDate) { return "\(match.1)-\(match.2)-\(match.3)" }
        if let match = path.firstMatch(of: Self.dayFirstURLDate) { return "\(match.3)-\(match.2)-\(match.1)" }
        return nil
    }
}

/// The page's chrome as far as dates go: elements whose class or id says their dates are not
/// the article's (comments, related stories, sidebars, teasers, tickers, …). Not "footer": an
/// article's own footer (`post-footer`, `entry-footer`) is where many blogs date it; the page's
/// `<footer>` is left out by tag.
///
/// Layout wrappers take such words too (`layout has-sidebar`, `sticky-sidebar-parent`,
/// `comments-open` on `<body>`), so an element that holds the page's headline (or, on a page
/// without one, half of its text) is never chrome: neither the headline nor most of the page is
/// in a sidebar. Nor is an element flagged only by words the headline's own elements carry: a
/// site that builds its article header from the parts of its teasers (`<h1>` holding a
/// `teaser__kicker`, then a `teaser__metadata` byline) marks no chrome with that word.
final class DatedElsewhere {
    static let words = ClassNames.Needles(["comment", "related", "sidebar", "teaser", "recommend", "more-stories", "widget",
                                         "ticker", "calendar", "archive", "event"])

    private let document: HTMLDocument
    private let title: String?
    /// The article's headline: the first `<h1>` that the page's title holds (or that holds it),
    /// else the first `<h1>` (a site's name, a cookie banner's greeting may come before the
    /// headline), else the first `<h2>` to `<h4>` the title names. Found on first use, like the
    /// rest: a page whose date comes from its metadata never walks for it.
    private(set) lazy var headline: HTMLNode? = document.first(.h1).map { first in titledHeading([.h1]) ?? first } ?? titledHeading([.h2, .h3, .h4])
    private lazy var holdsHeadline: Set<xmlNodePtr> = {
        var holders: Set<xmlNodePtr> = []
        var at = headline?.parent
        while let node = at {
            holders.insert(node.pointer)
            at = node.parent
        }
        return holders
    }()
    /// The words of `words` (their indices) in the class names of the headline and the elements inside it.
    private lazy var headlineWords: Set<Int> = {
        guard let headline else { return [] }
        var found: Set<Int> = []
        func add(_ node: HTMLNode) {
            guard node.isElement, node.hasAttributes else { return }
            let names = ClassNames(node).bytes[...]
            while let word = Self.words.firstOccurring(in: names, where: { !found.contains($0) }) { found.insert(word) }
        }
        add(headline)
        headline.walk { node in
            add(node)
            return node.isElement
        }
        return found
    }()
    /// Counted only when a flagged element is met on a page without a headline.
    private lazy var halfTheText = (document.first(.body)?.visibleTextLength ?? 0) / 2

    init(_ document: HTMLDocument, title: String?) {
        self.document = document
        self.title = title
    }

    private func titledHeading(_ tags: [Tag]) -> HTMLNode? {
        guard let title = title?.lowercased(), title.count >= 10 else { return nil }
        return document.root?.firstDescendant { node in
            guard tags.contains(node.tag) else { return false }
            let text = node.textContent.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            return text.count >= 10 && (title.contains(text) || text.contains(title))
        }
    }

    /// Whether the headline is inside `node`.
    func holdsHeadline(_ node: HTMLNode) -> Bool { holdsHeadline.contains(node.pointer) }

    func contains(_ node: HTMLNode) -> Bool {
        guard node.hasAttributes, !holdsHeadline.contains(node.pointer) else { return false }
        let names = ClassNames(node)
        guard Self.words.firstOccurring(in: names.bytes[...], where: { !headlineWords.contains($0) }) != nil else { return false }
        // On a page with a headline its holders are the layout; without one, size tells.
        return !holdsHeadline.isEmpty || node.visibleTextLength < halfTheText
    }
}

/// A date written for readers in a date-like element near the headline.
enum VisibleDate {
    /// Class and id words of elements that hold the article's date or its byline.
    static let dateLike = ClassNames.Needles(["date", "datum", "time", "publi", "posted", "byline", "meta", "submitted", "fecha",
                                            "created", "author", "info"])

    /// Characters of text after the headline in which a date without a date-like element is
    /// still the article's (a dateline, a first line `01.02.2022 – Der Arbeitsmarkt …`).
    static let nearHeadline = 1500

    /// Characters of text between a date and the headline below it for the date to be the
    /// headline's (a line `31.01.2022 · 2. Liga` above it).
    static let justBeforeHeadline = 40

    /// Where the date was read: in a date-like element (`text`), or in the text just after the
    /// headline (`text:near-headline`).
    struct Found {
        var date: DateText
        var source: String
    }

    /// The date in a date-like element just before the headline (in the element before it: a
    /// dateline above a headline), else the first in a date-like element (or after a publication
    /// label) after the headline, else before it, else in the `justBeforeHeadline` characters
    /// above it, else in the first `nearHeadline` characters after it; nil when none is shown.
    static func find(in document: HTMLDocument, chrome: DatedElsewhere, monthFirst: Bool?) -> Found? {
        guard let root = document.root else { return nil }
        var beforeHeadline: DateText?, afterHeadline: DateText?, nearHeadline: DateText?
        // The last date in a date-like element before the headline, and the text node it is in.
        var lastShownBefore: (date: DateText, node: HTMLNode)?
        var textAfterHeadline: Int?
        // The text nodes just before the headline that may hold the date above it (read only when
        // the headline is reached: most pages' years are in text far from it).
        var aboveHeadline = TextJustAbove()
        var justBeforeHeadline: DateText?
        root.walk { node in
            guard afterHeadline == nil else { return false }
            if node.isText {
                guard let parent = node.parent else { return false }
                if let date = date(shownBy: node, in: parent, monthFirst: monthFirst) {
                    if textAfterHeadline != nil {
                        afterHeadline = date
                    } else {
                        if beforeHeadline == nil { beforeHeadline = date }
                        lastShownBefore = (date, node)
                    }
                } else if let seen = textAfterHeadline {
                    if seen < Self.nearHeadline, nearHeadline == nil {
                        if DateText.mayHoldYear(node.ownTextBytes) { nearHeadline = DateText.first(in: node.content, monthFirst: monthFirst) }
                        textAfterHeadline = seen + node.ownTextMetrics.chars
                    }
                } else if chrome.headline != nil {
                    aboveHeadline.append(node)
                }
                return false
            }
            guard node.isElement else { return false }
            switch node.tag {
            case .head, .nav, .aside, .footer, .script, .style, .noscript, .select, .button: return false
            case .form:
                // A search or login form holds no article date; ASP.NET wraps the whole page in one.
                return chrome.holdsHeadline(node)
            case .blockquote:
                // A quotation's dates are the quoted post's; its text still stands between the
                // headline and what follows. Old pages indent the whole page with one.
                if chrome.holdsHeadline(node) { return true }
                if let seen = textAfterHeadline, nearHeadline == nil, seen < Self.nearHeadline { textAfterHeadline = seen + node.visibleTextLength }
                return false
            case .h1, .h2, .h3, .h4:
                if textAfterHeadline == nil, node.pointer == chrome.headline?.pointer {
                    if let last = lastShownBefore, Self.isInElement(before: node, last.node) {
                        afterHeadline = last.date
                        return false
                    }
                    textAfterHeadline = -node.visibleTextLength
                    justBeforeHeadline = aboveHeadline.lastDate(monthFirst: monthFirst)
                }
                return node.tag == .h1 || !chrome.contains(node)
            default:
                return !chrome.contains(node)
            }
        }
        if let date = afterHeadline ?? beforeHeadline { return Found(date: date, source: "text") }
        return (justBeforeHeadline ?? nearHeadline).map { Found(date: $0, source: "text:near-headline") }
    }

    /// The last text nodes before a point, as many as can hold a date with at most
    /// `justBeforeHeadline` characters of text after it.
    struct TextJustAbove {
        private var nodes: [(node: HTMLNode, chars: Int, mayHoldDate: Bool)] = []
        private var chars = 0

        mutating func append(_ node: HTMLNode) {
            let own = node.ownTextMetrics.chars
            guard own > 0 else { return }  // white space: no date, no length; the window stays under 42 nodes
            let bytes = node.ownTextBytes
            nodes.append((node, own, DateText.mayHoldYear(bytes) || DateText.mayHoldShortYear(bytes)))
            chars += own
            // The first node cannot be the one any more once the text after it is too long.
            while let first = nodes.first, chars - first.chars > VisibleDate.justBeforeHeadline {
                chars -= first.chars
                nodes.removeFirst()
            }
        }

        /// The date of the last node that shows one.
        func lastDate(monthFirst: Bool?) -> DateText? {
            for entry in nodes.reversed() where entry.mayHoldDate {
                if let date = DateText.first(in: entry.node.content, monthFirst: monthFirst, shortYears: true) { return date }
            }
            return nil
        }
    }

    /// The element before `node` among its siblings, past text between them.
    private static func previousElement(of node: HTMLNode) -> HTMLNode? {
        var previous = node.pointer.pointee.prev
        while let sibling = previous, sibling.pointee.type != XML_ELEMENT_NODE { previous = sibling.pointee.prev }
        return previous.map(HTMLNode.init)
    }

    /// Whether `node` is inside the element just before `headline` (its previous sibling element).
    private static func isInElement(before headline: HTMLNode, _ node: HTMLNode) -> Bool {
        guard let element = previousElement(of: headline)?.pointer else { return false }
        var at: HTMLNode? = node
        while let current = at, current.pointer != headline.parent?.pointer {
            if current.pointer == element { return true }
            at = current.parent
        }
        return false
    }

    /// The date a text node shows, when it or one of its three nearest elements is date-like:
    /// read from the text of its element, else of the element around that (a date split over
    /// `<span>`s reads whole). Only text that holds a year is looked at, without copying it.
    private static func date(shownBy text: HTMLNode, in parent: HTMLNode, monthFirst: Bool?) -> DateText? {
        let own = text.ownTextBytes
        guard own.count < 400, DateText.mayHoldYear(own) || DateText.mayHoldShortYear(own) else { return nil }
        var element: HTMLNode? = parent
        var dateLikeContext = false
        for _ in 0..<3 {
            guard let at = element, at.isElement else { break }
            if at.tag == .time || (at.hasAttributes && ClassNames(at, [.class, .id, .itemprop]).containsAny(dateLike)) {
                dateLikeContext = true
                break
            }
            element = at.parent
        }
        // `von <a class="author">…</a>, 8.5.12`: the text right after a byline's element.
        if !dateLikeContext, let byline = previousElement(of: text), byline.hasAttributes {
            dateLikeContext = ClassNames(byline, [.class, .id, .itemprop]).containsAny(dateLike)
        }
        guard dateLikeContext else { return labeledDate(shownBy: parent, monthFirst: monthFirst) }
        var around: HTMLNode? = parent
        for _ in 0..<2 {
            guard let at = around else { break }
            let shown = at.textContent
            guard shown.utf8.count < 400 else { break }
            if let date = DateText.first(in: shown, monthFirst: monthFirst, shortYears: true) { return date }
            around = at.parent
        }
        return DateText.first(in: text.content, monthFirst: monthFirst, shortYears: true)
    }
}

extension VisibleDate {
    /// Words that say the date after them is the publication's, in the languages of `DateText`
    /// (lower case): "Veröffentlicht am", "Erstellt am: 30.01.2022", "Mise en ligne 23 mai 2019",
    /// a label `<span>Datum</span>` beside its value.
    static let publicationLabels = ["published", "posted", "veröffentlicht", "erstellt am", "erschienen", "publiziert", "datum",
                                    "wurde am", "publié", "mis en ligne", "mise en ligne", "publicado", "pubblicato", "gepubliceerd",
                                    "geplaatst", "publicerad", "publisert", "udgivet", "date:", "fecha:"]

    private static let publicationLabelBytes = ClassNames.bytes(publicationLabels)

    /// A date after a publication label in the text of the element around a text node, or of the
    /// one around that: outside a date-like element, the label is what says whose date it is.
    /// Searched as bytes with ASCII letters lowered: this runs on every text with a year that is
    /// not in a date-like element, on pages that show no date until the end.
    private static func labeledDate(shownBy parent: HTMLNode, monthFirst: Bool?) -> DateText? {
        var around: HTMLNode? = parent
        for _ in 0..<2 {
            guard let at = around, at.isElement, let shown = at.textContent(shorterThan: 300) else { break }
            let lower = shown.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
            for label in publicationLabelBytes {
                if let end = ClassNames.end(of: label, in: lower[...]),
                   let date = DateText.first(in: String(decoding: lower[end...], as: UTF8.self), monthFirst: monthFirst, shortYears: true) {
                    return date
                }
            }
            around = at.parent
        }
        return nil
    }
}

/// Dates as publishers write them, to ISO 8601.
enum DateNormalizer {
    private static let rfc1123: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2024-05-01`, `2024-05-01T08:30:00+02:00` (the time as the page gives it, with its own
    /// offset: the calendar day is the publisher's, and an evening story in New York is not
    /// dated the next day), `…Z` for a time given in UTC or without an offset; nil when `text`
    /// is no date, is before 1990 or after `notAfter`.
    static func iso8601(_ text: String, notAfter: Date) -> String? {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let parts = ISODate(text) {
            guard (1990...2100).contains(parts.year), let instant = parts.date, instant <= notAfter else { return nil }
            guard let hour = parts.hour, let minute = parts.minute else { return String(format: "%04d-%02d-%02d", parts.year, parts.month, parts.day) }
            guard let offset = parts.offsetSeconds, offset != 0, parts.second ?? 0 < 60 else { return format(instant) }
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year, parts.month, parts.day, hour, minute, parts.second ?? 0)
                + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
        }
        if let date = rfc1123.date(from: text) {
            return date <= notAfter && date > Date(timeIntervalSince1970: 631_152_000) ? format(date) : nil
        }
        // A day with a time that is not ISO 8601 (`2022-01-10T22:06:08:684Z`, `2018-11-28CET11:59:00+0100`): the day still is.
        let day = text.utf8.prefix(11)
        if day.count == 11, let last = day.last, !(0x30...0x39).contains(last), last != UInt8(ascii: "-") {
            let prefix = String(text.prefix(10))
            if ISODate(prefix) != nil { return iso8601(prefix, notAfter: notAfter) }
        }
        return nil
    }

    static func format(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
