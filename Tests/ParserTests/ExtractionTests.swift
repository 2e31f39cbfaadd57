import Foundation
import Model
import Testing
import TestSupport
@testable import Parser
import Queue

/// Article paragraphs long enough to read as prose.
let storyParagraphs = [
    "In the recording a man's voice tells a group of listeners about the coming construction of camps surrounded by barbed wire, meant for people arrested more than once at street protests.",
    "The man also says that the president ordered rubber bullets to be fired at demonstrators who resist arrest, according to the group of defected security officers that published it.",
    "The opposition is deeply concerned about the statements. Its leader has sent the recording to the European Union, asking that the security services be listed as terrorist organisations.",
]

func page(head: String = "", body: String) -> Data {
    Data("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\(head)</head><body>\(body)</body></html>".utf8)
}

func story(_ paragraphs: [String] = storyParagraphs) -> String {
    paragraphs.map { "<p>\($0)</p>" }.joined()
}

func extract(_ data: Data, url: String? = nil) throws -> Article {
    try Extractor().extract(data, url: url, now: Date(timeIntervalSince1970: 1_800_000_000))
}

@Suite("Main-text extraction")
struct ExtractionTests {
    @Test("each kind of page chrome is removed and the story kept, in order", arguments: [
        ("navigation", #"<nav><a href="/">Home</a> <a href="/world">World news</a></nav>"#, "World news"),
        ("cookie banner", #"<div class="cookie-banner"><p>We use cookies to improve your experience on our site. Accept all cookies?</p></div>"#, "We use cookies"),
        ("share widget", #"<div class="share-buttons"><a href="/s">Share on facebook</a> <a href="/s">Share on twitter</a></div>"#, "Share on facebook"),
        ("comment form", #"<div id="respond" class="comment-respond"><h3>Leave a Reply</h3><p>Your email address will not be published. Required fields are marked *</p><p>This site uses Akismet to reduce spam. Learn how your comment data is processed.</p></div>"#, "Akismet"),
        ("newsletter box", #"<div class="newsletter-signup"><p>Get the best stories of the week in your inbox every Friday morning, free of charge.</p></div>"#, "in your inbox"),
        ("related articles", #"<ul class="related-articles"><li><a href="/a">Protests continue in the capital for a third week</a></li><li><a href="/b">Opposition leader leaves the country</a></li></ul>"#, "third week"),
        ("hidden element", #"<div style="display: none"><p>Tracking text that no reader ever sees on this page at all, hidden by a style.</p></div>"#, "Tracking text"),
        ("script and style", #"<script>var story = "window.analytics = true";</script><style>p { color: red }</style>"#, "analytics"),
        ("accessibility links", #"<div class="skip-links"><a href="/m">Accessibility links</a></div>"#, "Accessibility links"),
        ("photo credit", #"<figure><img src="x.jpg"><figcaption>Police officers in Minsk. Beeld AP</figcaption></figure>"#, "Beeld AP"),
        ("dateline", "<p>18. June 2019 | 14:05</p>", "June 2019"),
        ("photo credit line", "<p>Foto: dpa / Picture Alliance</p>", "Picture Alliance"),
        ("link list with its heading", #"<h3>Lesen Sie auch</h3><ul><li><a href="/x">Protests continue in the capital for a third week</a></li><li><a href="/y">Opposition leader leaves the country for Vilnius</a></li></ul>"#, "Lesen Sie auch"),
        ("advertisement", #"<div class="ad-slot"><p>Advertisement: the best mattress of the year, now half price for readers of this site.</p></div>"#, "mattress"),
    ] as [(String, String, String)])
    func chrome(kind: String, chrome: String, marker: String) throws {
        let html = page(body: "<header><a href=\"/\">Daily News</a></header><main><article><h1>Recording of a minister</h1>"
                        + chrome + story() + "</article></main><footer><p>© Daily News 2024. All rights reserved.</p></footer>")
        let article = try extract(html)
        #expect(!article.text.contains(marker), "\(kind) survived: \(article.text)")
        #expect(!article.text.contains("All rights reserved"), "the footer survived")
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(kind): \(article.text)")
    }

    @Test("the headline leaves the body with the kicker above it; a sentence above the headline stays")
    func headlineAndKicker() throws {
        let head = "<title>Recording of a minister</title>"
        for kicker in ["<p class=\"section\">Buitenland</p>", "<span>World news</span>", "<p>Analysis</p>"] {
            let article = try extract(page(head: head, body: "<article>\(kicker)<h1>Recording of a minister</h1>" + story() + "</article>"))
            #expect(article.title == "Recording of a minister")
            #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(kicker): \(article.text)")
        }
        let sentence = "The opposition published the recording on Friday."
        let kept = try extract(page(head: head, body: "<article><p>\(sentence)</p><h1>Recording of a minister</h1>" + story() + "</article>"))
        #expect(kept.text.hasPrefix(sentence), "\(kept.text)")
    }

    @Test("headings, lists and quotes come out as blocks; inline markup joins its paragraph")
    func structure() throws {
        let body = #"""
            <article><p>The council <em>met</em> on <a href="/monday">Monday</a> to discuss the plan for the harbour, which has been debated for years.</p>
            <h2>What was decided</h2>
            <ul><li>Two new quays will be built by the city</li><li>The old warehouse becomes a public library</li></ul>
            <blockquote>This is the biggest investment in the harbour in fifty years, and the city will see the benefit.</blockquote>
            <p>Work starts next spring and should be finished within three years, the council said in a statement.</p></article>
            """#
        let article = try extract(page(body: body))
        #expect(article.text == """
            The council met on Monday to discuss the plan for the harbour, which has been debated for years.

            What was decided

            - Two new quays will be built by the city
            - The old warehouse becomes a public library

            This is the biggest investment in the harbour in fifty years, and the city will see the benefit.

            Work starts next spring and should be finished within three years, the council said in a statement.
            """)
    }

    @Test("a paragraph repeated word for word goes, unless it is quoted: a document quoted in parts, then whole")
    func repeatedAndQuoted() throws {
        let quoted = "<blockquote><p>\(storyParagraphs[1])</p></blockquote>"
        let inParts = try extract(page(body: "<article><p>\(storyParagraphs[0])</p>\(quoted)<p>\(storyParagraphs[2])</p>"
                                       + "<p>The whole letter, as it was sent:</p>\(quoted)</article>"))
        #expect(inParts.text.components(separatedBy: storyParagraphs[1]).count == 3, "\(inParts.text)")
        let twice = try extract(page(body: "<article>\(story())<div class=\"print-copy\">\(story())</div></article>"))
        #expect(twice.text == storyParagraphs.joined(separator: "\n\n"), "\(twice.text)")
    }

    @Test("a list of links the story describes, or that it goes on around, stays; the same list after the story goes")
    func describedLinks() throws {
        let deals = #"<ul><li><a href="/a">2TB portable hard drive for $161.99 with free shipping</a> (normally $180, use the coupon code at checkout)</li>"#
            + #"<li><a href="/b">A 15-inch laptop with 8GB RAM and a 256GB SSD for $2,059.95</a> (normally $2,199 at the same store)</li></ul>"#
        let within = try extract(page(body: "<article><h1>This week's deals</h1>\(story(Array(storyParagraphs.prefix(1))))\(deals)\(story(Array(storyParagraphs.dropFirst())))</article>"))
        #expect(within.text.contains("- 2TB portable hard drive for $161.99 with free shipping (normally $180"), "\(within.text)")
        let after = try extract(page(body: "<article><h1>This week's deals</h1>\(story())\(deals)</article>"))
        #expect(after.text == storyParagraphs.joined(separator: "\n\n"), "\(after.text)")
        let rates = #"<ul><li><a href="/a">Copywriting ebook giveaway</a> – 15.7%</li><li><a href="/b">Why we love bookmarks</a> – 17.1%</li></ul>"#
        let told = try extract(page(body: "<article><h1>Open rates</h1><div>\(story(Array(storyParagraphs.prefix(1))))\(rates)<h2>What they share</h2>\(story(Array(storyParagraphs.dropFirst())))</div></article>"))
        #expect(told.text.contains("- Copywriting ebook giveaway – 15.7%\n- Why we love bookmarks – 17.1%"), "a list the story goes on around: \(told.text)")
    }

    @Test("a sentence that is mostly its link, among the story's paragraphs, stays; a line of links there goes")
    func linkedSentences() throws {
        let asked = #"<p>So in August we asked <a href="/call">readers to share the details of the mentors who helped them most</a>.</p>"#
        let related = #"<p>Read more: <a href="/a">Harbour plan approved after a long night of debate in the council</a></p>"#
        func body(_ middle: String) -> Data {
            page(body: "<article><h1>Mentors</h1>\(story(Array(storyParagraphs.prefix(1))))\(middle)\(story(Array(storyParagraphs.dropFirst())))</article>")
        }
        let sentence = try extract(body(asked))
        #expect(sentence.text.contains("So in August we asked readers to share the details of the mentors who helped them most."), "\(sentence.text)")
        let links = try extract(body(related))
        #expect(links.text == storyParagraphs.joined(separator: "\n\n"), "\(links.text)")
    }

    @Test("of two bodies that score the same, the first in the page is the article, in every run")
    func equalCandidates() throws {
        // The same letters count, word for word: both score alike.
        let other = storyParagraphs.map { String($0.map { $0 == "a" ? "o" : $0 == "e" ? "i" : $0 }) }
        let article = try extract(page(body: "<div><div>\(story())</div></div><section><div>\(story(other))</div></section>"))
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(article.text)")
    }

    @Test("a short closing line written with the story stays; one in a box after the story goes")
    func closingLines() throws {
        let body = "<div class=\"post\">\(story())<p>Euer Hans</p></div><div class=\"box\"><p>Weitere Informationen</p></div>"
        let article = try extract(page(body: body))
        #expect(article.text.hasSuffix(storyParagraphs[2] + "\n\nEuer Hans"), "\(article.text)")
        #expect(!article.text.contains("Weitere Informationen"))
    }

    @Test("a lead paragraph in the article header is kept with the body")
    func lead() throws {
        let body = #"<article><header><h1>Harbour plan</h1><p class="article-lead">The city will spend a record sum on its old harbour, the council decided on Monday evening.</p></header>"#
            + #"<div class="article-body">\#(story())</div></article>"#
        let article = try extract(page(body: body))
        #expect(article.text.hasPrefix("The city will spend a record sum"), "\(article.text)")
        #expect(article.text.hasSuffix(storyParagraphs[2]))
        let unnamed = #"<article><header><h1>Harbour plan</h1><p>The city will spend a record sum on its old harbour, the council decided on Monday evening.</p></header>"#
            + #"<div class="text">\#(story())</div></article>"#
        #expect(try extract(page(body: unnamed)).text.hasPrefix("The city will spend a record sum"), "a paragraph in the article's header")
        let named = #"<article><header><h1>Harbour plan</h1><div class="summary">The city will spend a record sum on its old harbour, the council decided.</div></header>"#
            + #"<div class="article-body">\#(story())</div></article>"#
        #expect(try extract(page(body: named)).text.hasPrefix("The city will spend a record sum"), "a header kept for its summary")
    }

    @Test("the body is found among teasers, sidebars and link lists by its prose")
    func scoring() throws {
        let teasers = (1...6).map { #"<div class="item"><a href="/\#($0)">Another story number \#($0) about something else entirely</a></div>"# }.joined()
        let body = "<div class=\"layout\"><div class=\"col-a\">\(teasers)</div><div class=\"col-b\"><div>\(story())</div></div>"
            + "<div class=\"col-c\"><p><a href=\"/x\">Most read today</a></p></div></div>"
        let article = try extract(page(body: body))
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(article.text)")
    }

    /// Paragraphs of a second story, for pages whose body comes in several components.
    static let moreParagraphs = [
        "Construction of the new quays is planned in two phases, the first of which will start before the summer holidays, according to the port authority.",
        "Residents of the old harbour district asked for the works to stop at night, and the council promised that no pile driving would happen after seven.",
        "The library in the old warehouse will open in stages, first the reading room on the ground floor, then the archive, and finally the roof terrace.",
    ]

    @Test("a page builder's text components, each wrapped twice, are read as one body")
    func wrappedComponents() throws {
        let component = { (paragraphs: [String]) in #"<div class="grid-column"><div class="richtext">\#(story(paragraphs))</div></div>"# }
        let body = "<main><div class=\"grid\">" + component(storyParagraphs) + component(Self.moreParagraphs) + "</div></main>"
        let article = try extract(page(body: body))
        #expect(article.text == (storyParagraphs + Self.moreParagraphs).joined(separator: "\n\n"), "\(article.text)")
    }

    @Test("a one-paragraph post keeps its paragraph, not the longer thread of readers' comments under it")
    func shortPostWithComments() throws {
        let comment = { (name: String, text: String) in
            #"<li class="comment"><div class="comment-author">\#(name)</div><p>\#(text)</p></li>"#
        }
        let thread = (0..<8).map { comment("Reader \($0)", "This is amazing, I really love the colours of the jeans and the bag, thank you for sharing this outfit with us \($0)!") }
        let html = page(body: """
            <div class="hentry post"><h1>Autumn outfit</h1><div class="entry-content"><p>I am totally inspired by this autumn collection, my all time favourite: the shirt and tie are vintage, the jeans are new.</p></div></div>
            <div id="comments" class="comments"><ol>\(thread.joined())</ol></div>
            """)
        let text = try extract(html).text
        #expect(text.contains("totally inspired"))
        #expect(!text.contains("Reader 3") && !text.contains("thank you for sharing"))
    }

    @Test("a post written without paragraphs, its prose in styled spans inside a div, is found")
    func proseInSpans() throws {
        let post = "Since the city and the villages around it are still in such desperate need of help, here are links to some of our favourite recipes from there, in the hope that you give a few dollars to the relief fund."
        let html = page(body: #"<div class="post-body"><span style="font-family: Verdana"><span style="font-size: small">\#(post)</span></span><br><br><table><tr><td><a href="/a">Pastrami</a></td><td><a href="/b">Cheesecake</a></td></tr></table></div>"#)
        #expect(try extract(html).text.hasPrefix("Since the city"))
    }

    @Test("a line break in the page's source is a space; <br> and <pre> break lines")
    func sourceLineBreaks() throws {
        let html = page(body: "<article><h1>Title</h1><p>The council met on Tuesday\nto decide about the bridge, and voted\r\nto close it for the summer months.</p><p>First line<br>second line of a longer verse that goes on for a while.</p><pre>a\nb</pre></article>")
        let text = try extract(html).text
        #expect(text.contains("The council met on Tuesday to decide about the bridge, and voted to close it"))
        #expect(text.contains("First line\nsecond line"))
    }

    @Test("a short post written in headings is kept")
    func postInHeadings() throws {
        let sentence = "The poster competition for children takes place for the sixth time this year, and all children between six and twelve may take part."
        let body = "<article><h1>Keep our waters clean!</h1><blockquote><h2>The poster competition for children</h2><h3>\(sentence)</h3>"
            + "<h4>Design a poster with the motto: keep our waters clean!</h4></blockquote></article>"
        let article = try extract(page(body: body))
        #expect(article.text.contains(sentence), "\(article.text)")
        #expect(article.text.contains("Design a poster"))
    }

    @Test("an aside or nav that wraps the page's marked article body is not chrome")
    func bodyInAside() throws {
        let body = #"<nav><a href="/">Home</a></nav><aside class="content-pane"><section><article><div itemprop="articleBody">"#
            + story(Array(storyParagraphs.prefix(2))) + "</div></article></section></aside><aside><p><a href=\"/x\">Most read</a></p></aside>"
        let article = try extract(page(body: body))
        #expect(article.text == storyParagraphs.prefix(2).joined(separator: "\n\n"), "\(article.text)")
    }

    @Test("a chrome word beside a content word in another language is content (`cuerpo-ad`)")
    func contentWordsInOtherLanguages() throws {
        let html = page(body: #"<div id="cuerpo-ad" class="cuerpo-articulo">x</div><div class="texto-ad">y</div><div class="ad-slot">z</div>"#)
        let document = try HTMLDocument(utf8: html)
        let root = try #require(document.root)
        let chrome = root.descendants { $0.tag == .div }.map { BoilerplateCleaner.isChrome($0, gentle: false, wrappers: [], pageText: 0) }
        #expect(chrome == [false, false, true])
    }

    @Test("a form that holds the page is its layout, also when the article is spans and line breaks; a search form goes")
    func pageInsideForm() throws {
        let spans = storyParagraphs.joined(separator: "<br/><br/>")
        let body = #"<form id="Form1" action="default.aspx"><table><tr><td><a href="/">Home</a></td><td>"#
            + #"<span id="ContentLabel">\#(spans)</span></td></tr></table></form>"#
            + #"<form action="/search"><label>Search the site for articles and archives</label><input name="q"></form>"#
        let article = try extract(page(body: body))
        #expect(article.text == storyParagraphs.joined(separator: "\n"), "\(article.text)")
    }

    @Test("an element's text up to a length is its whole text, below it too; longer, none")
    func boundedTextContent() throws {
        let html = Data("<div><p>ab<b>cd</b></p><script>ef</script><p>\(String(repeating: "g", count: 290))</p></div>".utf8)
        let document = try HTMLDocument(utf8: html)
        let division = try #require(document.first(.div))
        #expect(division.textContent.utf8.count == 296)
        #expect(division.textContent(shorterThan: 297) == division.textContent)
        #expect(division.textContent(shorterThan: 296) == nil)
        #expect(try #require(document.first(.p)).textContent(shorterThan: 5) == "abcd")
    }

    @Test("what follows the article in its container goes: related posts, the author's biography, contacts, follow and subscribe prompts", arguments: [
        ("subscribe", "<h4>Subscribe to email updates</h4><p>Receive our monthly newsletter to stay on top of the latest articles and announcements.</p>", "monthly newsletter"),
        ("author box", "<h4>About Jason Fried</h4><p>Jason co-founded the company in 1999 and wrote a bestselling book on running a business.</p>", "co-founded"),
        ("about the author", "<h4>About the author</h4><p>Mary Brock is a scientist who works on drugs you have hopefully never heard of.</p>", "Mary Brock"),
        ("copyright notice", "<p>© 2012 The Car Connection. All Rights Reserved. The Car Connection is published by High Gear Media, a network of sites.</p>", "Rights Reserved"),
        ("post footer", "<p>This entry was posted on August 9, 2012 at 3:32 pm and is filed under Car Reviews, Lancia.</p><p>Posted by Seth Godin | Permalink</p>", "filed under"),
        ("platform credit and comment prompt", "<p>Blog powered by TypePad</p><p>Post a comment:</p>", "TypePad"),
        ("trackbacks", "<h4>Trackbacks</h4><p>Listed below are links to weblogs that reference this entry, with a line long enough to read as prose.</p>", "weblogs"),
        ("section teasers", "<h3>More in Politics</h3><p>Another story about something else entirely, with a teaser long enough to read as prose on its own.</p>", "Another story"),
        ("read already", "<p>Schon gelesen?</p><p>Ein anderer Bericht über etwas ganz anderes, mit einem Anriss, der lang genug ist, um als Prosa zu gelten.</p>", "anderer Bericht"),
        ("related posts", "<h3>Related Posts</h3><p>Another story about something else entirely, with a teaser long enough to read as prose on its own.</p>", "Another story"),
        ("author", "<h4>Über den Autor</h4><p>Max Muster schreibt seit zwanzig Jahren über Politik und lebt mit seiner Familie in Berlin.</p>", "Max Muster"),
        ("contact", "<p><strong>Kontakt:</strong></p><p>Jan Koch, Telefon 040 49 07 11 06, jan.koch@example.org</p>", "Jan Koch"),
    ] as [(String, String, String)])
    func endMatter(kind: String, endMatter: String, marker: String) throws {
        let article = try extract(page(body: "<article><div class=\"entry-content\">" + story() + endMatter + "</div></article>"))
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(kind): \(article.text)")
    }

    @Test("readers' comments after a story of a story's length go from their title on, however long; a comment count under the headline goes alone")
    func commentThread() throws {
        let long = (1...3).flatMap { part in storyParagraphs.map { "\($0) Part \(part)." } }
        let comments = (1...8).map { "<p>Reader \($0) said: I have been following this story for weeks and I think the minister should resign at once.</p>" }.joined()
        let thread = try extract(page(body: "<article><div class=\"entry-content\">\(story(long))<h3>14 Comments</h3>\(comments)</div></article>"))
        #expect(thread.text == long.joined(separator: "\n\n"), "\(thread.text)")
        let counted = try extract(page(body: "<article><div class=\"entry-content\"><p>14 Comments</p>\(story(long))</div></article>"))
        #expect(counted.text == long.joined(separator: "\n\n"), "\(counted.text)")
    }

    @Test("a section the story closes with under 'About the …' stays: it describes the story's subject")
    func aboutTheSubject() throws {
        let section = "<p>About the visitors:</p><p>They have won six of their last eight games on the road and lead the division by three games.</p>"
        let article = try extract(page(body: "<article><div class=\"entry-content\">" + story() + section + "</div></article>"))
        #expect(article.text.hasSuffix("lead the division by three games."), "\(article.text)")
    }

    @Test("comment-form notices go even inside a paragraph, where syndicated copies carry them")
    func commentFormNotices() throws {
        let polluted = storyParagraphs[1] + " Required fields are marked * This site uses Akismet to reduce spam. Learn how your comment data is processed."
        let article = try extract(page(body: "<article>" + story([storyParagraphs[0], polluted, storyParagraphs[2]])
                                       + "<p>Your email address will not be published.</p></article>"))
        #expect(article.text == storyParagraphs.joined(separator: "\n\n"), "\(article.text)")
    }

    @Test("a box inside the story loses its title and teaser; a title halfway through the story is a section of it")
    func inlineBoxes() throws {
        let box = "<h4>Lesen Sie auch</h4><p><strong>Protests continue in the capital for a third week</strong></p>"
        let boxed = try extract(page(body: "<article>" + story([storyParagraphs[0]]) + box + story(Array(storyParagraphs.dropFirst())) + "</article>"))
        #expect(boxed.text == storyParagraphs.joined(separator: "\n\n"), "\(boxed.text)")
        let section = try extract(page(body: "<article>" + story([storyParagraphs[0]]) + "<h2>Related research</h2>" + story(Array(storyParagraphs.dropFirst())) + "</article>"))
        #expect(section.text.hasSuffix(storyParagraphs[2]), "\(section.text)")
    }

    @Test("a post without prose is the lines around its headline, not a sidebar's paragraph")
    func postWithoutProse() throws {
        let about = "<div class=\"profile\"><p>I live, I learn, I teach. And, yes, 140 characters are limiting. Here I share, and celebrate, my creativity and the creativity of others.</p></div>"
        let post = """
            <div class="date-outer"><h2 class="date-header">6 Nov 2012</h2><div class="post">
            <h3 class="post-title">Food sculptures</h3><div class="post-body"><a href="/big.jpg"><img src="/small.jpg"></a>
            <div class="quote-citation">via <a href="http://artists.example/">artists-collective.example</a></div>
            <p>Repurposing food as art is creative.</p></div>
            <p><a href="/older">Older Post</a></p></div></div>
            """
        let article = try extract(page(head: "<title>Crafts: Food sculptures</title>", body: about + post))
        #expect(article.text == "6 Nov 2012\n\nFood sculptures\n\nvia artists-collective.example\n\nRepurposing food as art is creative.", "\(article.text)")
        #expect(article.bodySource == "headline")
    }

    @Test("a short post under its headline keeps its own text; a headline alone, or the site's name, is no text")
    func shortPosts() throws {
        let short = "<h1>Electric pumps</h1><p><a href=\"/2019/03\">12 March 2019</a></p><p>I would invest in smart electric pumps, if they were any good.</p>"
        let own = try extract(page(head: "<title>Electric pumps</title>", body: short))
        #expect(own.text == "I would invest in smart electric pumps, if they were any good.", "\(own.text)")
        #expect(own.bodySource != "headline")
        let alone = try extract(page(head: "<title>Welcome to chess books</title>", body: "<h1>Welcome to chess books</h1><p><a href=\"/shop\">Shop</a></p>"))
        #expect(alone.text.isEmpty, "\(alone.text)")
        #expect(HeadlineLines.shows("Table ideas | Atlanta - DailyCandy", heading: "DailyCandy", siteName: "DailyCandy") == false)
        #expect(HeadlineLines.shows("London Street Fashion: In the pink...", heading: "In the pink...", siteName: nil))
        #expect(HeadlineLines.shows("London Street Fashion: LFW...", heading: "LFW...", siteName: nil) == false, "one word, not the whole title")
        #expect(HeadlineLines.shows("nook", heading: "Nook", siteName: nil))
        #expect(HeadlineLines.shows("The pink house", heading: "pink", siteName: nil) == false)
    }

    @Test("a JSON-LD articleBody is used when the page shows only part of it")
    func jsonLDBody() throws {
        let full = storyParagraphs.joined(separator: " ")
        let head = #"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Recording", "articleBody": "\#(full)"}</script>"#
        let body = "<div class=\"paywall-teaser\"><p>\(storyParagraphs[0])</p></div><div><a href=\"/subscribe\">Subscribe to read on</a></div>"
        let article = try extract(page(head: head, body: body))
        #expect(article.text == full, "\(article.text)")
        #expect(article.bodySource == "json-ld")
    }

    @Test("text is NFC, whitespace collapsed, no-break spaces and line separators normalized")
    func normalization() throws {
        let decomposed = "Cafe\u{301} owners in the old town said the new rules, in force since\u{A0}Monday, are hurting their business badly."
        let article = try extract(page(body: "<article><p>\(decomposed)\u{2028}Second   line of the same paragraph here.</p></article>"))
        #expect(article.text.contains("Café owners"))
        #expect(article.text.contains("since Monday"))
        #expect(article.text.hasSuffix("business badly.\nSecond line of the same paragraph here."))
        let hinted = try extract(page(body: "<article><p>Re\u{AD}ac\u{AD}tion of the coun\u{200B}cil to the harbour plan, which the city has debated for many years now.</p></article>"))
        #expect(hinted.text.hasPrefix("Reaction of the council"), "soft hyphens and zero-width spaces are dropped")
        let bengali = try extract(page(body: "<article><p>কুষ্টি\u{09DF}া-১ (দৌলতপুর) আসনের সংসদ সদস্য অ্যাডভোকেট আ ক ম সারওয়ার জাহান বাদশার ফুপাতো ভাই।</p></article>"))
        #expect(bengali.text.hasPrefix("কুষ্টি\u{09AF}\u{09BC}া"), "NFC decomposes the nukta form")
    }
}

@Suite("Seed stories: what must not survive")
struct SeedTests {
    @Test("each seed story, wrapped in the chrome its page had, comes out whole and without the chrome")
    func seeds() throws {
        let seeds = try SampleStory.seeds()
        #expect(seeds.count == 5)
        let chrome = [
            "Accessibility links", "Breaking News", "Share on facebook", "Share on twitter", "Leave a Reply",
            "Your email address will not be published", "This site uses Akismet", "Beeld AP",
        ]
        for seed in seeds {
            let html = page(body: #"""
                <div class="skip"><a href="/c">Accessibility links</a></div>
                <div class="breaking-news-ticker"><span>Breaking News</span> <a href="/x">Belarus Proposes Cooperation With Russia</a></div>
                <article id="content"><figure><img src="a.jpg"><figcaption>Police in Minsk. Beeld AP</figcaption></figure>
                \#(seed.paragraphs.map { "<p>\($0)</p>" }.joined())
                <div class="sharedaddy"><a href="/s">Share on facebook</a><a href="/s">Share on twitter</a></div></article>
                <div id="comments" class="comments-area"><div id="respond"><h3 class="comment-reply-title">Leave a Reply</h3>
                <p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
                <p class="akismet_comment_form_privacy_notice">This site uses Akismet to reduce spam. Learn how your comment data is processed.</p></div></div>
                """#)
            let article = try extract(html)
            for line in chrome { #expect(!article.text.contains(line), "\(seed.name): \(line)") }
            // A run of white space inside a paragraph (a no-break space among them) comes out as one space.
            let expected = seed.paragraphs.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.joined(separator: "\n\n")
            #expect(article.text == expected, "\(seed.name): \(article.text.prefix(200))")
        }
    }
}

@Suite("Hostile pages")
struct HostilePageTests {
    @Test("100 000 nested divs: parsed in bounded depth, the text found")
    func deep() throws {
        let html = "<html><body>" + String(repeating: "<div>", count: 100_000) + storyParagraphs[0] + String(repeating: "</div>", count: 100_000) + "</body></html>"
        let article = try extract(Data(html.utf8))
        #expect(article.encoding == "utf-8")
    }

    @Test("NUL bytes are dropped, the text around them kept")
    func nulBytes() throws {
        var data = page(body: "<article><p>\(storyParagraphs[0])</p></article>")
        data.insert(0, at: data.count / 2)
        let article = try extract(data)
        #expect(!article.text.contains("\u{0}"))
        #expect(article.text.count > 100)
    }

    @Test("empty, truncated and non-HTML input give a clear result")
    func broken() throws {
        #expect(throws: HTMLDocument.Failure.empty) { try extract(Data()) }
        let truncated = try extract(Data("<html><body><article><p>\(storyParagraphs[0])</p><p>And then the page stops in the mid".utf8))
        #expect(truncated.text.hasPrefix(storyParagraphs[0]))
        let binary = try extract(Data((0..<4096).map { UInt8($0 % 251) }))
        #expect(binary.text.count < 4096)
    }

    @Test("pages beyond the size cap are cut, not refused")
    func huge() throws {
        var configuration = Extractor.Configuration()
        configuration.maxBytes = 1 << 20
        let filler = String(repeating: "<p>\(storyParagraphs[1])</p>", count: 20_000)  // ~3.7 MB
        let article = try Extractor(configuration: configuration).extract(page(body: "<article>\(filler)</article>"))
        #expect(article.text.utf8.count < 1 << 20)
        #expect(article.text.hasPrefix(storyParagraphs[1]))
    }
}

@Suite("Page kinds")
struct PageKindTests {
    static let teasers = (1...12).map { #"<div class="teaser"><a href="/story-\#($0)">Headline number \#($0) of the day's news</a><p>Short summary.</p></div>"# }.joined()

    @Test("front and section pages are listings; articles are articles, declared or not")
    func kinds() throws {
        #expect(try extract(page(body: Self.teasers), url: "https://news.example/").pageKind == .listing)
        #expect(try extract(page(head: #"<meta property="og:type" content="website">"#, body: Self.teasers), url: "https://news.example/politics").pageKind == .listing)
        #expect(try extract(page(body: Self.teasers), url: "https://news.example/politics").pageKind == .listing)
        let declared = page(head: #"<meta property="og:type" content="article">"#, body: "<article><p>\(storyParagraphs[0])</p></article>")
        #expect(try extract(declared, url: "https://news.example/politics/recording").pageKind == .article)
        #expect(try extract(page(body: "<article>\(story())</article>"), url: "https://news.example/a").pageKind == .article)
    }
}
