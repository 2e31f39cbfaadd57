import CLibXML2
import Foundation
import Model
import Queue

/// What a feed or sitemap lists: the URLs to fetch, and how soon to read it again.
public struct FeedListing: Sendable, Equatable {
    public enum Format: String, Sendable { case rss, atom, rdf, jsonFeed = "json-feed", sitemap, sitemapIndex = "sitemap-index" }

    public var format: Format
    /// Linked URLs, absolute, in document order, each once: pages, or sitemaps for an index.
    public var links: [String]
    /// The kind of URL the links are (pages, or sitemaps for a sitemap index).
    public var linkKind: URLKind
    /// RSS `<ttl>`, in seconds, when the feed gives one.
    public var timeToLive: TimeInterval?
}

/// Reads RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed documents and sitemaps (`urlset`,
/// `sitemapindex`, news sitemaps, gzipped or not) into the URLs they list.
///
/// XML goes through libxml2 with no network access and no external entities or DTDs loaded
/// (`XML_PARSE_NONET`, without `NOENT`/`DTDLOAD`), so an entity pointing at a file stays an
/// unexpanded reference; libxml2's entity-amplification guard stops a billion-laughs document at
/// the refused expansion (what came before it is read; the recovering parser keeps slightly
/// broken real-world feeds readable). Gzip is inflated up to `maxBytes`.
public enum FeedReader {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAFeed(String)
        case tooLarge(Int)

        public var description: String {
            switch self {
            case .notAFeed(let reason): "not a feed or sitemap: \(reason)"
            case .tooLarge(let limit): "feed or sitemap larger than \(limit) bytes once decompressed"
            }
        }
    }

    public static let maxBytes = 50 << 20
    /// The most links read from one feed or sitemap: the sitemap protocol's limit per file. The
    /// rest of a larger one is ignored (their follow-on jobs are one transaction).
    public static let maxLinks = 50_000

    /// Whether `body` looks like a feed or sitemap (its first bytes), whatever the content type said.
    public static func looksLikeFeed(_ body: Data, contentType: String?) -> Bool {
        if body.starts(with: [0x1F, 0x8B]) { return true }
        let type = contentType?.lowercased() ?? ""
        if type.contains("rss") || type.contains("atom") || type.contains("feed+json") { return true }
        let head = String(decoding: body.prefix(512), as: UTF8.self).lowercased()
        return ["<rss", "<feed", "<rdf:rdf", "<urlset", "<sitemapindex", "\"https://jsonfeed.org/version"].contains { head.contains($0) }
    }

    /// The URLs `body` lists, resolved against `baseURL`.
    public static func read(_ body: Data, baseURL: String) throws -> FeedListing {
        var data = body
        if data.starts(with: [0x1F, 0x8B]) { data = try gunzip(data) }
        let start = data.prefix(64).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        if start.first == UInt8(ascii: "{") { return try readJSONFeed(data, baseURL: baseURL) }
        return try readXML(data, baseURL: baseURL)
    }

    // MARK: XML

    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        | XML_PARSE_NOCDATA.rawValue | XML_PARSE_RECOVER.rawValue)

    private static func readXML(_ data: Data, baseURL: String) throws -> FeedListing {
        let document = data.withUnsafeBytes { bytes in
            xmlReadMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), baseURL, nil, options)
        }
        guard let document else { throw Failure.notAFeed("the XML could not be read (malformed, or an entity expansion was refused)") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document).map(HTMLNode.init) else { throw Failure.notAFeed("empty document") }
        let base = URL(string: baseURL)
        var links: [String] = []
        var seen = Set<String>()
        func add(_ text: String?) {
            guard links.count < maxLinks, let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
                  let url = URL(string: text, relativeTo: base)?.absoluteString, seen.insert(url).inserted else { return }
            links.append(url)
        }
        // In XML documents libxml2 keeps namespace prefixes apart: `name` is the local name (`RDF` of `rdf:RDF`).
        let children = { (node: HTMLNode, name: String) in node.elementChildren.filter { $0.name == name } }
        switch root.name {
        case "rss":
            var ttl: TimeInterval?
            for channel in children(root, "channel") {
                ttl = children(channel, "ttl").first.flatMap { Double($0.textContent.trimmingCharacters(in: .whitespaces)) }.map { $0 * 60 }
                for item in children(channel, "item") {
                    let permalink = children(item, "guid").first { $0.attribute(.isPermaLink)?.lowercased() != "false" && $0.textContent.contains("://") }
                    add(children(item, "link").first?.textContent ?? permalink?.textContent)
                }
            }
            return FeedListing(format: .rss, links: links, linkKind: .page, timeToLive: ttl)
        case "RDF":
            for item in children(root, "item") { add(children(item, "link").first?.textContent ?? item.attribute(.about)) }
            return FeedListing(format: .rdf, links: links, linkKind: .page, timeToLive: nil)
        case "feed":
            for entry in children(root, "entry") {
                let alternates = children(entry, "link").filter { ($0.attribute(.rel) ?? "alternate") == "alternate" }
                add(alternates.first?.attribute(.href))
            }
            return FeedListing(format: .atom, links: links, linkKind: .page, timeToLive: nil)
        case "urlset":
            for entry in children(root, "url") { add(children(entry, "loc").first?.textContent) }
            return FeedListing(format: .sitemap, links: links, linkKind: .page, timeToLive: nil)
        case "sitemapindex":
            for entry in children(root, "sitemap") { add(children(entry, "loc").first?.textContent) }
            return FeedListing(format: .sitemapIndex, links: links, linkKind: .sitemap, timeToLive: nil)
        case let other:
            throw Failure.notAFeed("the root element is <\(other)>")
        }
    }

    // MARK: JSON Feed

    private static func readJSONFeed(_ data: Data, baseURL: String) throws -> FeedListing {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              (object["version"] as? String)?.hasPrefix("https://jsonfeed.org/version/") == true else {
            throw Failure.notAFeed("JSON without a JSON Feed version")
        }
        let base = URL(string: baseURL)
        var seen = Set<String>()
        let links = ((object["items"] as? [[String: Any]]) ?? []).prefix(maxLinks).compactMap { item -> String? in
            guard let text = (item["url"] as? String) ?? (item["external_url"] as? String),
                  let url = URL(string: text, relativeTo: base)?.absoluteString, seen.insert(url).inserted else { return nil }
            return url
        }
        return FeedListing(format: .jsonFeed, links: links, linkKind: .page, timeToLive: nil)
    }

    // MARK: gzip

    static func gunzip(_ data: Data) throws -> Data {
        do {
            return try Zlib.inflate(data, maxBytes: maxBytes)
        } catch CompressionFailure.tooLarge {
            throw Failure.tooLarge(maxBytes)
        } catch {
            throw Failure.notAFeed("broken gzip (\(error))")
        }
    }
}
