"""A webhook endpoint for the tests: an HTTP server on 127.0.0.1 in a thread that records
every POST and answers what the test scripted (500 a few times, a redirect, a slow reply)."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    @property
    def event_id(self) -> str:
        return self.headers["Moderation-Event-Id"]


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: float = 300) -> bool:
    """The README's recipe, as a site would write it."""
    timestamp = headers.get("Moderation-Timestamp", "")
    signature = headers.get("Moderation-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing, or too old: maybe a replay
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, f"v1={expected}")


class Receiver:
    def __init__(self, fail_first: int = 0, status: int = 500, delay: float = 0.0,
                 headers: dict[str, str] | None = None) -> None:
        self.received: list[Received] = []
        self._fail_left = fail_first
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    failing = receiver._fail_left > 0
                    receiver._fail_left -= failing
                    answer = status if failing else 200
                    receiver.received.append(Received(dict(self.headers), body, answer))
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(answer)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (timeout test): nobody to answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/moderation"

    def accepted_ids(self) -> list[str]:
        with self._lock:
            return [x.event_id for x in self.received if x.status == 200]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
