import Foundation
import Model
import WorkerSupport
import Queue

/// The facts about an article besides its text, each with where it was found.
public struct ArticleMetadata: Codable, Sendable, Equatable {
    public var title: String?
    public var authors: [String] = []
    /// ISO 8601: a date (`2024-05-01`) or a time with the page's own offset (`2024-05-01T08:30:00+02:00`, `…Z`).
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
/// (`<time>`, `<h1>`, `<title>`), then the URL. Dates are read as `PageDates.swift` says: never
/// from the future or from another story's chrome; when unsure the field stays empty.
struct MetadataReader {
    let document: HTMLDocument
    let url: String?
    let now: Date

    private(set) var meta: [String: String] = [:]
    private(set) var jsonLD: [[String: Any]] = []
    /// The date of markup that names it: `itemprop="datePublished"` on an element, `<time pubdate>`,
    /// hAtom's `<abbr class="published" title>`.
    private(set) var namedDateMarkup: String?
    /// The text of an element `itemprop="datePublished"` or `"dateModified"` without a
    /// machine-readable value (`content`, `datetime`): the date as it is shown, `19. Oktober 2019`.
    private(set) var shownItempropDates: [String: String] = [:]
    /// Elements with an RDFa date property and its `content`, in page order: the article's, and
    /// its comments'.
    private(set) var rdfaDateElements: [HTMLNode] = []
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
        result.published = publishedDate(into: &result)
        result.modified = modifiedDate(into: &result)
        result.language = take("language", [
            (document.root?.attribute(.lang), "html-lang"), (meta["content-language"], "meta:http-equiv"),
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
                let key = (node.attribute(.property) ?? node.attribute(.name) ?? node.attribute(.itemprop) ?? node.attribute(.httpEquiv))?.lowercased()
                if let key, let content = node.attribute(.content) ?? node.attribute(.datetime) {
                    if key == "article:tag" {
                        tags[key, default: []].append(content)
                    } else if meta[key] == nil {
                        meta[key] = content
                    }
                }
            case .link:
                if let rel = node.attribute(.rel)?.lowercased(), let href = node.attribute(.href) {
                    if links[rel] == nil { links[rel] = href }
                    let type = node.attribute(.type)?.lowercased() ?? ""
                    if rel.split(separator: " ").contains("alternate"), type.contains("rss") || type.contains("atom") || type.contains("feed+json") {
                        advertisedFeeds.append(href)
                    }
                }
            case .a:
                if node.visibleTextLength >= 20, let href = node.attribute(.href) { headlineLinkTargets.append(href) }
                return true  // a permalink may hold the article's <time itemprop="datePublished">
            case .script:
                if let type = node.attribute(.type)?.lowercased() {
                    if type.contains("ld+json") { jsonLD += Self.jsonLDObjects(node.textContent) }
                } else {
                    // Some CMSs (Plone) leave out the type of their JSON-LD script; the stripper
                    // keeps only such scripts' contents (`RawTextStripper.isUntypedJSONLD`).
                    let text = node.textContent
                    if text.contains("\"@context\"") { jsonLD += Self.jsonLDObjects(text) }
                }
                return false
            case .time:
                if namedDateMarkup == nil, node.attribute(.pubdate) != nil { namedDateMarkup = node.attribute(.datetime) }
                fallthrough
            default:
                if let itemprop = node.attribute(.itemprop)?.lowercased(), ["datepublished", "datemodified"].contains(itemprop) {
                    if let value = node.attribute(.content) ?? node.attribute(.datetime) {
                        if meta[itemprop] == nil { meta[itemprop] = value }
                    } else if shownItempropDates[itemprop] == nil {
                        shownItempropDates[itemprop] = node.textContent
                    }
                }
                // RDFa, as Drupal writes it: `<span property="schema:dateCreated" content="…">`.
                if let property = node.attribute(.property)?.lowercased(), Self.rdfaDates.contains(property), node.attribute(.content) != nil {
                    rdfaDateElements.append(node)
                }
                if namedDateMarkup == nil, node.tag == .abbr || node.tag == .span, let title = node.attribute(.title),
                   node.attribute(.class)?.lowercased().split(separator: " ").contains("published") == true {
                    namedDateMarkup = title
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

    /// RDFa properties (on any element) that give the publication date.
    static let rdfaDates: Set<String> = ["schema:datepublished", "schema:datecreated", "dc:date", "dc:created", "dcterms:created",
                                         "dcterms:issued", "dc:issued"]

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

    static func isArticle(_ object: [String: Any], orPage: Bool) -> Bool {
        types(of: object).contains { articleTypes.contains($0) && (orPage || $0 != "webpage") }
    }

    /// An object's `@type`s, lower case.
    static func types(of object: [String: Any]) -> [String] {
        ((object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? []).map { $0.lowercased() }
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

    // MARK: Cleaning values

    /// Whitespace runs as one space; control characters (C0, C1: an ESC sequence in a title)
    /// dropped.
    static func clean(_ text: String) -> String {
        // Scalar by scalar: splitting into Characters costs grapheme breaking, a third of the
        // metadata's time on pages with a JSON-LD article body.
        var result = String.UnicodeScalarView()
        var spaceDue = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                spaceDue = !result.isEmpty
            } else if !TerminalText.isControl(scalar) {
                if spaceDue { result.append(" ") }
                spaceDue = false
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Unicode's White_Space property, the scalars `Character.isWhitespace` looks at.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
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
