import Foundation
import Model
import Queue

/// The extraction cascade, top down: decode the bytes, read metadata, clean the page, find the
/// body, write it as text blocks, keep the blocks that read as prose. A page whose strict
/// cleaning leaves too little text is extracted again with gentle cleaning, a page whose
/// JSON-LD carries a longer `articleBody` that the page itself shows uses that, and a post
/// without prose (a picture with its caption) is the lines around its headline.
public struct Extractor: Sendable {
    public struct Configuration: Sendable {
        /// Pages are cut at this size before parsing: bounded time and memory per page.
        public var maxBytes = 16 << 20
        /// Below this many characters the strict pass is retried gently.
        public var minimumTextLength = 250

        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        case notHTML(String)

        public var description: String {
            switch self { case .notHTML(let reason): "not an HTML page: \(reason)" }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Extracts the article of `page` (bytes as fetched). `url` helps with relative metadata and
    /// dates in URLs; `httpCharset` is the charset the server declared, if any.
    public func extract(_ page: Data, url: String? = nil, httpCharset: String? = nil, now: Date = Date()) throws -> Article {
        try extractPage(page, url: url, httpCharset: httpCharset, now: now).article
    }

    /// An article and the fingerprints of its body's blocks (before boilerplate was dropped),
    /// which the parse worker records to learn the host's recurring blocks.
    struct ExtractedPage {
        var article: Article
        var blockFingerprints: Set<Int64>
        /// Feeds the page advertises, and the targets of its headline links (raw `href`s).
        var advertisedFeeds: [String]
        var headlineLinks: [String]
    }

    /// Extracts as `extract`, also dropping the blocks whose fingerprints are in `boilerplate`
    /// (recurring blocks learnt from the host's other pages).
    func extractPage(_ page: Data, url: String?, httpCharset: String?, boilerplate: Set<Int64> = [], now: Date = Date()) throws -> ExtractedPage {
        let decoded = PageDecoder.decode(page.prefix(configuration.maxBytes), httpCharset: httpCharset)
        let html = RawTextStripper.strip(decoded.utf8)
        let document = try HTMLDocument(utf8: html)
        let reader = MetadataReader(document: document, url: url, now: now)
        var metadata = reader.read()

        BoilerplateCleaner.clean(document, gentle: false)
        var written = Self.body(ofCleaned: document)
        var blocks = BlockFilter.prose(written, boilerplate: boilerplate)
        var source = "article"
        var gentleDocument: HTMLDocument?
        if BlockFilter.length(of: blocks) < configuration.minimumTextLength {
            let retryDocument = try Self.gentlyCleaned(html)
            gentleDocument = retryDocument
            let retryWritten = Self.body(ofCleaned: retryDocument)
            let retry = BlockFilter.prose(retryWritten, boilerplate: boilerplate)
            if BlockFilter.length(of: retry) > BlockFilter.length(of: blocks) {
                (written, blocks) = (retryWritten, retry)
                source = "gentle"
            }
        }
        // The title is a field of its own: its heading leaves the body, with the labels set above
        // it (a kicker or section name such as "Buitenland" or "Analysis").
        if let title = blocks.prefix(3).firstIndex(where: { $0.kind == .heading && $0.text == metadata.title }),
           blocks[..<title].allSatisfy(Self.isLabel) {
            blocks.removeFirst(title + 1)
        }
        var text = Self.text(of: blocks)
        // A page whose body is rendered by scripts has nearly no text of its own: its JSON-LD
        // body is then the article. Otherwise the page must show the JSON-LD body's opening.
        var textLength = TextBlock.scalarCount(text)
        if let articleBody = reader.jsonLDArticleBody.map(MetadataReader.clean) {
            let bodyLength = TextBlock.scalarCount(articleBody)
            if bodyLength > max(textLength * 2, configuration.minimumTextLength),
               textLength < configuration.minimumTextLength || Self.pageShows(articleBody, RawTextStripper.strip(html, keepingJSONLD: false)) {
                (text, textLength) = (articleBody, bodyLength)
                source = "json-ld"
            }
        }
        // Too little text: a post without prose (a picture with its caption), whose text is the
        // lines around its headline on the gently cleaned page (strict cleaning takes date
        // headers and bylines for chrome).
        if textLength < configuration.minimumTextLength, source != "json-ld", let title = metadata.title,
           let root = try (gentleDocument ?? Self.gentlyCleaned(html)).root,
           let lines = HeadlineLines.lines(in: BlockWriter.blocks(of: [root]), title: title, siteName: metadata.siteName, body: blocks) {
            text = Self.text(of: lines)
            textLength = TextBlock.scalarCount(text)
            source = "headline"
        }
        Self.settleLanguage(&metadata, text: text)
        let article = Article(
            url: url, title: metadata.title, authors: metadata.authors, published: metadata.published, modified: metadata.modified,
            language: metadata.language, text: Self.normalized(text), canonicalURL: metadata.canonicalURL, siteName: metadata.siteName,
            description: metadata.description, image: metadata.image, tags: metadata.tags, encoding: decoded.encoding,
            bodySource: source, pageKind: Self.kind(declared: reader.declaredKind, textLength: textLength, headlineLinks: reader.headlineLinks, url: url),
            provenance: metadata.provenance)
        return ExtractedPage(article: article, blockFingerprints: Set(written.compactMap(BlockFilter.fingerprint)),
                             advertisedFeeds: reader.advertisedFeeds, headlineLinks: reader.headlineLinkTargets)
    }

    /// The blocks of the body of a cleaned `document`, unfiltered.
    static func body(ofCleaned document: HTMLDocument) -> [TextBlock] {
        // The whole document, not only <body>: libxml2 leaves the content of some malformed pages in <head>.
        guard let root = document.root else { return [] }
        var finder = BodyFinder()
        return BlockWriter.blocks(of: finder.body(in: root))
    }

    /// `html` parsed afresh and cleaned gently: the retry's page, and the headline lines'.
    static func gentlyCleaned(_ html: Data) throws -> HTMLDocument {
        let document = try HTMLDocument(utf8: html)
        BoilerplateCleaner.clean(document, gentle: true)
        return document
    }

    /// A kicker or section label: at most three words, not a sentence.
    static func isLabel(_ block: TextBlock) -> Bool {
        block.length <= 40 && block.text.split(whereSeparator: \.isWhitespace).count <= 3
            && !(block.text.last.map { ".!?:".contains($0) } ?? false)
    }

    /// Article or listing: what the page declares, when its text agrees; otherwise the text and
    /// the headline links decide (a front page has many and little prose of its own).
    static func kind(declared: PageKind?, textLength length: Int, headlineLinks: Int, url: String?) -> PageKind {
        let isRoot = url.flatMap { URL(string: $0) }.map { $0.path.isEmpty || $0.path == "/" } ?? false
        if declared == .article && length >= 150 && !isRoot { return .article }
        if (declared == .listing || isRoot) && length < 2000 { return .listing }
        if length >= 500 { return .article }
        if headlineLinks >= 10 { return .listing }
        return length >= 150 ? .article : .other
    }

    /// The declared language (`lang`, meta tags) checked against CLD2 on the article text: a
    /// confident detection that disagrees wins (pages often keep a site-wide `lang` on articles
    /// in other languages), and fills the field when nothing was declared.
    static func settleLanguage(_ metadata: inout ArticleMetadata, text: String) {
        guard let detected = LanguageDetector.detect(String(text.prefix(2000))) else { return }
        let code = String(detected.code.prefix { $0 != "-" })
        if metadata.language == code { return }
        guard metadata.language == nil || detected.percent >= 80 else { return }
        metadata.language = code
        metadata.provenance["language"] = "cld2"
    }

    /// Blocks joined: list items by a line break, everything else by a blank line.
    static func text(of blocks: [TextBlock]) -> String {
        var text = ""
        var previous: TextBlock.Kind?
        for block in blocks {
            if !text.isEmpty { text += previous == .listItem && block.kind == .listItem ? "\n" : "\n\n" }
            text += block.kind == .listItem ? "- " + block.text : block.text
            previous = block.kind
        }
        return text
    }

    /// Whether the page (without its scripts) shows the opening words of a JSON-LD body:
    /// publishers sometimes put a teaser or another article's text there.
    static func pageShows(_ body: String, _ page: Data) -> Bool {
        let opening = body.split(separator: " ").prefix(8).joined(separator: " ")
        return opening.count >= 20 && String(decoding: page, as: UTF8.self).contains(opening)
    }

    /// NFC, as the store and search expect. Most pages are NFC already, so the (slow)
    /// normalization runs only when a scalar that NFC can change is present: a combining mark,
    /// or a precomposed character NFC decomposes (Indic nukta forms such as Bengali য়, CJK
    /// compatibility ideographs, Ω, Å, K signs), or Hangul jamo that NFC composes.
    /// Text whose bytes are all below 0xCC holds no scalar from U+0300 on, so none NFC changes:
    /// one pass over the bytes settles most pages without decoding a scalar.
    static func normalized(_ text: String) -> String {
        let belowU0300 = text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0xCC } } ?? false
        guard !belowU0300, text.unicodeScalars.contains(where: mayChangeUnderNFC) else { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    static func mayChangeUnderNFC(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0..<0x300, 0x400...0x482, 0x48A...0x52F, 0x2002...0x206F, 0x20A0...0x20CF, 0x3040...0x3098, 0x30A0...0x30FF,
             0x4E00...0x9FFF, 0xAC00...0xD7A3:
            return false  // Latin-1, Cyrillic, punctuation, currency, kana, CJK, Hangul syllables: stable, and most text
        default:
            break
        }
        if scalar.properties.canonicalCombiningClass.rawValue != 0 { return true }
        switch value {
        case 0x340...0x344, 0x374, 0x37E, 0x387, 0x958...0x95F, 0x9DC...0x9DF, 0xA33, 0xA36, 0xA59...0xA5E, 0xB5C...0xB5D,
             0x1100...0x11FF, 0x1F71...0x1FFD, 0x2000...0x2001, 0x2126, 0x212A...0x212B, 0x2329...0x232A, 0xF900...0xFAFF,
             0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
