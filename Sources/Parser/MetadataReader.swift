import Foundation
import Model
import WorkerSupport
import Queue

/// The facts about an article besides its text, each with where it was found.
public struct ArticleMetadata: Codable, Sendable, Equatable {
    public var title: String?
    public var authors: [String] = []
    /// ISO 8601: a date (`2024-05-01`) or a UTC time (`2024-05-01T08:30:00Z`).
    public var published: String?
    public var modified: String?
    public var language: String?
    public var canonicalURL: String?
    public var siteName: String?
    public var description: String?
    public var image: String?
    public var tags: [String] = []
    /// Field name → source (`json-ld`, `meta:og`, `meta:article`, `meta:name`, `itemprop`, `time-element`, `url`, `html-lang`, `h1`, `title-element`, `link`).
    public var provenance: [String: String] = [:]
}

/// Reads metadata from the page before cleaning: JSON-LD first (publishers fill it for search
/// engines, so it is the most deliberate), then Open Graph and article meta tags, then markup
/// (`<time>`, `<h1>`, `<title>`), then the URL. A date is only taken from an explicit source and
/// never from the future; when unsure the field stays empty.
struct MetadataReader {
    let document: HTMLDocument
    let url: String?
    let now: Date

    private var meta: [String: String] = [:]
    private var jsonLD: [[String: Any]] = []
    private var links: [String: String] = [:]

    init(document: HTMLDocument, url: String?, now: Date = Date()) {
        self.document = document
        self.url = url
        self.now = now
        collect()
    }

    /// Links with headline-length text (20+ characters) anywhere on the page, in page order: many
    /// of them and little prose is what a front page or section page looks like, and on such a
    /// page they are the articles.
    private(set) var headlineLinkTargets: [String] = []
    var headlineLinks: Int { headlineLinkTargets.count }

    /// Feeds the page advertises (`<link rel="alternate" type="application/rss+xml" href>`, Atom, JSON Feed).
    private(set) var advertisedFeeds: [String] = []

    /// What the page says it is: `article` (og:type article, a JSON-LD article type), `listing`
    /// (og:type website, a JSON-LD CollectionPage, ItemList, WebSite or SearchResultsPage), or nil.
    var declaredKind: PageKind? {
        let types = jsonLD.flatMap { object in (object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? [] }
            .map { $0.lowercased() }
        if types.contains(where: { Self.articleTypes.contains($0) && $0 != "webpage" }) || meta["og:type"]?.lowercased() == "article" {
            return .article
        }
        if types.contains(where: { ["collectionpage", "itemlist", "searchresultspage"].contains($0) }) || meta["og:type"]?.lowercased() == "website" {
            return .listing
        }
        return nil
    }

    /// The `articleBody` of the page's JSON-LD article, if it has one.
    var jsonLDArticleBody: String? { jsonLDValue("articleBody") as? String }

    func read() -> ArticleMetadata {
        var result = ArticleMetadata()
        func take(_ field: String, _ candidates: [(String?, String)]) -> String? {
            for (value, source) in candidates {
                if let value = value.map(Self.clean), !value.isEmpty {
                    result.provenance[field] = source
                    return value
                }
            }
            return nil
        }
        let h1 = document.root?.firstDescendant { $0.tag == .h1 }?.textContent
        result.siteName = take("site_name", [(meta["og:site_name"], "meta:og"), (jsonLDName(jsonLDValue("publisher")), "json-ld")])
        result.title = take("title", [
            (meta["og:title"], "meta:og"), (jsonLDValue("headline") as? String, "json-ld"), (meta["twitter:title"], "meta:twitter"),
            (h1, "h1"), (titleElement().map { Self.withoutSiteName($0, siteName: result.siteName) }, "title-element"),
        ])
        let authors = jsonLDNames(jsonLDValue("author"))
        if !authors.isEmpty {
            result.authors = authors
            result.provenance["authors"] = "json-ld"
        } else if let author = take("authors", [(meta["author"], "meta:name"), (meta["article:author"].flatMap { $0.hasPrefix("http") ? nil : $0 }, "meta:article"),
                                                (meta["parsely-author"], "meta:name"), (meta["dc.creator"], "meta:name")]) {
            result.authors = author.split(separator: ",").map { Self.clean(String($0)) }.filter { !$0.isEmpty }
        }
        result.published = firstDate("published", into: &result, [
            (jsonLDDate("datePublished"), "json-ld"), (meta["article:published_time"], "meta:article"),
            (meta["og:published_time"], "meta:og"), (meta["datepublished"], "itemprop"), (meta["pubdate"], "meta:name"),
            (meta["publishdate"], "meta:name"), (meta["date"], "meta:name"), (meta["dc.date.issued"], "meta:name"),
            (meta["dc.date"], "meta:name"), (meta["sailthru.date"], "meta:name"), (meta["parsely-pub-date"], "meta:name"),
            (timeElement(), "time-element"), (dateInURL(), "url"),
        ])
        result.modified = firstDate("modified", into: &result, [
            (jsonLDDate("dateModified"), "json-ld"), (meta["article:modified_time"], "meta:article"),
            (meta["og:updated_time"], "meta:og"), (meta["datemodified"], "itemprop"),
        ])
        result.language = take("language", [
            (document.root?.attribute("lang"), "html-lang"), (meta["content-language"], "meta:http-equiv"),
            (meta["og:locale"], "meta:og"), (jsonLDValue("inLanguage") as? String, "json-ld"),
        ]).map(Self.languageCode)
        result.canonicalURL = take("canonical_url", [(links["canonical"], "link"), (meta["og:url"], "meta:og")])
        result.description = take("description", [(meta["og:description"], "meta:og"), (meta["description"], "meta:name"),
                                                   (jsonLDValue("description") as? String, "json-ld")])
        result.image = take("image", [(meta["og:image"], "meta:og"), (jsonLDImage(), "json-ld"), (meta["twitter:image"], "meta:twitter")])
        let tagSources: [(String?, String)] = [(meta["article:tag"], "meta:article"), (jsonLDKeywords(), "json-ld"), (meta["keywords"], "meta:name"),
                                               (meta["news_keywords"], "meta:name")]
        if let tags = take("tags", tagSources) {
            result.tags = tags.split(separator: ",").map { Self.clean(String($0)) }.filter { !$0.isEmpty }
        }
        return result
    }

    // MARK: Collecting

    private mutating func collect() {
        guard let root = document.root else { return }
        var tags: [String: [String]] = [:]
        root.walk { node in
            guard node.isElement else { return false }
            switch node.tag {
            case .meta:
                let key = (node.attribute("property") ?? node.attribute("name") ?? node.attribute("itemprop") ?? node.attribute("http-equiv"))?.lowercased()
                if let key, let content = node.attribute("content") ?? node.attribute("datetime") {
                    if key == "article:tag" {
                        tags[key, default: []].append(content)
                    } else if meta[key] == nil {
                        meta[key] = content
                    }
                }
            case .link:
                if let rel = node.attribute("rel")?.lowercased(), let href = node.attribute("href") {
                    if links[rel] == nil { links[rel] = href }
                    let type = node.attribute("type")?.lowercased() ?? ""
                    if rel.split(separator: " ").contains("alternate"), type.contains("rss") || type.contains("atom") || type.contains("feed+json") {
                        advertisedFeeds.append(href)
                    }
                }
            case .a:
                if node.visibleTextLength >= 20, let href = node.attribute("href") { headlineLinkTargets.append(href) }
                return false
            case .script:
                if node.attribute("type")?.lowercased().contains("ld+json") == true {
                    jsonLD += Self.jsonLDObjects(node.textContent)
                }
                return false
            default:
                if let itemprop = node.attribute("itemprop")?.lowercased(), ["datepublished", "datemodified"].contains(itemprop), meta[itemprop] == nil {
                    meta[itemprop] = node.attribute("content") ?? node.attribute("datetime") ?? node.textContent
                }
            }
            return true
        }
        if let articleTags = tags["article:tag"] { meta["article:tag"] = articleTags.joined(separator: ",") }
    }

    /// The objects of a JSON-LD script, flattened through arrays and `@graph`.
    static func jsonLDObjects(_ text: String) -> [[String: Any]] {
        guard let data = text.data(using: .utf8), let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return [] }
        var objects: [[String: Any]] = []
        func visit(_ value: Any) {
            if let array = value as? [Any] { array.forEach(visit) }
            if let object = value as? [String: Any] {
                objects.append(object)
                if let graph = object["@graph"] { visit(graph) }
            }
        }
        visit(value)
        return objects
    }

    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting", "scholarlyarticle", "techarticle", "report", "webpage",
        "posting", "socialmediaposting", "review",
    ]

    /// A field of the page's JSON-LD article (article types first, then any object).
    private func jsonLDValue(_ key: String) -> Any? {
        for object in jsonLD where Self.isArticle(object, orPage: false) {
            if let value = object[key] { return value }
        }
        return jsonLD.lazy.compactMap { $0[key] }.first
    }

    /// A date of the page's own JSON-LD article, else of its WebPage: the dates of other objects
    /// (the stories an ItemList links to, an event, an offer's expiry) are not the article's.
    private func jsonLDDate(_ key: String) -> String? {
        for orPage in [false, true] {
            for object in jsonLD where Self.isArticle(object, orPage: orPage) {
                if let value = object[key] as? String { return value }
            }
        }
        return nil
    }

    private static func isArticle(_ object: [String: Any], orPage: Bool) -> Bool {
        let types = (object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? []
        return types.contains { articleTypes.contains($0.lowercased()) && (orPage || $0.lowercased() != "webpage") }
    }

    private func jsonLDName(_ value: Any?) -> String? { jsonLDNames(value).first }

    private func jsonLDNames(_ value: Any?) -> [String] {
        if let name = value as? String { return name.hasPrefix("http") ? [] : [name] }
        if let object = value as? [String: Any] { return (object["name"] as? String).map { [$0] } ?? [] }
        if let array = value as? [Any] { return array.flatMap { jsonLDNames($0) } }
        return []
    }

    private func jsonLDImage() -> String? {
        let image = jsonLDValue("image")
        if let url = image as? String { return url }
        if let object = image as? [String: Any] { return object["url"] as? String }
        if let array = image as? [Any] { return (array.first as? String) ?? ((array.first as? [String: Any])?["url"] as? String) }
        return nil
    }

    private func jsonLDKeywords() -> String? {
        let keywords = jsonLDValue("keywords")
        return (keywords as? String) ?? (keywords as? [String])?.joined(separator: ",")
    }

    private func titleElement() -> String? {
        document.first(.title)?.textContent
    }

    /// The datetime of the first `<time>` element that has one, outside the page's chrome: a
    /// `<time>` in a navigation bar, a sidebar, a footer, a comment or a list of related stories
    /// dates something else (a comment, another story, the page's build).
    private func timeElement() -> String? {
        var found: String?
        document.root?.walk { node in
            guard found == nil, node.isElement else { return false }
            switch node.tag {
            case .nav, .aside, .footer, .script, .style: return false
            case .time:
                found = node.attribute("datetime")
                return false
            default:
                // Byte tests, and only on elements that have attributes: this walks every element
                // of pages without a <time>.
                return !node.hasAttributes || !ClassNames(node).containsAny(Self.elsewhereDated)
            }
        }
        return found
    }

    /// Class and id words of containers whose dates are not the article's.
    private static let elsewhereDated = ClassNames.bytes(["comment", "related", "sidebar", "teaser", "recommend", "more-stories"])

    nonisolated(unsafe) private static let urlDate = /\/((?:19|20)\d\d)[\/-](0[1-9]|1[0-2])[\/-](0[1-9]|[12]\d|3[01])(?:[\/_-]|$)/

    /// A date the URL spells out as /YYYY/MM/DD/ or /YYYY-MM-DD.
    private func dateInURL() -> String? {
        guard let url, let match = url.firstMatch(of: Self.urlDate) else { return nil }
        return "\(match.1)-\(match.2)-\(match.3)"
    }

    private func firstDate(_ field: String, into result: inout ArticleMetadata, _ candidates: [(String?, String)]) -> String? {
        for (value, source) in candidates {
            if let value, let date = DateNormalizer.iso8601(value, notAfter: now.addingTimeInterval(86_400)) {
                result.provenance[field] = source
                return date
            }
        }
        return nil
    }

    // MARK: Cleaning values

    /// Whitespace runs as one space; control characters (C0, C1: an ESC sequence in a title)
    /// dropped.
    static func clean(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard text.unicodeScalars.contains(where: TerminalText.isControl) else { return words.joined(separator: " ") }
        return words.map { word in String(String.UnicodeScalarView(word.unicodeScalars.filter { !TerminalText.isControl($0) })) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `<title>` text without the site name a CMS appends ("Story – Site", "Story | Site").
    static func withoutSiteName(_ title: String, siteName: String?) -> String {
        let title = clean(title)
        for separator in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
            let parts = title.components(separatedBy: separator)
            guard parts.count > 1 else { continue }
            if let siteName, let index = parts.firstIndex(where: { $0.caseInsensitiveCompare(siteName) == .orderedSame }) {
                return parts.enumerated().filter { $0.offset != index }.map(\.element).joined(separator: separator)
            }
            return parts.max { $0.count < $1.count } ?? title
        }
        return title
    }

    /// `en-US` → `en`; `de_DE` → `de`.
    static func languageCode(_ value: String) -> String {
        String(value.lowercased().prefix { $0.isLetter })
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

    /// `2024-05-01`, `2024-05-01T08:30:00Z` (times are given in UTC), or nil when `text` is no
    /// date, is before 1990 or after `notAfter`.
    static func iso8601(_ text: String, notAfter: Date) -> String? {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let parts = ISODate(text) {
            guard (1990...2100).contains(parts.year), let instant = parts.date, instant <= notAfter else { return nil }
            guard parts.hasTime else { return String(format: "%04d-%02d-%02d", parts.year, parts.month, parts.day) }
            return format(instant)
        }
        if let date = rfc1123.date(from: text) {
            return date <= notAfter && date > Date(timeIntervalSince1970: 631_152_000) ? format(date) : nil
        }
        return nil
    }

    static func format(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
