#!/usr/bin/env python3
"""A test site on 127.0.0.1 for behaviour the other fixtures do not cover.

    site_server.py --port N [--max-seconds 120]

Routes:
  /story                      one page with ETag / Last-Modified; 304 when they are sent back
  /gzip                       the page gzip-encoded (406 without Accept-Encoding: gzip)
  /article/N                  an article page whose text is made from N (distinct for every N)
  /feed.xml                   an RSS feed of /article/1..3 with an ETag; 304 when it is sent back
  /bump-feed                  changes the feed: a new ETag and one more article
  /status/CODE?retry-after=S  answers CODE with Retry-After: S (S as given, a number or a date)
  /redirect?to=URL            302 to URL
  /big?bytes=N                an HTML page of N bytes
  /hits                       JSON: path → number of GETs so far, and the headers of the last GET of each path
"""
import argparse, gzip, json, threading, urllib.parse
from http.server import ThreadingHTTPServer

from fixture_http import FixtureHandler

PAGE = b"<html><head><title>Story</title></head><body><article><p>Unchanged story text.</p></article></body></html>"
ETAG = '"story-v1"'
feed_version = 1
LAST_MODIFIED = "Sat, 21 Nov 2026 10:00:00 GMT"
WORDS = ("harbour council bridge engineers ferry river budget school hospital election storm "
         "museum railway festival farmers library court stadium airport market").split()

hits = {}
last_headers = {}
lock = threading.Lock()


def article(number):
    """A page whose paragraphs are a sentence per digit of `number`, so no two are alike."""
    digits = [int(d) for d in str(number)]
    sentences = []
    for position in range(12):
        word = WORDS[(digits[position % len(digits)] + position * 3 + number) % len(WORDS)]
        other = WORDS[(position * 7 + number * 5) % len(WORDS)]
        sentences.append(f"Report {number} part {position}: the {word} committee met the {other} board "
                         f"on day {position + number % 17} and agreed on {number * (position + 1)} measures.")
    body = "".join(f"<p>{' '.join(sentences[i:i + 3])}</p>" for i in range(0, 12, 3))
    return (f"<html><head><title>Report {number}</title><meta name='author' content='Desk {number % 7}'></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>Report {number}</h1>{body}</article>"
            f"<footer>Copyright the test site</footer></body></html>").encode()


class Handler(FixtureHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        with lock:
            hits[url.path] = hits.get(url.path, 0) + 1
            last_headers[url.path] = dict(self.headers.items())
        if url.path == "/robots.txt":
            return self.reply(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if url.path == "/hits":
            with lock:
                body = json.dumps({"hits": hits, "headers": last_headers}).encode()
            return self.reply(200, body, "application/json")
        if url.path == "/story":
            if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return self.not_modified(ETAG)
            return self.reply(200, PAGE, "text/html; charset=utf-8", [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])
        if url.path == "/gzip":
            if "gzip" not in self.headers.get("Accept-Encoding", ""):
                return self.reply(406, b"send Accept-Encoding: gzip", "text/plain")
            return self.reply(200, gzip.compress(PAGE), "text/html; charset=utf-8", [("Content-Encoding", "gzip")])
        if url.path.startswith("/article/") and url.path[len("/article/"):].isdigit():
            return self.reply(200, article(int(url.path[len("/article/"):])), "text/html; charset=utf-8")
        if url.path == "/bump-feed":
            global feed_version
            with lock:
                feed_version += 1
            return self.reply(200, b"bumped", "text/plain")
        if url.path == "/feed.xml":
            etag = f'"feed-v{feed_version}"'
            if self.headers.get("If-None-Match") == etag:
                return self.not_modified(etag)
            base = f"http://127.0.0.1:{self.server.server_port}"
            numbers = range(1, 3 + feed_version)
            items = "".join(f"<item><title>Report {n}</title><link>{base}/article/{n}</link></item>" for n in numbers)
            feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Test</title>{items}</channel></rss>"
            return self.reply(200, feed.encode(), "application/rss+xml", [("ETag", etag)])
        if url.path.startswith("/status/"):
            headers = [("Retry-After", query["retry-after"][0])] if "retry-after" in query else []
            return self.reply(int(url.path[len("/status/"):]), b"status as asked", "text/plain", headers)
        if url.path == "/redirect":
            return self.reply(302, b"", "text/plain", [("Location", query["to"][0])])
        if url.path == "/big":
            size = int(query["bytes"][0])
            filler = b"<p>" + b"x" * 96 + b"</p>"
            body = b"<html><body>" + filler * (size // len(filler) + 1)
            return self.reply(200, body[:size], "text/html; charset=utf-8")
        self.reply(404, b"not here", "text/plain")

    def not_modified(self, etag):
        self.send_response(304)
        self.send_header("ETag", etag)
        self.end_headers()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    threading.Timer(options.max_seconds, server.shutdown).start()
    server.serve_forever()
