#!/usr/bin/env python3
"""A well-behaved test server on 127.0.0.1 for what hostile.py does not cover:
conditional GET (ETag / Last-Modified → 304) and gzip content encoding.

    conditional_server.py --port N [--max-seconds 120]
"""
import argparse, gzip, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"<html><head><title>Story</title></head><body><article><p>Unchanged story text.</p></article></body></html>"
ETAG = '"story-v1"'
LAST_MODIFIED = "Sat, 21 Nov 2026 10:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/robots.txt":
            return self.reply(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if self.path == "/story":
            if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            return self.reply(200, PAGE, "text/html; charset=utf-8", [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])
        if self.path == "/gzip":
            if "gzip" not in self.headers.get("Accept-Encoding", ""):
                return self.reply(406, b"send Accept-Encoding: gzip", "text/plain")
            return self.reply(200, gzip.compress(PAGE), "text/html; charset=utf-8", [("Content-Encoding", "gzip")])
        self.reply(404, b"not here", "text/plain")

    def reply(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    threading.Timer(options.max_seconds, server.shutdown).start()
    server.serve_forever()
