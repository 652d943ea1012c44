"""Redis side of the Perspective endpoints: per-key quotas and suggested scores (labels).

Each call is one script, so each request makes one round trip (the key's lookup is cached
per process by `auth.TokenCache`).
"""

from __future__ import annotations

import hashlib
import json
import time

import redis

from .. import keys

# The context Coral sends with a suggestion (the comment's URL and ids) is kept, up to this.
CONTEXT_MAX_CHARS = 4096


def take(r: redis.Redis, client: str, qps: float, now: float | None = None) -> float:
    """Take one request from the client's quota: 0.0 when allowed, else the seconds to wait."""
    allowed, wait = keys.run_script(r, keys.PERSPECTIVE_TAKE, [keys.perspective_quota(client)],
                                    [repr(float(qps)), repr(time.time() if now is None else now)])
    return 0.0 if allowed == 1 else float(wait)


def label_digest(client: str, text_sha256: str, attribute: str, value: float) -> str:
    """What makes two score suggestions the same: one client, one text, one attribute, one value."""
    return hashlib.sha256(f"{client}\0{text_sha256}\0{attribute}\0{value!r}".encode()).hexdigest()


def decision_digest(client: str, text_sha256: str) -> str:
    """Where a client's latest decision on a text is kept: one client, one text."""
    return hashlib.sha256(f"{client}\0{text_sha256}\0decision".encode()).hexdigest()


def suggest(r: redis.Redis, client: str, qps: float, *, text: str, scores: list[tuple[str, float]],
            labels: dict[str, str], languages: list[str], community_id: str | None,
            client_token: str | None, context: list[str], model_version: str,
            now: float | None = None) -> tuple[float, int]:
    """Take one request from the quota and record each (attribute, value) suggestion not
    recorded before. Returns (seconds to wait, 0.0 when allowed; labels recorded)."""
    now = time.time() if now is None else now
    text_sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    shared = {"client": client, "text": text, "text_sha256": text_sha,
              "community_id": community_id or "", "client_token": client_token or "",
              "languages": ",".join(languages),
              "context": json.dumps(context, ensure_ascii=False)[:CONTEXT_MAX_CHARS] if context else "",
              "model_version": model_version, "at": repr(now)}
    args: list = [repr(float(qps)), repr(now), len(shared), *(x for kv in shared.items() for x in kv)]
    for attribute, value in scores:
        # Coral reports a moderator's decision as the attribute APPROVED or DELETED.
        status = attribute if attribute in ("APPROVED", "DELETED") else ""
        digest = decision_digest(client, text_sha) if status else label_digest(client, text_sha, attribute, value)
        args += [digest, attribute, repr(value), labels.get(attribute, ""), status]
    allowed, result = keys.run_script(
        r, keys.PERSPECTIVE_SUGGEST, [keys.perspective_quota(client), keys.LABELS, keys.LABELS_SEEN], args)
    return (0.0, int(result)) if allowed == 1 else (float(result), 0)
