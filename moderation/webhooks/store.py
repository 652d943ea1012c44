"""Webhook registrations in Redis: one per API client (see `keys.WEBHOOK`)."""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import redis

from .. import keys
from ..errors import ModerationError, NotFound

MAX_URL_LENGTH = 2048
# Plain http is only ever accepted for a receiver on this machine, and only when allowed.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class InvalidWebhookUrl(ModerationError):
    status = 422


def check_url(url: str, *, allow_http: bool) -> str:
    """The URL, if events may be posted to it; raises InvalidWebhookUrl saying why not."""
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidWebhookUrl(f"The URL must be 1 to {MAX_URL_LENGTH} characters, without spaces.")
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError as exc:
        raise InvalidWebhookUrl(f"Not a valid URL: {exc}.") from exc
    if not parts.hostname:
        raise InvalidWebhookUrl("The URL must be absolute: https://host/path.")
    if parts.username is not None or parts.password is not None:
        # Deliveries are authenticated by their signature; credentials in a URL leak into logs.
        raise InvalidWebhookUrl("The URL must not contain credentials; verify the signature instead.")
    if parts.fragment:
        raise InvalidWebhookUrl("The URL must not have a #fragment.")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and allow_http and parts.hostname in LOCAL_HOSTS:
        return url
    if parts.scheme == "http" and allow_http:
        raise InvalidWebhookUrl("Plain http is accepted only for 127.0.0.1 or localhost.")
    raise InvalidWebhookUrl("The URL must use https.")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def client_exists(r: redis.Redis, client: str) -> bool:
    raw = r.hget(keys.CLIENTS, client)
    return bool(raw) and not json.loads(raw).get("revoked_at")


def set_webhook(r: redis.Redis, client: str, url: str, *, allow_http: bool,
                now: float | None = None) -> tuple[dict, str]:
    """Register (or replace) `client`'s webhook with a new secret. Returns (view, secret):
    the secret is readable from the store only by the deliverer, never shown again."""
    check_url(url, allow_http=allow_http)
    now = time.time() if now is None else now
    secret = new_secret()
    keys.run_script(r, keys.WEBHOOK_SET, [keys.webhook(client), keys.events(client), keys.WEBHOOKS],
                    [client, url, secret, repr(now)])
    return get_webhook(r, client), secret


def _ts(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), tz=timezone.utc) if value and float(value) else None


def to_view(client: str, raw: dict[str, str]) -> dict:
    """A stored webhook as the API shows it: everything but the secret."""
    return {
        "client": client, "url": raw["url"],
        "created_at": _ts(raw.get("created_at")), "updated_at": _ts(raw.get("updated_at")),
        "delivery": {
            "cursor": raw.get("cursor", "0-0"),
            "last_success_at": _ts(raw.get("last_success_at")),
            "last_error": raw.get("last_error") or None,
            "last_error_at": _ts(raw.get("last_error_at")),
            "consecutive_failures": int(raw.get("consecutive_failures") or 0),
            "next_attempt_at": _ts(raw.get("next_attempt_at")),
        },
    }


def get_webhook(r: redis.Redis, client: str) -> dict:
    raw = r.hgetall(keys.webhook(client))
    if not raw.get("url"):
        raise NotFound(f"Client {client!r} has no webhook.")
    return to_view(client, raw)


def remove_webhook(r: redis.Redis, client: str) -> None:
    """Stop pushing `client`'s events; a delivery under way stops at its next event."""
    with r.pipeline() as pipe:
        pipe.delete(keys.webhook(client))
        pipe.srem(keys.WEBHOOKS, client)
        deleted, _ = pipe.execute()
    if not deleted:
        raise NotFound(f"Client {client!r} has no webhook.")
