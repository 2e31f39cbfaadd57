#!/usr/bin/env python3
"""The shared sample news site (../shared/bench/make_site.py: articles with real-world chrome,
syndicated copies, an RSS feed and a sitemap) built for this port and served on 127.0.0.1.

    news_site.py --port N [--max-seconds 120] [--pages 40]
"""
import argparse, functools, os, subprocess, sys, tempfile, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=int, default=120)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    make_site = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "bench", "make_site.py")
    with tempfile.TemporaryDirectory() as site:
        subprocess.run([sys.executable, make_site, site, "--pages", str(args.pages), "--hosts", "1",
                        "--base", f"http://127.0.0.1:{args.port}"], check=True, stdout=subprocess.DEVNULL)
        server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(QuietHandler, directory=site))
        threading.Timer(args.max_seconds, server.shutdown).start()
        server.serve_forever()


if __name__ == "__main__":
    main()
