import Foundation
import Testing
@testable import Parser

@Suite("Publication dates")
struct PageDatesTests {
    @Test("dates as pages show them to readers", arguments: [
        ("07.11.2023", false, "2023-11-07"), ("Stand: 7.11.2023 18:00 Uhr", false, "2023-11-07"), ("7. November 2023", false, "2023-11-07"),
        ("Veröffentlicht am 28.\n\t\tJanuar\n\t\t2022", false, "2022-01-28"), ("November 7, 2023 at 6:09 p.m.", true, "2023-11-07"),
        ("Nov. 7th, 2023", true, "2023-11-07"), ("December 29th 2019", nil, "2019-12-29"), ("7 nov. 2023", false, "2023-11-07"),
        ("le 27 juin 2019", false, "2019-06-27"), ("3 de marzo de 2020", false, "2020-03-03"), ("28 April, 2017", nil, "2017-04-28"),
        ("2023-11-07 08:00", nil, "2023-11-07"), ("2023/11/07", nil, "2023-11-07"),
        ("11/07/2023", true, "2023-11-07"), ("11/07/2023", false, "2023-07-11"), ("11/07/2023", nil, nil), ("25/12/2023", nil, "2023-12-25"),
        ("© 2023 City Post", false, nil), ("30.02.2023", false, nil), ("29.02.2024", false, "2024-02-29"), ("29.02.2023", false, nil),
        ("Ausgabe 12/2023", false, nil), ("07.11.23", false, nil), ("1234567.11.2023", false, nil), ("", false, nil),
    ] as [(String, Bool?, String?)])
    func dateText(text: String, monthFirst: Bool?, expected: String?) {
        #expect(DateText.first(in: text, monthFirst: monthFirst)?.iso == expected, "\(text)")
    }

    @Test("explicit sources in their order, then the date shown in a byline; never a comment's, a teaser's, a ticker's", arguments: [
        (#"<meta name="sailthru.date" content="2023-11-08 22:28:35">"#, "", "2023-11-08T22:28:35Z", "meta:sailthru"),
        // Meta values are ISO 8601 or nothing: machine-written `a/b/yyyy` follows no reader's convention.
        (#"<meta name="citation_publication_date" content="2021/03/04">"#, "", nil, nil),
        (#"<meta name="dcterms.issued" content="2021-03-04">"#, "", "2021-03-04", "meta:dc"),
        ("", #"<p class="date-author">Janic Cathomen, 01.12.2021</p>"#, "2021-12-01", "text"),
        ("", #"<div class="post-meta"><span>Posted on</span> <span>November 22, 2011</span></div>"#, "2011-11-22", "text"),
        ("", #"<abbr class="published" title="2016-12-23T05:11:00-05:00">5:11 AM</abbr>"#, "2016-12-23T05:11:00-05:00", "markup"),
        ("", #"<time pubdate datetime="2016-12-23">Friday</time><time datetime="2017-01-01">later</time>"#, "2016-12-23", "markup"),
        ("", #"<div class="comment-meta">12.11.2023</div>"#, nil, nil),
        ("", #"<div class="teaser"><span class="date">12.11.2023</span></div>"#, nil, nil),
        ("", #"<p>Berlin, 05.11.2021 – Der Artikel beginnt mit seinem Datum.</p>"#, "2021-11-05", "text:near-headline"),
        ("", #"<p class="date">12.11.2031</p>"#, nil, nil),
    ] as [(String, String, String?, String?)])
    func sources(head: String, byline: String, published: String?, source: String?) throws {
        let html = Data("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\(head)</head><body><article><h1>Der Titel</h1>\(byline)\(story())</article></body></html>".utf8)
        let article = try extract(html, url: "https://x.example/a")
        #expect(article.published == published, "\(head)\(byline)")
        #expect(article.provenance["published"] == source)
    }

    @Test("a date in the prose far below the headline is not the article's")
    func farBelowHeadline() throws {
        let html = Data("<!DOCTYPE html><html lang=\"de\"><body><article><h1>Der Titel</h1>\(String(repeating: story(), count: 4))<p>Am 05.11.2021 begann es.</p></article></body></html>".utf8)
        #expect(try extract(html).published == nil)
    }

    @Test("a date shown before the headline counts only when none follows it; a ticker's date never")
    func beforeHeadline() throws {
        let ticker = #"<div class="header-ticker"><span class="date">26.1.2022</span></div>"#
        let html = { (before: String, after: String) in
            Data("<!DOCTYPE html><html lang=\"de\"><body>\(before)<article><h1>Der Titel</h1>\(after)\(story())</article></body></html>".utf8)
        }
        #expect(try extract(html(ticker, "")).published == nil)
        #expect(try extract(html(#"<h2 class="date-header"><span>28. April 2020</span></h2>"#, "")).published == "2020-04-28")
        #expect(try extract(html(#"<span class="date">01.01.2020</span>"#, #"<span class="date">02.02.2020</span>"#)).published == "2020-02-02")
    }

    @Test("a UTC time whose day is not the day the page shows: the shown day is the publisher's")
    func utcDay() throws {
        let html = { (meta: String, shown: String) in
            Data("""
                <!DOCTYPE html><html lang="en-US"><head><meta property="article:published_time" content="\(meta)"></head>
                <body><article><h1>Title</h1><div class="byline">\(shown)</div>\(story())</article></body></html>
                """.utf8)
        }
        let evening = try extract(html("2023-11-09T01:09:55+00:00", "November 8, 2023 at 6:09 p.m."))
        #expect(evening.published == "2023-11-08" && evening.provenance["published"] == "text")
        #expect(try extract(html("2023-11-09T01:09:55+00:00", "November 9, 2023")).published == "2023-11-09T01:09:55Z")
        #expect(try extract(html("2023-11-09T01:09:55+00:00", "November 2, 2023")).published == "2023-11-09T01:09:55Z", "a week off: another date")
        #expect(try extract(html("2023-11-08T18:09:55-07:00", "November 9, 2023")).published == "2023-11-08T18:09:55-07:00", "an offset given is the publisher's")
    }
}
