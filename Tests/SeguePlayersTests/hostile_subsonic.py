"""A careless or hostile "Subsonic server" for SeguePlayersTests: answers every request the way MODE says.

Usage: python3 hostile_subsonic.py MODE PORT LOGFILE
Each request's method, target and body are appended to LOGFILE as one JSON line (so a test can check
where credentials travelled).
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def envelope(body):
    return json.dumps({"subsonic-response": body}).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_one(self):
        if self.path == "/ready":
            # The test's readiness probe: answered the same way in every mode, and not logged.
            return self.answer(200, b"ready", "text/plain")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "target": self.path, "body": body}) + "\n")
        authenticated = "u=" in body
        if MODE == "garbage":
            return self.answer(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        if MODE == "truncated":
            return self.answer(200, b'{"subsonic-response": {"status": "ok", "vers')
        if MODE == "wrongshape":
            return self.answer(200, b'{"status": "ok", "version": "1.16.1"}')
        if MODE == "http500":
            return self.answer(500, b"Internal Server Error", "text/plain")
        if MODE == "huge":
            # 40 MiB of a JSON string: larger than any answer Segue reads.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(40 << 20))
            self.end_headers()
            chunk = b"a" * (1 << 20)
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if MODE == "silent":
            time.sleep(30)
            return
        if MODE == "badcredentials":
            if not authenticated:
                return self.answer(200, envelope({"status": "failed", "version": "1.16.1", "error": {"code": 10, "message": "Required parameter is missing."}}))
            return self.answer(200, envelope({"status": "failed", "version": "1.16.1", "error": {"code": 40, "message": "Wrong username or password"}}))
        if MODE == "wrongtypes":
            if "search3" in self.path:
                return self.answer(200, envelope({"status": "ok", "version": "1.16.1", "searchResult3": {"song": "everything"}}))
            return self.answer(200, envelope({"status": "ok", "version": "1.16.1"}))
        if MODE == "searchgarbage":
            # Signs in, then answers search3 with a page of HTML: a push must change nothing.
            if "search3" in self.path:
                return self.answer(200, b"<html>502 Bad Gateway</html>", "text/html")
            return self.answer(200, envelope({"status": "ok", "version": "1.16.1"}))
        if MODE == "notokens":
            # API 1.16.1, but this account cannot use tokens (an LDAP user): error 41 for t/s, fine with p.
            if "t=" in body:
                return self.answer(200, envelope({"status": "failed", "version": "1.16.1", "error": {"code": 41, "message": "Token authentication not supported for LDAP users."}}))
            return self.answer(200, envelope({"status": "ok", "version": "1.16.1"}))
        if MODE in ("modern", "old"):
            version = "1.16.1" if MODE == "modern" else "1.12.0"
            return self.answer(200, envelope({"status": "ok", "version": version, "openSubsonic": MODE == "modern"}))
        return self.answer(404, b"unknown mode", "text/plain")

    do_GET = handle_one
    do_POST = handle_one


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
