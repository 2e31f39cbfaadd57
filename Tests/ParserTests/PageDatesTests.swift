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
        ("15 августа 2016, 13:43", false, "2016-08-15"), ("3 листопада 2021", false, "2021-11-03"), ("5 października 2019", false, "2019-10-05"),
        ("3. května 2020", false, "2020-05-03"), ("12 Μαΐου 2020", false, "2020-05-12"), ("14 Şubat 2020", false, "2020-02-14"),
        ("5. tammikuuta 2020", false, "2020-01-05"), ("2 augusti 2021", false, "2021-08-02"), ("2020年1月5日", nil, "2020-01-05"),
        ("5 de gener de 2020", false, "2020-01-05"), ("17. augusta 2021", false, "2021-08-17"), ("3 Maret 2020", false, "2020-03-03"),
        ("5 يناير 2020", false, "2020-01-05"), ("2020年 12月 25日 10:00", nil, "2020-12-25"), ("2020년 1월 5일", nil, "2020-01-05"), ("2020年13月5日", nil, nil), ("2020年1月", nil, nil),
    ] as [(String, Bool?, String?)])
    func dateText(text: String, monthFirst: Bool?, expected: String?) {
        #expect(DateText.first(in: text, monthFirst: monthFirst)?.iso == expected, "\(text)")
    }

    @Test("d.m.yy is read only where asked: in date-like elements and after publication labels", arguments: [
        ("28.01.22", "2022-01-28"), ("Party, 30.10.23", "2023-10-30"), ("1.2.34.5", nil), ("31.02.22", nil), ("28.01.2022", "2022-01-28"),
        ("Seite 12 von 40", nil),
    ] as [(String, String?)])
    func shortYears(text: String, expected: String?) {
        #expect(DateText.first(in: text, monthFirst: false, shortYears: true)?.iso == expected, "\(text)")
        #expect(DateText.mayHoldShortYear(text.utf8) || DateText.mayHoldYear(text) || expected == nil, "\(text)")
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
        // itemprop on an element that shows its date as text
        ("", #"<li itemprop="datePublished"><a href="/2019/10/19/"><span>19. Oktober 2019</span></a></li>"#, "2019-10-19", "markup"),
        // JSON-LD a CMS wrote without a type; a how-to's date with a time that is not ISO 8601
        (#"<script>{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2022-01-28T06:00:00+01:00"}</script>"#, "",
         "2022-01-28T06:00:00+01:00", "json-ld"),
        (#"<script type="application/ld+json">{"@context": "https://schema.org", "@type": "HowTo", "datePublished": "2022-01-10T22:06:08:684Z"}</script>"#, "",
         "2022-01-10", "json-ld"),
        (#"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2018-11-28CET11:59:00+0100"}</script>"#, "",
         "2018-11-28", "json-ld"),
        // RDFa, the article's (in its own footer) but never a comment's
        ("", #"<footer><span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00"></span></footer>"#, "2022-01-28T12:45:46Z", "markup"),
        ("", #"<div class="comment"><span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00"></span></div>"#, nil, nil),
        // a publication label outside any date-like element, the date beside it or in the next element
        ("", #"<small>Erstellt am: 30.01.2022 18:36 / sk</small>"#, "2022-01-30", "text"),
        ("", #"<div class="docData"><span class="label">Datum</span> <span class="value">25.01.2022</span></div>"#, "2022-01-25", "text"),
        ("", #"<div class="entry"><p>Mise en ligne</p><p>23 mai 2019</p></div>"#, "2019-05-23", "text"),
        // an article's own footer dates it; d.m.yy in a date-like element
        ("", #"<div class="post-footer"><span class="date">14.12.2015</span></div>"#, "2015-12-14", "text"),
        ("", #"<span class="post-created"> 28.01.22</span>"#, "2022-01-28", "text"),
        // the text right after an author's link; a date after "wurde am"
        ("", #"<p>von <a class="author url fn" href="/author/k">Klaus Schöppner</a>, 8.5.12</p>"#, "2012-05-08", "text"),
        ("", #"<div class="post-footer">Dieser Artikel wurde am 14. Dezember 2015 um 14:48 von <a>Jan</a> geschrieben.</div>"#, "2015-12-14", "text"),
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

    @Test("a date just above the headline, a headline that is not an <h1>, a page inside an ASP.NET form")
    func headlinePlaces() throws {
        let page = { (body: String) in Data("<!DOCTYPE html><html lang=\"de\"><head><title>Neuer Cheftrainer für Dormagen</title></head><body>\(body)</body></html>".utf8) }
        let above = try extract(page("<div><small>31.01.2022 &nbsp; 2. HBL</small><h1>Neuer Cheftrainer für Dormagen</h1>\(story())</div>"))
        #expect(above.published == "2022-01-31" && above.provenance["published"] == "text:near-headline")
        #expect(try extract(page("<p>Am 31.01.2022 war etwas.</p>\(story())<h1>Neuer Cheftrainer für Dormagen</h1>\(story())")).published == nil,
                "a date far above the headline is not its")
        let earlier = #"<span class="date">01.01.2020</span>"#
        #expect(try extract(page("\(earlier)<div class=\"beitrag\"><h2>Neuer Cheftrainer für Dormagen</h2><div class=\"meta\">Peter Grimm / 07.11.2023</div>\(story())</div>")).published
                == "2023-11-07", "without an <h1>, the heading the title names is the headline, and the date after it is the article's")
        let named = Data(("<!DOCTYPE html><html lang=\"de\"><head><meta property=\"og:title\" content=\"Neuer Cheftrainer für Dormagen\"></head><body>"
                          + "<div class=\"modal\"><h1>Liebe Fans,</h1></div><figure class=\"teaser\"><span class=\"date\">02.02.2022</span>"
                          + "<h1>Neuer Cheftrainer für Dormagen</h1></figure>\(story())<p class=\"date\">Stand: 05.02.2022</p></body></html>").utf8)
        #expect(try extract(named).published == "2022-02-02", "of several <h1>, the headline is the one the title names; a date-like element just above it is its date")
        let teaserParts = #"<h1><span class="teaser-small__kicker">Dormagen</span> Neuer Cheftrainer für Dormagen</h1><div class="teaser-small__metadata">"#
            + #"<p class="byline__author">VON <a>MORITZ GATHMANN</a> am 21. April 2020</p></div>"#
        #expect(try extract(page(teaserParts + story() + #"<div class="teaser"><span class="date">12.11.2023</span></div>"#)).published == "2020-04-21",
                "a headline built of a teaser's parts: the word marks no chrome on its page")
        #expect(try extract(page("<p class=\"teaser\"><span class=\"date\">01.02.2022</span></p><h1>Neuer Cheftrainer für Dormagen</h1><p class=\"date\">02.02.2022</p>\(story())")).published
                == "2022-02-02", "a teaser's date just above the headline is not its date")
        let form = #"<form id="aspnetForm"><h1>Come Together</h1><p class="date">06.05.2018</p>"#
        #expect(try extract(page(form + story() + "</form>")).published == "2018-05-06")
    }

    @Test("days in the URL's path, in its usual forms; never an archive's capture time", arguments: [
        ("https://x.example/20200428/meet-the-swede", "2020-04-28"), ("https://x.example/meldungen/29-10-2021", "2021-10-29"),
        ("https://x.example/home/2017/7/12/unter-uns", "2017-07-12"), ("https://x.example/2019/01/01/ins-neue-jahr/", "2019-01-01"),
        ("https://web.archive.org/web/20160218174457/http://x.example/a", nil), ("https://x.example/a?date=2020-04-28", nil),
    ] as [(String, String?)])
    func urlDays(url: String, published: String?) throws {
        let html = Data("<!DOCTYPE html><html lang=\"de\"><body><article><h1>Der Titel</h1>\(story())</article></body></html>".utf8)
        #expect(try extract(html, url: url).published == published, "\(url)")
    }

    @Test("the day/month order of a page in British English from xml:lang; a UTC time one day off the URL's day takes the URL's")
    func localDays() throws {
        let british = Data(#"<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB"><body><div><span class="time">02/10/2020</span><h1>Title</h1>"#.utf8
                           + Data("\(story())</div></body></html>".utf8))
        #expect(try extract(british).published == "2020-10-02")
        let late = Data(#"<html lang="de"><head><meta property="article:published_time" content="2018-12-31T23:11:59+00:00"></head><body><h1>Titel</h1>"#.utf8
                        + Data("\(story())</body></html>".utf8))
        let article = try extract(late, url: "https://x.example/2019/01/01/ins-neue-jahr/")
        #expect(article.published == "2019-01-01" && article.provenance["published"] == "url")
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

    @Test("explicit sources that disagree on the day: the one whose day the page shows, never a quoted post's or a last change's")
    func disagreeingSources() throws {
        let html = { (head: String, body: String) in
            Data("""
                <!DOCTYPE html><html lang="de"><head>\(head)</head>
                <body><article><h1>Der Titel</h1>\(body)\(story())</article></body></html>
                """.utf8)
        }
        let jsonLD = #"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-01-04T07:29:00Z"}</script>"#
        let og = #"<meta property="article:published_time" content="2022-01-06T08:29:34+01:00">"#
        let republished = try extract(html(jsonLD + og, #"<div class="article-info">06.01.2022</div>"#))
        #expect(republished.published == "2022-01-06T08:29:34+01:00" && republished.provenance["published"] == "meta:article")
        // the page shows neither day, or the first source's: the first source stands
        #expect(try extract(html(jsonLD + og, #"<div class="article-info">01.12.2021</div>"#)).published == "2022-01-04T07:29:00Z")
        #expect(try extract(html(jsonLD + og, #"<div class="article-info">04.01.2022</div>"#)).published == "2022-01-04T07:29:00Z")
        // one instant in two time zones is no disagreement
        let evening = #"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-05-05T21:00:00-05:00"}</script>"#
            + #"<meta property="article:published_time" content="2022-05-06T02:00:00Z">"#
        #expect(try extract(html(evening, #"<div class="article-info">06.05.2022</div>"#)).published == "2022-05-05T21:00:00-05:00")
        // a comment's <time pubdate> against the post's own <time>, which the byline shows
        let comment = #"<div class="post-info"><time datetime="2012-09-25T19:56:26+00:00">25.09.2012</time></div>"#
            + #"<ol class="replies"><li><time pubdate datetime="2012-10-14T18:12:54+00:00">14.10.2012</time></li></ol>"#
        let post = try extract(html("", comment))
        #expect(post.published == "2012-09-25T19:56:26Z" && post.provenance["published"] == "time-element")
        // an embedded post's <time> in a quotation, and a <time> marked as the last change, date something else
        let quoted = #"<blockquote class="embed"><a>Ein Beitrag</a> am <time datetime="2019-04-21T23:47:18+00:00">21. April 2019</time></blockquote>"#
        #expect(try extract(html("", quoted)).published == nil)
        #expect(try extract(html(og, quoted)).published == "2022-01-06T08:29:34+01:00")
        let indented = Data("<html lang=\"de\"><body><blockquote><h1>Der Titel</h1><p class=\"date\">6. Januar 2004</p>\(story())</blockquote></body></html>".utf8)
        #expect(try extract(indented).published == "2004-01-06", "a blockquote that indents the whole page")
        let updated = #"<p><time itemprop="dateModified" datetime="2022-12-29T15:36:19+01:00">29.12.2022</time></p>"#
        #expect(try extract(html("", updated)).provenance["published"] != "time-element")
    }
}
