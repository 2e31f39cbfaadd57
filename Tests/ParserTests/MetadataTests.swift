import Foundation
import Model
import Testing
@testable import Parser
import Queue

@Suite("Metadata")
struct MetadataTests {
    static let jsonLD = #"""
        <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
          {"@type": "WebSite", "name": "Daily News"},
          {"@type": "NewsArticle", "headline": "Minister heard on a recording", "datePublished": "2024-03-01T09:30:00+01:00",
           "dateModified": "2024-03-02T10:00:00Z", "author": [{"@type": "Person", "name": "Anna de Vries"}, {"@type": "Person", "name": "Piet Jansen"}],
           "publisher": {"@type": "Organization", "name": "Daily News"}, "image": {"url": "https://news.example/a.jpg"},
           "keywords": ["Belarus", "protests"], "inLanguage": "nl"}]}</script>
        """#

    @Test("JSON-LD first: headline, authors, dates with their offsets, publisher, image, keywords; each with its source")
    func fromJSONLD() throws {
        let article = try extract(page(head: Self.jsonLD + "<title>Something else | Daily News</title>", body: "<article>\(story())</article>"),
                                  url: "https://news.example/2024/03/01/minister")
        #expect(article.title == "Minister heard on a recording")
        #expect(article.authors == ["Anna de Vries", "Piet Jansen"])
        #expect(article.published == "2024-03-01T09:30:00+01:00")
        #expect(article.modified == "2024-03-02T10:00:00Z")
        #expect(article.siteName == "Daily News")
        #expect(article.image == "https://news.example/a.jpg")
        #expect(article.tags == ["Belarus", "protests"])
        #expect(article.provenance["published"] == "json-ld")
        #expect(article.provenance["title"] == "json-ld")
    }

    @Test("Open Graph and article meta tags; language from the html element")
    func fromMeta() throws {
        let head = #"""
            <meta property="og:title" content="Harbour plan approved"><meta property="og:site_name" content="City Post">
            <meta property="article:published_time" content="2024-05-06"><meta property="article:tag" content="harbour">
            <meta property="article:tag" content="council"><meta name="author" content="Jan Smit">
            <meta name="description" content="The council approved the plan."><link rel="canonical" href="https://city.example/harbour">
            """#
        let article = try extract(page(head: head, body: "<article>\(story())</article>"))
        #expect(article.title == "Harbour plan approved" && article.provenance["title"] == "meta:og")
        #expect(article.published == "2024-05-06" && article.provenance["published"] == "meta:article")
        #expect(article.authors == ["Jan Smit"])
        #expect(article.tags == ["harbour", "council"])
        #expect(article.language == "en" && article.provenance["language"] == "html-lang")
        #expect(article.canonicalURL == "https://city.example/harbour")
        #expect(article.description == "The council approved the plan.")
        #expect(article.siteName == "City Post")
    }

    @Test("title from <title> without the site name; from <h1> before that")
    func titles() throws {
        let plain = try extract(page(head: "<title>Harbour plan approved | City Post</title>", body: "<article>\(story())</article>"))
        #expect(plain.title == "Harbour plan approved" && plain.provenance["title"] == "title-element")
        let heading = try extract(page(head: "<title>City Post</title>", body: "<article><h1>Harbour plan approved</h1>\(story())</article>"))
        #expect(heading.title == "Harbour plan approved" && heading.provenance["title"] == "h1")
    }

    @Test("dates only from explicit sources: JSON-LD, meta tags, <time>, the URL; never from scripts, chrome or the future", arguments: [
        (#"<time datetime="2023-11-10T08:00:00Z">10 Nov</time>"#, "https://x.example/a", "2023-11-10T08:00:00Z", "time-element"),
        ("", "https://x.example/news/2023/10/05/story", "2023-10-05", "url"),
        (#"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-09-01T06:00:00Z"}</script>"#,
         "https://x.example/news/2023/10/05/story", "2023-09-01T06:00:00Z", "json-ld"),
        (#"<meta property="article:published_time" content="2023-08-02">"#, "https://x.example/a", "2023-08-02", "meta:article"),
        (#"<meta property="og:published_time" content="2023-08-03T10:00:00+02:00">"#, "https://x.example/a", "2023-08-03T10:00:00+02:00", "meta:og"),
        // A script's expiry and a page's state object are no publication dates.
        (#"<script>var expires = "2023-11-01T00:00:00Z";</script>"#, "https://x.example/a", nil, nil),
        (#"<script>window.__STATE__ = {"datePublished": "2023-11-01T00:00:00Z", "expires": "2023-12-01"};</script>"#, "https://x.example/a", nil, nil),
        (#"<script type="application/ld+json">{"@type": "NewsArticle", "expires": "2023-12-01"}</script>"#, "https://x.example/a", nil, nil),
        // Dates of other things in JSON-LD: the stories a list links to, an offer.
        (#"<script type="application/ld+json">{"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "datePublished": "2023-07-01"}]}</script>"#,
         "https://x.example/a", nil, nil),
        (#"<script type="application/ld+json">{"@type": "Offer", "datePublished": "2023-07-01", "priceValidUntil": "2023-12-31"}</script>"#,
         "https://x.example/a", nil, nil),
        // A date in the future (a script's expiry written as metadata) is not taken; the next source is.
        (#"<meta property="article:published_time" content="2031-01-01"><time datetime="2023-11-10">10 Nov</time>"#,
         "https://x.example/a", "2023-11-10", "time-element"),
        (#"<time datetime="2031-01-01">future</time>"#, "https://x.example/a", nil, nil),
        // <time> in a comment, a sidebar, a related list or the footer dates something else.
        (#"<div class="comments"><time datetime="2023-11-12">12 Nov</time></div>"#, "https://x.example/a", nil, nil),
        (#"<aside><time datetime="2023-11-12">12 Nov</time></aside><footer><time datetime="2023-01-01">2023</time></footer>"#, "https://x.example/a", nil, nil),
        ("<p>© 2023 City Post</p>", "https://x.example/a", nil, nil),
        ("<p>Copyright 2023 City Post. Updated 2023-11-10.</p>", "https://x.example/a", nil, nil),
    ] as [(String, String, String?, String?)])
    func dates(markup: String, url: String, published: String?, source: String?) throws {
        let article = try extract(page(body: "<article>\(markup)\(story())</article>"), url: url)
        #expect(article.published == published)
        #expect(article.provenance["published"] == source)
    }

    @Test("date forms publishers use", arguments: [
        ("2024-03-01T09:30:00+01:00", "2024-03-01T09:30:00+01:00"), ("2024-03-01 09:30:00", "2024-03-01T09:30:00Z"),
        ("2024-03-01T09:30:00.123Z", "2024-03-01T09:30:00Z"), ("2024-03-01", "2024-03-01"), ("2024-03-01T09:30-0500", "2024-03-01T09:30:00-05:00"),
        ("Fri, 01 Mar 2024 09:30:00 +0000", "2024-03-01T09:30:00Z"), ("yesterday", nil), ("1970-01-01", nil), ("2024-13-01", nil),
        ("2024-02-30", nil), ("2024-02-29T23:59:60Z", "2024-03-01T00:00:00Z"), ("2023-12-31T23:30:00-01:00", "2023-12-31T23:30:00-01:00"),
        ("2024-03-01T24:00:00Z", nil), (" 2024-03-01 ", "2024-03-01"),
    ] as [(String, String?)])
    func dateForms(text: String, expected: String?) {
        #expect(DateNormalizer.iso8601(text, notAfter: Date(timeIntervalSince1970: 1_800_000_000)) == expected)
    }
}

@Suite("Language")
struct LanguageTests {
    static let dutch = "De Belarussische oppositie maakt zich grote zorgen over de uitspraken in de opname. Oppositieleider Svetlana Tichanovskaja heeft de opname onder meer naar de EU gestuurd met de oproep om de veiligheidsdiensten als terroristische organisaties te bestempelen."

    @Test("CLD2 detects the text's language; a confident detection overrules a wrong lang attribute")
    func detection() throws {
        #expect(LanguageDetector.detect(Self.dutch)?.code == "nl")
        #expect(LanguageDetector.detect(storyParagraphs.joined(separator: " "))?.code == "en")
        #expect(LanguageDetector.detect("Kort.") == nil, "too little text to tell")
        let wrong = try extract(page(body: "<article><p>\(Self.dutch)</p><p>\(Self.dutch)</p></article>"))  // page() declares lang="en"
        #expect(wrong.language == "nl" && wrong.provenance["language"] == "cld2")
        let right = try extract(page(body: "<article>\(story())</article>"))
        #expect(right.language == "en" && right.provenance["language"] == "html-lang")
    }
}
