#!/usr/bin/env python3
"""An HTTP server on 127.0.0.1 that misbehaves the ways servers on the open web do, one route per
misbehaviour, for the fetcher's and the parser's tests.

    hostile_server.py --port N [--max-seconds 120] [--robots allow|disallow|404|500|huge|hang]

Routes (a query string is ignored unless a route says otherwise):
  /ok                 a normal UTF-8 news page (the word "Normal" in its title)
  /404 /503 /429      errors; 503 with Retry-After as an HTTP date an hour ahead, 429 with Retry-After: 120
  /binary             a PNG image          /pdf-as-html   a PDF labelled text/html
  /huge               64 MiB announced by Content-Length and sent
  /huge-chunked       64 MiB in chunks, no length          /gzip-bomb  64 MiB of zeros gzip-encoded (64 KiB sent)
  /bad-gzip           Content-Encoding: gzip over bytes that are not gzip
  /redirect-loop      302 to itself        /redirect-chain?n=N  302 to n=N-1 down to a page at n=0
  /redirect-file      302 to file:///etc/passwd             /redirect-ftp  302 to an ftp:// URL
  /hang               reads the request and never answers   /hang-headers  a status line and one header, then nothing
  /trickle            a page sent one byte a second
  /reset              the connection reset (RST) once the request is read
  /no-body            Content-Length: 5000 and the connection closed before any body
  /bad-status         a status line that is not HTTP
  /charset-lie        windows-1251 bytes declared as charset=utf-8 in the header
  /charset-meta       windows-1251 declared only in a <meta charset>
  /charset-none       windows-1251 declared nowhere
  /nul-bytes          a page with NUL bytes inside its text
  /xxe.xml            an RSS feed whose DOCTYPE declares an external entity (file:///etc/passwd) and a
                      remote DTD; its one item links to http://127.0.0.1:8090/ok
  /xml-bomb.xml       an RSS feed with nested entities that expand to gigabytes (billion laughs)
  /robots.txt         as --robots says: allow all, disallow all, 404, 500, 1 MiB of rules, or no answer
"""
import argparse, gzip, socket, struct, threading, time, zlib
from email.utils import formatdate
from http.server import ThreadingHTTPServer

from fixture_http import FixtureHandler

HUGE = 64 << 20
PROTEST = ("Тысячи людей вышли на улицы Минска в воскресенье, несмотря на задержания накануне. "
           "Колонны прошли по проспекту Независимости к стеле, люди несли бело-красно-белые флаги и цветы. "
           "Милиция перекрыла несколько станций метро, в центре города не работал мобильный интернет.")
SECOND = ("Правозащитники сообщили о десятках задержанных в разных районах столицы. "
          "Родственники задержанных собрались у изолятора на улице Окрестина и ждали новостей до поздней ночи.")


def page(title, paragraphs, head=""):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<header><a href='/'>Home</a> <a href='/news'>News</a></header>"
            f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>")


OK_PAGE = page("Normal page", [
    "The harbour council approved the new ferry timetable on Tuesday after a debate that lasted most of the afternoon.",
    "Boats will leave every twenty minutes at rush hour, and the last crossing of the evening moves to half past eleven.",
    "The operator said the change needs two more crews, who are being trained this month and start in the spring.",
    "Season tickets keep their price until the end of the year; single fares rise by ten cents in January.",
]).encode()
CYRILLIC = page("Протест в Минске", [PROTEST, SECOND])
CHARSET_LIE = CYRILLIC.encode("windows-1251")
CHARSET_META = page("Протест в Минске", [PROTEST, SECOND], head='<meta charset="windows-1251">').encode("windows-1251")
NUL_PAGE = page("Page with NUL bytes", [
    "The museum reopens on Saturday\0 after two years of work on its roof and its heating.",
    "Visitors get in free during the first weekend\0\0, the director said.",
]).encode()
XXE_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<rss version="2.0"><channel><title>Feed &secret;</title>
<item><title>&secret;</title><link>http://127.0.0.1:8090/ok</link><description>&secret;</description></item>
</channel></rss>
"""


def laughs():
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(levels) + "\n]>\n"
            '<rss version="2.0"><channel><title>&lol9;</title><item><link>http://127.0.0.1:9/&lol9;</link></item></channel></rss>').encode()


def png():
    """A valid 1×1 PNG, written out chunk by chunk."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


GZIP_BOMB = gzip.compress(b"\0" * HUGE, compresslevel=9)
XML_BOMB = laughs()
PNG = png()
ROBOTS = {"allow": b"User-agent: *\nAllow: /\n", "disallow": b"User-agent: *\nDisallow: /\n",
          "huge": b"User-agent: *\n" + b"".join(b"Disallow: /private/%d\n" % i for i in range(50_000))}


class Hostile(FixtureHandler):
    protocol_version = "HTTP/1.1"
    robots = "allow"
    max_seconds = 120

    def hang(self):
        time.sleep(self.max_seconds)
        self.close_connection = True

    def stream(self, total, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(total))
        self.end_headers()
        block = b"<p>" + b"x" * 65_000 + b"</p>\n"
        try:
            for _ in range(total // len(block)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up once it had enough: what the test wants
        self.close_connection = True

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/robots.txt":
            return self.robots_txt()
        if path == "/ok":
            return self.reply(200, OK_PAGE, "text/html; charset=utf-8")
        if path == "/404":
            return self.reply(404, b"<html><body>Not found</body></html>", "text/html")
        if path == "/503":
            return self.reply(503, b"down for maintenance", "text/plain", [("Retry-After", formatdate(time.time() + 3600, usegmt=True))])
        if path == "/429":
            return self.reply(429, b"slow down", "text/plain", [("Retry-After", "120")])
        if path == "/binary":
            return self.reply(200, PNG, "image/png")
        if path == "/pdf-as-html":
            return self.reply(200, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "text/html")
        if path in ("/huge", "/huge-chunked"):
            return self.stream(HUGE, chunked=path == "/huge-chunked")
        if path == "/gzip-bomb":
            return self.reply(200, GZIP_BOMB, "text/html", [("Content-Encoding", "gzip")])
        if path == "/bad-gzip":
            return self.reply(200, b"this is not gzip at all, whatever the header says", "text/html", [("Content-Encoding", "gzip")])
        if path == "/redirect-loop":
            return self.reply(302, b"", headers=[("Location", "/redirect-loop")])
        if path == "/redirect-chain":
            hops = int(query.partition("n=")[2] or 0)
            if hops <= 0:
                return self.reply(200, OK_PAGE, "text/html; charset=utf-8")
            return self.reply(302, b"", headers=[("Location", f"/redirect-chain?n={hops - 1}")])
        if path == "/redirect-file":
            return self.reply(302, b"", headers=[("Location", "file:///etc/passwd")])
        if path == "/redirect-ftp":
            return self.reply(302, b"", headers=[("Location", "ftp://127.0.0.1/pub/file.html")])
        if path == "/hang":
            return self.hang()
        if path == "/hang-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            self.wfile.flush()
            return self.hang()
        if path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(OK_PAGE)))
            self.end_headers()
            try:
                for byte in OK_PAGE:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
            return
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/no-body":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/bad-status":
            self.wfile.write(b"HELLO THERE, NOT HTTP\r\n\r\n<html></html>")
            self.close_connection = True
            return
        if path == "/charset-lie":
            return self.reply(200, CHARSET_LIE, "text/html; charset=utf-8")
        if path == "/charset-meta":
            return self.reply(200, CHARSET_META, "text/html")
        if path == "/charset-none":
            return self.reply(200, CHARSET_LIE, "text/html")
        if path == "/nul-bytes":
            return self.reply(200, NUL_PAGE, "text/html; charset=utf-8")
        if path == "/xxe.xml":
            return self.reply(200, XXE_FEED, "application/rss+xml")
        if path == "/xml-bomb.xml":
            return self.reply(200, XML_BOMB, "application/rss+xml")
        return self.reply(404, b"no such route", "text/plain")

    def robots_txt(self):
        if self.robots == "hang":
            return self.hang()
        if self.robots in ("404", "500"):
            return self.reply(int(self.robots), b"no robots here", "text/plain")
        return self.reply(200, ROBOTS[self.robots], "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # hundreds of connections at once: the default backlog of 5 would refuse them


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=int, default=120)
    parser.add_argument("--robots", choices=["allow", "disallow", "404", "500", "huge", "hang"], default="allow")
    args = parser.parse_args()
    Hostile.robots, Hostile.max_seconds = args.robots, args.max_seconds
    server = Server(("127.0.0.1", args.port), Hostile)
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
