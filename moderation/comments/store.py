"""Comments in Redis: create, read, list per article, and move between statuses.

Every write that touches several keys is one Lua script (see `moderation.keys`), so a
comment, its indexes and its audit trail never disagree, and each write is one round trip.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import redis

from .. import keys
from ..errors import Forbidden, NotFound

def new_id() -> str:
    # Time-ordered prefix keeps ids of one period together in dumps and logs.
    return f"c_{int(time.time() * 1000):x}{secrets.token_hex(6)}"


@dataclass(frozen=True)
class Created:
    id: str
    created: bool
    status: str


def create_comment(r: redis.Redis, *, comment_id: str, client: str, article_id: str, author_id: str, text: str,
                   parent_id: str | None = None, external_id: str | None = None,
                   broker_list: str = "", broker_message: str = "",
                   now: float | None = None) -> Created:
    """Store a new comment as `pending`, or return the one `external_id` already names.

    `broker_list`/`broker_message`, when given, push the scoring task in the same atomic step.
    """
    now = time.time() if now is None else now
    fields = ["client", client, "article_id", article_id, "author_id", author_id, "text", text]
    if parent_id:
        fields += ["parent_id", parent_id]
    if external_id:
        fields += ["external_id", external_id]
    ext_key = keys.external_id(client, external_id) if external_id else ""
    cid, created, status = keys.run_script(
        r, keys.CREATE_COMMENT,
        [keys.comment(comment_id), ext_key, keys.COMMENT_SEQ, keys.PENDING,
         keys.article_status(article_id, "pending"), keys.comment_history(comment_id),
         keys.AUDIT, broker_list, keys.author(author_id), keys.author_comments(author_id)],
        [comment_id, repr(now), keys.EXTERNAL_ID_TTL_SECONDS, broker_message, *fields],
    )
    if created == -1:
        raise Forbidden(f"Author {author_id!r} is banned: their comments are refused.")
    if created == -2:
        until = datetime.fromtimestamp(float(status), tz=timezone.utc).isoformat(timespec="seconds")
        raise Forbidden(f"Author {author_id!r} is suspended until {until}: their comments are refused until then.")
    return Created(cid, bool(created), status)


def transition(r: redis.Redis, comment_id: str, *, to: str, actor: str, reason: str,
               expected: str = "", version: int | None = None,
               fields: dict[str, str] | None = None, queue: str = "", priority: float = 0.0,
               now: float | None = None,
               pipeline: redis.client.Pipeline | None = None) -> Transition | None:
    """Move a comment to `to`, with its audit entry and event, if it is in status `expected`
    ("" = any) and at `version` (None = any). With `pipeline` the call is queued there and
    None returned; the pipeline's result for it is the script's raw reply (see keys.TRANSITION)."""
    now = time.time() if now is None else now
    flat = [x for kv in (fields or {}).items() for x in kv]
    reply = keys.run_script(
        pipeline if pipeline is not None else r, keys.TRANSITION,
        [keys.comment(comment_id), keys.PENDING, keys.comment_history(comment_id), keys.AUDIT],
        [comment_id, expected, to, actor, reason, repr(now), queue, repr(priority),
         "" if version is None else str(version), *flat],
    )
    return None if pipeline is not None else Transition.from_reply(reply)


@dataclass(frozen=True)
class Transition:
    applied: bool
    stale: bool  # refused: the comment has changed since `version`
    status: str
    version: int

    @classmethod
    def from_reply(cls, reply: list) -> "Transition":
        code, status, version = reply
        return cls(code == 1, code == -1, status, int(version or 0))


def _ts(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), tz=timezone.utc) if value else None


def to_view(raw: dict[str, str]) -> dict:
    """A stored hash as the API's comment representation."""
    decision = json.loads(raw["decision"]) if raw.get("decision") else None
    if decision and decision.get("decided_at"):
        decision["decided_at"] = _ts(decision["decided_at"])
    return {
        "id": raw["id"], "article_id": raw["article_id"], "author_id": raw["author_id"],
        "parent_id": raw.get("parent_id") or None, "external_id": raw.get("external_id") or None,
        "text": raw["text"], "status": raw["status"], "version": int(raw.get("version", 1)),
        "created_at": _ts(raw["created_at"]), "updated_at": _ts(raw.get("updated_at")),
        "scores": json.loads(raw["scores"]) if raw.get("scores") else None,
        "spans": json.loads(raw["spans"]) if raw.get("spans") else [],
        "decision": decision,
    }


def get_comment(r: redis.Redis, comment_id: str) -> dict:
    raw = r.hgetall(keys.comment(comment_id))
    if not raw:
        raise NotFound(f"No comment with id {comment_id!r}.")
    return to_view(raw)


def list_article_comments(r: redis.Redis, article_id: str, status: str, limit: int,
                          cursor: str | None) -> tuple[list[dict], str | None]:
    """Newest first. The cursor is the sequence number of the last comment returned."""
    top = f"({cursor}" if cursor else "+inf"
    rows = r.zrange(keys.article_status(article_id, status), top, "-inf", desc=True,
                    byscore=True, withscores=True, offset=0, num=limit + 1)
    page, more = rows[:limit], len(rows) > limit
    with r.pipeline(transaction=False) as pipe:
        for cid, _ in page:
            pipe.hgetall(keys.comment(cid))
        hashes = pipe.execute()
    items = [to_view(h) for h in hashes if h]
    next_cursor = str(int(page[-1][1])) if more and page else None
    return items, next_cursor
