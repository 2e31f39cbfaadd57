#!/usr/bin/env python3
"""A stand-in for `coordinator serve` that fails every request in one way, and counts them.

    failing_coordinator.py --port N --status CODE [--retry-after S] [--max-seconds 120]

Every POST is answered CODE with {"error": "..."} (and Retry-After: S if given); GET /count
answers the number of POSTs so far.
"""
import argparse, json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += 1
        headers = [("Retry-After", self.server.retry_after)] if self.server.retry_after else []
        self.reply(self.server.status, json.dumps({"error": f"failing on purpose with {self.server.status}"}).encode(), headers)

    def do_GET(self):
        with lock:
            self.reply(200, str(count).encode(), [])

    def reply(self, status, body, headers):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
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
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--retry-after")
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.status, server.retry_after = options.status, options.retry_after
    threading.Timer(options.max_seconds, server.shutdown).start()
    server.serve_forever()
