#!/usr/bin/env python3
"""A fake HTTP proxy on 127.0.0.1 that fetches nothing: it writes the request line and the
Authorization header (if any) of every request it gets to a log, and answers them itself.

    fake_proxy.py --port N --log FILE [--max-seconds 120]

A proxied GET of any URL whose path starts with /redirect?to=URL answers 302 to URL; any other
GET answers 200 "via proxy"; CONNECT answers 403.
"""
import argparse, threading, urllib.parse
from http.server import ThreadingHTTPServer

from fixture_http import FixtureHandler


class Handler(FixtureHandler):
    def record(self):
        with open(self.server.log, "a") as log:
            log.write(f"{self.command} {self.path} authorization={self.headers.get('Authorization', '-')}\n")

    def do_GET(self):
        self.record()
        target = urllib.parse.urlsplit(self.path)
        if target.path == "/redirect":
            location = urllib.parse.parse_qs(target.query)["to"][0]
            return self.reply(302, b"", headers=[("Location", location)])
        self.reply(200, b"<html><body><p>via proxy</p></body></html>", "text/html")

    do_POST = do_GET

    def do_CONNECT(self):
        self.record()
        self.reply(403, b"no tunnels here", "text/plain")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    open(options.log, "w").close()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.log = options.log
    threading.Timer(options.max_seconds, server.shutdown).start()
    server.serve_forever()
