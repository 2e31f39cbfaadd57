#!/usr/bin/env python3
"""A stand-in for `coordinator serve` that fails every request in one way, and counts them.

    failing_coordinator.py --port N --status CODE [--retry-after S] [--max-seconds 120]

Every POST is answered CODE with {"error": "..."} (and Retry-After: S if given); GET /count
answers the number of POSTs so far.
"""
import argparse, json, threading
from http.server import ThreadingHTTPServer

from fixture_http import FixtureHandler

count = 0
lock = threading.Lock()


class Handler(FixtureHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += 1
        headers = [("Retry-After", self.server.retry_after)] if self.server.retry_after else []
        self.reply(self.server.status, json.dumps({"error": f"failing on purpose with {self.server.status}"}).encode(), "application/json", headers)

    def do_GET(self):
        with lock:
            self.reply(200, str(count).encode(), "text/plain")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--retry-after")
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.status, server.retry_after = options.status, options.retry_after
    threading.Timer(options.max_seconds, server.shutdown).start()
    server.serve_forever()
