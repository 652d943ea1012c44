"""Pushing each client's events to its webhook: in order, at least once, signed.

The client's event stream is the outbox. A per-client cursor (the id of the last event its
endpoint acknowledged with a 2xx) moves only after that 2xx, so an event is posted until
it is accepted, and a failure stops the run: the next event never overtakes it. A lock
makes one deliverer per client at a time. A crash between the 2xx and the cursor write
sends that event again: the site de-duplicates on the event id.

`due_clients` is what the scheduler's periodic task asks every few seconds; `deliver` is
one delivery run for one client. Failures wait `backoff(n)` before the next attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

import redis
import requests

from .. import keys
from ..events import store as events
from . import store

SIGNATURE_SCHEME = "v1"
USER_AGENT = "moderation-webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Moderation-Signature` header: HMAC-SHA256 of `"{timestamp}.{body}"`."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_SCHEME}={mac.hexdigest()}"


def backoff(failures: int, base: float, cap: float) -> float:
    """Seconds to wait after `failures` consecutive failures: base, 2·base, 4·base… ≤ cap."""
    return min(cap, base * 2 ** min(max(failures - 1, 0), 32))


@dataclass(frozen=True)
class Settings:
    timeout: float
    batch: int
    retry_base: float
    retry_max: float
    allow_http: bool

    @classmethod
    def from_config(cls, config: Mapping) -> "Settings":
        return cls(timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
                   batch=int(config["WEBHOOK_BATCH"]),
                   retry_base=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
                   retry_max=float(config["WEBHOOK_RETRY_MAX_SECONDS"]),
                   allow_http=bool(config["WEBHOOK_ALLOW_HTTP"]))

    @property
    def lock_ms(self) -> int:
        # Renewed after every event, so it only has to outlast one POST and its bookkeeping.
        return int((2 * self.timeout + 10) * 1000)


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0  # events acknowledged in this run
    error: str | None = None  # why the run stopped early, when an attempt failed
    skipped: str | None = None  # why nothing was attempted: busy, waiting, no webhook…


def build_request(secret: str, event_id: str, fields: Mapping[str, str],
                  timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery."""
    event = events.to_json(event_id, dict(fields))
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Moderation-Event-Id": event_id,
        "Moderation-Event-Type": str(event.get("type") or ""),
        "Moderation-Timestamp": str(timestamp),
        "Moderation-Signature": sign(secret, timestamp, body),
    }
    return body, headers


def post(http: requests.Session, url: str, body: bytes, headers: dict[str, str],
         timeout: float) -> str | None:
    """POST one event; None on a 2xx, else what went wrong, in a few words."""
    try:
        # No redirects: a 3xx is the endpoint's mistake to fix, and following one would send
        # signed events to a host nobody registered. stream=True: the body is never read.
        with http.post(url, data=body, headers=headers, timeout=timeout,
                       allow_redirects=False, stream=True) as resp:
            return None if 200 <= resp.status_code < 300 else f"HTTP {resp.status_code}"
    except requests.Timeout:
        return "timeout"
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"[:300]


def deliver(r: redis.Redis, client: str, settings: Settings) -> Outcome:
    """Post `client`'s events after its cursor, in order, until one fails or `batch` are
    done. Harmless to run at any time, any number of times, from any process."""
    lock = keys.webhook_lock(client)
    token = secrets.token_hex(16)
    if not r.set(lock, token, nx=True, px=settings.lock_ms):
        return Outcome(skipped="another delivery is running")
    try:
        hook = r.hgetall(keys.webhook(client))
        if not hook.get("url"):
            return Outcome(skipped="no webhook")
        if float(hook.get("next_attempt_at") or 0) > time.time():
            return Outcome(skipped="waiting to retry")
        rows = r.xrange(keys.events(client), min=f"({hook['cursor']}", max="+", count=settings.batch)
        if not rows:
            return Outcome(skipped="nothing to deliver")

        def record(**fields: object) -> bool:
            flat = [str(x) for kv in fields.items() for x in kv]
            return bool(keys.run_script(r, keys.WEBHOOK_RECORD, [lock, keys.webhook(client)],
                                        [token, settings.lock_ms, hook["generation"], *flat]))

        try:
            # Re-checked here too: the flag may have been turned off since registration.
            store.check_url(hook["url"], allow_http=settings.allow_http)
        except store.InvalidWebhookUrl as exc:
            rows, refused = [], exc.detail
        else:
            refused = None
        delivered = 0
        with requests.Session() as session:  # one connection for the whole batch
            for event_id, fields in rows:
                body, headers = build_request(hook["secret"], event_id, fields, int(time.time()))
                error = post(session, hook["url"], body, headers, settings.timeout)
                if error is not None:
                    refused = error
                    break
                delivered += 1
                if not record(cursor=event_id, last_success_at=repr(time.time()),
                              consecutive_failures=0, next_attempt_at=0):
                    return Outcome(delivered, skipped="lock lost or webhook changed")
        if refused is None:
            return Outcome(delivered)
        failures = int(hook.get("consecutive_failures") or 0) + 1 if delivered == 0 else 1
        now = time.time()
        record(last_error=refused, last_error_at=repr(now), consecutive_failures=failures,
               next_attempt_at=repr(now + backoff(failures, settings.retry_base, settings.retry_max)))
        return Outcome(delivered, error=refused)
    finally:
        keys.run_script(r, keys.RELEASE_LOCK, [lock], [token])


def due_clients(r: redis.Redis, now: float | None = None) -> list[str]:
    """Clients with events their endpoint has not acknowledged, no delivery running, and no
    retry wait left: the ones a delivery run would do something for."""
    now = time.time() if now is None else now
    clients = sorted(r.smembers(keys.WEBHOOKS))
    if not clients:
        return []
    with r.pipeline(transaction=False) as pipe:
        for client in clients:
            pipe.hmget(keys.webhook(client), "cursor", "next_attempt_at")
            pipe.exists(keys.webhook_lock(client))
            pipe.xrevrange(keys.events(client), "+", "-", count=1)
        replies = pipe.execute()
    due = []
    for i, client in enumerate(clients):
        (cursor, next_attempt), locked, last = replies[3 * i: 3 * i + 3]
        if cursor is None or locked or not last or float(next_attempt or 0) > now:
            continue
        if last[0][0] != cursor:  # the cursor only ever names an event of this stream
            due.append(client)
    return due
