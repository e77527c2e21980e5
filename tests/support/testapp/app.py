"""A tiny HTTP server for rollout tests.

GET /        -> 200 "<APP_VERSION>\n"
GET /healthz -> 200 "ok" when APP_HEALTHY is not "0", else 500
SIGTERM      -> keep serving for APP_DRAIN_SECONDS (callers still routed here finish),
                stop accepting, wait for in-flight requests, exit 0.
"""

import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("APP_VERSION", "v0")
HEALTHY = os.environ.get("APP_HEALTHY", "1") != "0"
PORT = int(os.environ.get("APP_PORT", "8080"))
DRAIN = float(os.environ.get("APP_DRAIN_SECONDS", "1.5"))
inflight = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        global inflight
        with lock:
            inflight += 1
        try:
            if self.path.startswith("/healthz"):
                code, body = (200, b"ok\n") if HEALTHY else (500, b"unhealthy\n")
            else:
                code, body = 200, (VERSION + "\n").encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-App-Version", VERSION)
            self.end_headers()
            self.wfile.write(body)
        finally:
            with lock:
                inflight -= 1

    def log_message(self, fmt: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 1024  # a burst of connections waits instead of being dropped


server = Server(("0.0.0.0", PORT), Handler)
server.daemon_threads = True


def on_term(signum: int, frame: object) -> None:
    def drain() -> None:
        time.sleep(DRAIN)
        server.shutdown()
    threading.Thread(target=drain, daemon=True).start()


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)
server.serve_forever(poll_interval=0.1)
server.server_close()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    with lock:
        if inflight == 0:
            break
    time.sleep(0.02)
sys.exit(0)
