"""Decision thresholds set by admins from the dashboard, overriding config and model.

Stored in Redis so every worker picks a change up within THRESHOLDS_CACHE_SECONDS, without a
restart; a field left unset falls back to MODERATION_PUBLISH_BELOW / _REJECT_ABOVE, then to
the thresholds chosen for the loaded model.
"""

from __future__ import annotations

import threading
import time

import redis
from flask import Flask

from . import keys

FIELDS = ("publish_below", "reject_above")


def read_overrides(r: redis.Redis) -> dict[str, float]:
    raw = r.hmget(keys.THRESHOLDS, *FIELDS)
    return {name: float(value) for name, value in zip(FIELDS, raw) if value is not None}


def set_overrides(r: redis.Redis, publish_below: float | None, reject_above: float | None) -> None:
    """Store both overrides at once (None clears one), so workers never read a half-made pair."""
    values = {"publish_below": publish_below, "reject_above": reject_above}
    with r.pipeline() as pipe:
        pipe.delete(keys.THRESHOLDS)
        kept = {k: repr(float(v)) for k, v in values.items() if v is not None}
        if kept:
            pipe.hset(keys.THRESHOLDS, mapping=kept)
        pipe.execute()


class ThresholdsCache:
    """Like the term lists: a worker re-reads the overrides at most every `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._expires = 0.0
        self._values: dict[str, float] = {}

    def get(self, r: redis.Redis) -> dict[str, float]:
        now = time.monotonic()
        if now >= self._expires:
            values = read_overrides(r)
            with self._lock:
                self._values, self._expires = values, now + self.ttl
        return self._values


def init_app(app: Flask) -> None:
    app.extensions["thresholds_cache"] = ThresholdsCache(app.config["TERMS_CACHE_SECONDS"])
