#!/usr/bin/env python3
"""A news site on 127.0.0.1 that is redesigned half-way: its first --switch-after story pages
are plain server-rendered articles (title, JSON-LD date and author, paragraphs); every story
page after that is the new design, an app shell whose text a script renders in the browser
(what a crawler sees after many real redesigns: a title and no body).

    redesign_site.py --port N [--max-seconds 120] [--switch-after K]

Stories are /story/1, /story/2, …; each tells something else (words drawn by its number).
"""
import argparse, json, random, threading
from http.server import ThreadingHTTPServer

from fixture_http import FixtureHandler

WORDS = ("council harbour bridge ferry minister election budget school hospital river storm police court museum festival "
         "railway airport farmers teachers nurses union strike market prices housing tenants mayor villagers coast").split()
VERBS = "approved rejected delayed announced reopened criticised funded closed inspected praised".split()


def paragraphs(number):
    rng = random.Random(number)
    out = []
    for _ in range(5):
        sentences = []
        for _ in range(4):
            a, b, c = rng.sample(WORDS, 3)
            sentences.append(f"The {a} {rng.choice(VERBS)} the plan for the {b} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}, "
                             f"and the {c} said {rng.randint(2, 90)} people would be affected by it.")
        out.append(" ".join(sentences))
    return out


def classic(number):
    meta = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": f"Story number {number}",
            "datePublished": f"2026-10-{1 + number % 28:02d}T08:00:00Z", "author": {"@type": "Person", "name": "Anna Berg"}}
    body = "".join(f"<p>{p}</p>" for p in paragraphs(number))
    return (f"<html><head><title>Story number {number} | Daily</title><script type=\"application/ld+json\">{json.dumps(meta)}</script>"
            f"</head><body><nav><a href=\"/\">Home</a></nav><article><h1>Story number {number}</h1>{body}</article>"
            f"<footer>© Daily</footer></body></html>")


def redesigned(number):
    data = json.dumps({"blocks": paragraphs(number)})
    return (f"<html><head><title>Story number {number}</title><meta property=\"og:title\" content=\"Story number {number}\"></head>"
            f"<body><div id=\"app\"></div><script>window.__DATA__ = {data}; render(window.__DATA__);</script></body></html>")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=int, default=120)
    parser.add_argument("--switch-after", type=int, default=10**9)
    args = parser.parse_args()
    served = [0]
    lock = threading.Lock()

    class Handler(FixtureHandler):
        def do_GET(self):
            if self.path == "/robots.txt":
                return self.reply(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if self.path.startswith("/story/") and self.path[7:].isdigit():
                with lock:
                    served[0] += 1
                    new = served[0] > args.switch_after
                number = int(self.path[7:])
                return self.reply(200, (redesigned(number) if new else classic(number)).encode(), "text/html; charset=utf-8")
            self.reply(404, b"no such page", "text/plain")

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
