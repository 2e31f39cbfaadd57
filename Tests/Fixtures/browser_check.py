#!/usr/bin/env python3
"""Drives headless Chromium through the status page as a person would: opens /status (sent to
the login form), types the token, submits, waits for the page, reads the figures it shows from
the DOM and writes a screenshot. Speaks the DevTools protocol over a WebSocket with the standard
library only. Prints one JSON object: {"path", "stages": {stage: {state: n}}, "articles",
"duplicates", "stories", "cookie_visible_to_scripts", "title"}.

    browser_check.py --chromium PATH --url http://127.0.0.1:PORT --token TOKEN --screenshot OUT.png
"""
import argparse, base64, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class WebSocket:
    """A client WebSocket (RFC 6455) to one DevTools target: text frames, masked, no extensions."""

    def __init__(self, url):
        host, port, path = re.match(r"ws://([^:/]+):(\d+)(/.*)", url).groups()
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"DevTools refused the WebSocket: {head[:200]!r}")

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        length = len(data)
        header = bytes([0x81]) + (bytes([0x80 | length]) if length < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", length) if length < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", length))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise SystemExit("DevTools closed the WebSocket")
            data += chunk
        return data

    def receive(self):
        message = b""
        while True:
            first, second = self.exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self.exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self.exactly(8))[0]
            payload = self.exactly(length)
            message += payload
            if first & 0x80:
                return message.decode()


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="wireroom-chromium-")
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "--window-size=1280,2000", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.time() + 60
        while time.time() < deadline and port is None:
            line = self.process.stderr.readline()
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            port = found and found.group(1)
        if not port:
            raise SystemExit("Chromium did not start its DevTools endpoint")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, path, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.evaluate("location.pathname + ' ' + document.readyState") == f"{path} complete":
                return
            time.sleep(0.1)
        raise SystemExit(f"the browser never reached {path}: at {self.evaluate('location.href')}")

    def close(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


READ_FIGURES = """JSON.stringify({
  path: location.pathname,
  title: document.title,
  stages: Object.fromEntries([...document.querySelectorAll('#stages tr[data-stage]')].map(row =>
    [row.dataset.stage, Object.fromEntries([...row.querySelectorAll('td[data-state]')].map(cell => [cell.dataset.state, Number(cell.textContent)]))])),
  articles: Number(document.querySelector('[data-articles]')?.textContent ?? -1),
  duplicates: Number(document.querySelector('[data-duplicates]')?.textContent ?? -1),
  stories: Number(document.querySelector('[data-stories]')?.textContent ?? -1),
  events_across_languages: Number(document.querySelector('[data-events-across-languages]')?.textContent ?? -1),
  cookie_visible_to_scripts: document.cookie.includes('wireroom_status'),
})"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshot", required=True)
    args = parser.parse_args()
    browser = Browser(args.chromium)
    try:
        browser.call("Page.enable")
        browser.call("Page.navigate", url=args.url + "/status")
        browser.wait_for("/login")
        browser.evaluate(f"document.getElementById('token').value = {json.dumps(args.token)}; document.getElementById('login').click()")
        browser.wait_for("/status")
        figures = json.loads(browser.evaluate(READ_FIGURES))
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(args.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(json.dumps(figures))
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
