#!/usr/bin/env python3
"""The sample news site: four outlets on their own host names (*.localhost resolves to loopback
in libcurl), made from the stories in samples/stories, and a server for it on 127.0.0.1.

    sample_site.py build DIR --port N     writes DIR/<host>/... and DIR/truth.jsonl
    sample_site.py serve DIR --port N [--max-seconds S]
                                          serves DIR/<host>/ for each Host header on 127.0.0.1:N
                                          (building DIR first when it holds no site)

The outlets: De Koerier (Dutch daily), East Wire (English news blog), Northern Radio (English
broadcaster) and The Dispatch (English aggregator carrying syndicated copies of three stories with
another headline, a trimmed ending and an editor's note). Each outlet has its own page chrome, the
kind news pages carry (cookie banner, accessibility links, breaking-news ticker, share buttons
twice, photo credit, a caption printed twice, newsletter box, related links, comment form), a
home page, an RSS feed, a sitemap and robots.txt.

truth.jsonl has a line per article page: its URL, outlet, language, story, the story it copies
(if any), the paragraphs its body must come out as, and the chrome phrases the page carries. The
demo and the first-run test judge the pipeline's output against it.
"""
import argparse, html, json, os, re, sys, threading
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STORIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stories")
DUTCH_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()


def read_story(path):
    """A story file: `field: value` lines, a blank line, then paragraphs ('## ' marks a subheading)."""
    text = open(path, encoding="utf-8").read()
    head, _, body = text.partition("\n\n")
    story = dict(line.split(": ", 1) for line in head.splitlines())
    story["id"] = os.path.basename(path)[:-4]
    story["paragraphs"] = [p.strip() for p in body.split("\n\n") if p.strip()]
    return story


def load_stories():
    stories = {}
    for name in sorted(os.listdir(STORIES)):
        if name.endswith(".txt"):
            story = read_story(os.path.join(STORIES, name))
            stories[story["id"]] = story
    for story in stories.values():
        if "copy-of" in story:
            original = stories[story["copy-of"]]
            story["language"] = original["language"]
            kept = original["paragraphs"][: int(story.get("keep", len(original["paragraphs"])))]
            story["paragraphs"] = kept + [story["note"]]
            story.setdefault("caption", original.get("caption", ""))
    return stories


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-")[:70]


def escape(text):
    return html.escape(text, quote=True)


def body_html(paragraphs, note=None):
    parts = []
    for paragraph in paragraphs:
        if paragraph.startswith("## "):
            parts.append(f"<h2>{escape(paragraph[3:])}</h2>")
        elif paragraph == note:
            parts.append(f'<p class="editors-note"><em>{escape(paragraph)}</em></p>')
        else:
            parts.append(f"<p>{escape(paragraph)}</p>")
    return "\n".join(parts)


def list_items(links):
    return "".join(f'<li><a href="{escape(url)}">{escape(title)}</a></li>' for url, title in links)


class Outlet:
    """One news site: its name, language and the chrome around its pages."""

    def __init__(self, key, name, language):
        self.key, self.name, self.language = key, name, language

    def host(self, port):
        return f"{self.key}.localhost:{port}"

    def date(self, published):
        moment = datetime.fromisoformat(published)
        if self.language == "nl":
            return f"{moment.day} {DUTCH_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"
        return f"{moment:%B} {moment.day}, {moment.year}"

    def head(self, title, extra=""):
        return (f'<!DOCTYPE html>\n<html lang="{self.language}"><head><meta charset="utf-8">'
                f"<title>{escape(title)}</title>"
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<meta property="og:site_name" content="{escape(self.name)}">'
                f'<link rel="alternate" type="application/rss+xml" title="{escape(self.name)}" href="/feed.xml">{extra}</head>\n')

    # What each outlet puts around its content; every phrase here is chrome the extractor must drop.
    def top(self, ticker):
        return {
            "koerier": '<div class="cookie-consent" role="dialog"><p>Wij gebruiken cookies om de site goed te laten werken en om '
                       'advertenties te tonen.</p><button>Akkoord</button> <a href="/">Meer informatie</a></div>\n'
                       '<header class="site-header"><a class="logo" href="/">De Koerier</a><nav><a href="/">Voorpagina</a> '
                       '<a href="/">Regio</a> <a href="/">Buitenland</a> <a href="/">Sport</a></nav></header>\n',
            "eastwire": '<div id="cookie-notice"><span>We use cookies to improve your experience on our site.</span> '
                        '<a href="#" class="button">Accept</a></div>\n<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
                        '<header id="masthead"><p class="site-title"><a href="/">East Wire</a></p><nav id="site-navigation">'
                        '<a href="/">Home</a> <a href="/">World</a> <a href="/">City</a> <a href="/">Culture</a></nav></header>\n',
            "northradio": '<div class="skip-links"><span>Accessibility links</span><ul><li><a href="#content">Skip to main content</a></li>'
                          '<li><a href="#nav">Skip to main Navigation</a></li><li><a href="#search">Skip to Search</a></li></ul></div>\n'
                          '<header><a class="logo" href="/">Northern Radio</a><nav id="nav"><a href="/">News</a> <a href="/">Belarus</a> '
                          '<a href="/">Economy</a> <a href="/">Society</a></nav><form id="search"><input name="q" placeholder="Search"></form></header>\n'
                          f'<div class="breaking-news"><span class="label">Breaking News</span> <a href="{escape(ticker[0])}">{escape(ticker[1])}</a></div>\n',
            "dispatch": '<div class="consent-banner"><p>This website uses cookies. By continuing to browse you agree to our use of cookies.</p>'
                        '<button>OK</button></div>\n<header><a class="brand" href="/">The Dispatch</a><nav><a href="/">Latest</a> '
                        '<a href="/">World</a> <a href="/">Region</a></nav></header>\n',
        }[self.key]

    def bottom(self, related):
        items = list_items(related)
        return {
            "koerier": '<aside class="newsletter"><h2>Nieuwsbrief</h2><p>Meld je aan voor de nieuwsbrief en ontvang elke ochtend het '
                       'belangrijkste nieuws in je mailbox.</p><form><input type="email" placeholder="E-mailadres"><button>Aanmelden</button>'
                       f'</form></aside>\n<section class="related"><h2>Lees ook</h2><ul>{items}</ul></section>\n'
                       '<footer class="site-footer"><p>© 2021 De Koerier. Alle rechten voorbehouden.</p><a href="/">Colofon</a> '
                       '<a href="/">Privacy</a></footer>\n',
            "eastwire": f'<div class="related-posts"><h3>Related articles</h3><ul>{items}</ul></div>\n'
                        '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
                        '<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3><form id="commentform" class="comment-form">'
                        '<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
                        '<p><label>Comment</label><textarea name="comment"></textarea></p><p><label>Name *</label><input name="author"></p>'
                        '<p><label>Email *</label><input name="email"></p><p><label>Website</label><input name="url"></p>'
                        '<p><input type="submit" value="Post Comment"></p></form>'
                        '<p class="akismet_comment_form_privacy_notice">This site uses Akismet to reduce spam. '
                        'Learn how your comment data is processed.</p></div></div>\n'
                        '<footer id="colophon"><p>© 2021 East Wire. All rights reserved.</p></footer>\n',
            "northradio": '<div class="newsletter-box"><p>Sign up for our newsletter: the day\'s news from the region in your inbox every morning.</p>'
                          '<form><input type="email" placeholder="Your email"><button>Subscribe</button></form></div>\n'
                          f'<section class="related"><h2>Related</h2><ul>{items}</ul></section>\n'
                          '<footer><p>Copyright © 2020 Northern Radio. All rights reserved.</p></footer>\n',
            "dispatch": f'<aside class="most-read"><h3>Most read</h3><ol>{items}</ol></aside>\n'
                        '<div class="newsletter"><p>Get The Dispatch in your inbox: sign up for our free newsletter.</p>'
                        '<form><input type="email"><button>Sign up</button></form></div>\n'
                        '<footer><p>© 2021 The Dispatch. All rights reserved.</p></footer>\n',
        }[self.key]

    def chrome_phrases(self, story):
        """The phrases of this outlet's chrome that appear on the page of `story`."""
        phrases = {
            "koerier": ["Wij gebruiken cookies", "Meld je aan voor de nieuwsbrief", "Lees ook", "Alle rechten voorbehouden", "Voorpagina"],
            "eastwire": ["We use cookies", "Skip to content", "Share on facebook", "Share on twitter", "Share on linkedin",
                         "Leave a Reply", "Required fields are marked", "This site uses Akismet", "Related articles", "Post Comment",
                         "All rights reserved", "Tags:"],
            "northradio": ["Accessibility links", "Skip to main content", "Breaking News", "Sign up for our newsletter",
                           "All rights reserved"],
            "dispatch": ["This website uses cookies", "Share on facebook", "Most read", "sign up for our free newsletter",
                         "All rights reserved"],
        }[self.key]
        if story.get("credit"):
            phrases.append(story["credit"])
        return phrases

    def article(self, story, url, related, ticker):
        headline, author = story["headline"], story["author"]
        meta = (f'<link rel="canonical" href="{escape(url)}">'
                f'<meta property="og:title" content="{escape(headline)}"><meta property="og:type" content="article">'
                f'<meta property="article:published_time" content="{story["published"]}"><meta name="author" content="{escape(author)}">')
        suffix = {"koerier": " | De Koerier", "eastwire": " – East Wire", "northradio": " - Northern Radio", "dispatch": " | The Dispatch"}
        caption, credit = story.get("caption", ""), story.get("credit", "")
        body = body_html(story["paragraphs"], story.get("note"))
        share = ('<div class="share-buttons"><a href="#">Share on facebook</a> <a href="#">Share on twitter</a> '
                 '<a href="#">Share on linkedin</a> <a href="#">Share on email</a></div>')
        date = self.date(story["published"])
        if self.key == "koerier":
            figure = (f'<figure><img src="/img/{story["id"]}.jpg" alt=""><figcaption>{escape(caption)} '
                      f'<span class="credit">{escape(credit)}</span></figcaption></figure>') if caption else ""
            main = (f'<main><article><p class="section">{escape(story["section"])}</p><h1>{escape(headline)}</h1>'
                    f'<p class="byline">{escape(author)} · <time datetime="{story["published"]}">{date}</time></p>{figure}\n{body}\n</article>\n')
        elif self.key == "eastwire":
            tags = ", ".join(f'<a href="/" rel="tag">{escape(t)}</a>' for t in story.get("tags", "").split(", "))
            main = (f'<div id="content" class="site-content"><article class="post type-post"><header class="entry-header">'
                    f'<h1 class="entry-title">{escape(headline)}</h1><div class="entry-meta">Posted on <time datetime="{story["published"]}">{date}</time>'
                    f' by {escape(author)}</div></header>\n{share}\n<div class="entry-content">\n{body}\n</div>\n{share}\n'
                    f'<footer class="entry-footer"><span class="tags-links">Tags: {tags}</span></footer></article>\n')
        elif self.key == "northradio":
            # The caption comes twice: in the figure and again in the caption box under it.
            figure = (f'<figure class="media-block"><img src="/img/{story["id"]}.jpg" alt=""><figcaption>{escape(caption)}</figcaption></figure>'
                      f'<div class="caption-box">{escape(caption)}</div>') if caption else ""
            main = (f'<div id="content"><article><h1 class="title">{escape(headline)}</h1><p class="published"><time datetime="{story["published"]}">'
                    f'{date}</time></p><p class="byline">By {escape(author)}</p>{figure}\n<div class="body-container">\n{body}\n</div></article>\n')
        else:
            main = (f'<div class="page"><article><h1>{escape(headline)}</h1><div class="meta">{escape(author)} · '
                    f'<time datetime="{story["published"]}">{date}</time></div><div class="share"><a href="#">Share on facebook</a> | '
                    f'<a href="#">Share on twitter</a></div>\n<div class="article-body">\n{body}\n</div></article>\n')
        closing = "</main>" if self.key == "koerier" else "</div>"
        return (self.head(headline + suffix[self.key], meta) + "<body>\n" + self.top(ticker) + main + self.bottom(related)
                + closing + "\n</body></html>\n")

    def home(self, pages):
        teasers = "".join(
            f'<article class="teaser"><h2><a href="{escape(url)}">{escape(story["headline"])}</a></h2>'
            f'<p>{escape(story["paragraphs"][0].split(". ")[0])}.</p></article>\n' for url, story in pages)
        return (self.head(self.name) + "<body>\n" + self.top((pages[0][0], pages[0][1]["headline"])) + f"<main><h1>{escape(self.name)}</h1>\n{teasers}</main>\n"
                + self.bottom([(url, story["headline"]) for url, story in pages[:3]]) + "</body></html>\n")

    def feed(self, base, pages):
        items = "".join(
            f"<item><title>{escape(story['headline'])}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(story['published']))}</pubDate>"
            f"<description>{escape(story['paragraphs'][0][:200])}</description></item>\n" for url, story in pages)
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(self.name)}</title>'
                f"<link>{base}/</link><description>{escape(self.name)}</description><ttl>60</ttl>\n{items}</channel></rss>\n")

    @staticmethod
    def sitemap(pages):
        urls = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{story['published'][:10]}</lastmod></url>\n" for url, story in pages)
        return f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


OUTLETS = [Outlet("koerier", "De Koerier", "nl"), Outlet("eastwire", "East Wire", "en"),
           Outlet("northradio", "Northern Radio", "en"), Outlet("dispatch", "The Dispatch", "en")]


def build(directory, port):
    stories = load_stories()
    truth = []
    for outlet in OUTLETS:
        base = f"http://{outlet.host(port)}"
        own = sorted((s for s in stories.values() if s["outlet"] == outlet.key), key=lambda s: s["published"], reverse=True)
        pages = [(f"{base}/{s['published'][:4]}/{s['published'][5:7]}/{slug(s['headline'])}.html", s) for s in own]
        root = os.path.join(directory, outlet.host(port))
        for index, (url, story) in enumerate(pages):
            related = [(u, s["headline"]) for u, s in pages if u != url][:3]
            ticker = next((u, s["headline"]) for u, s in pages if u != url)
            path = os.path.join(root, url[len(base) + 1:])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(outlet.article(story, url, related, ticker))
            truth.append({"url": url, "outlet": outlet.name, "language": story["language"], "story": story["id"],
                          "copy_of": story.get("copy-of"), "headline": story["headline"], "published": story["published"],
                          "paragraphs": [p[3:] if p.startswith("## ") else p for p in story["paragraphs"]],
                          "chrome": outlet.chrome_phrases(story)})
        files = {"index.html": outlet.home(pages), "feed.xml": outlet.feed(base, pages), "sitemap.xml": Outlet.sitemap(pages),
                 "robots.txt": f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap.xml\n"}
        for name, content in files.items():
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(content)
    with open(os.path.join(directory, "truth.jsonl"), "w", encoding="utf-8") as f:
        for line in truth:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return truth


class SiteHandler(BaseHTTPRequestHandler):
    """Serves DIR/<host:port>/<path>; a path ending in / serves its index.html."""
    directory = "."

    def do_GET(self):
        host = (self.headers.get("Host") or "").lower()
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        root = os.path.realpath(os.path.join(self.directory, host))
        file = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if not host or "/" in host or not file.startswith(root + os.sep) or not os.path.isfile(file):
            return self.answer(404, b"not found\n", "text/plain")
        kind = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain"}.get(os.path.splitext(file)[1], "application/octet-stream")
        if file.endswith("feed.xml"):
            kind = "application/rss+xml"
        with open(file, "rb") as f:
            self.answer(200, f.read(), kind)

    def answer(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args()
    if args.command == "build":
        os.makedirs(args.directory, exist_ok=True)
        truth = build(args.directory, args.port)
        print(f"{len(truth)} article pages on {len(OUTLETS)} outlets in {args.directory}")
        return
    if not os.path.isfile(os.path.join(args.directory, "truth.jsonl")):
        os.makedirs(args.directory, exist_ok=True)
        build(args.directory, args.port)
    SiteHandler.directory = args.directory
    server = ThreadingHTTPServer(("127.0.0.1", args.port), SiteHandler)
    server.daemon_threads = True
    if args.max_seconds:
        threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
