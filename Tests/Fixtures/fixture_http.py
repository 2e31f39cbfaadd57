"""What the test fixtures' HTTP handlers share: one way to send an answer, and no request log."""
from http.server import BaseHTTPRequestHandler


class FixtureHandler(BaseHTTPRequestHandler):
    def reply(self, status, body, content_type=None, headers=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
