"""Authors in Redis: their record (kept by the comment scripts) and sanctions.

A sanction is read by CREATE_COMMENT in the same step that stores a comment, so a banned or
suspended author is refused at no extra cost; a suspension simply runs out at `until`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import redis

from .. import keys
from ..comments import store as comments
from ..errors import NotFound
from ..queues.store import author_summary

# action -> the state it puts the author in
AUTHOR_ACTIONS = {"premoderate": "premoderated", "suspend": "suspended", "ban": "banned",
                  "restore": "active"}
RECENT = 20


def _ts(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), tz=timezone.utc) if value else None


def get_author(r: redis.Redis, author_id: str, now: float | None = None) -> dict:
    """The author's counts, state, latest comments and the moderators' actions on them."""
    now = time.time() if now is None else now
    with r.pipeline(transaction=False) as pipe:
        pipe.hgetall(keys.author(author_id))
        pipe.zrange(keys.author_comments(author_id), 0, RECENT - 1, desc=True)
        pipe.xrevrange(keys.author_history(author_id), count=RECENT)
        raw, recent, actions = pipe.execute()
    if not raw and not recent:
        raise NotFound(f"No author with id {author_id!r} is known.")
    with r.pipeline(transaction=False) as pipe:
        for cid in recent:
            pipe.hgetall(keys.comment(cid))
        hashes = pipe.execute()
    return {
        **author_summary(author_id, raw, now),
        "recent_comments": [comments.to_view(h) for h in hashes if h],
        "actions": [{"action": a["action"], "from_": a["from"], "to": a["to"],
                     "until": _ts(a.get("until")), "moderator": a["moderator"],
                     "note": a.get("note") or None, "at": _ts(a["at"])} for _, a in actions],
    }


def act(r: redis.Redis, author_id: str, *, action: str, moderator: str, note: str | None = None,
        duration_hours: float | None = None, now: float | None = None) -> dict:
    """Put an author under pre-moderation, suspend, ban or restore them, with an audit entry.
    Applies to comments submitted from now on."""
    now = time.time() if now is None else now
    until = repr(now + duration_hours * 3600) if action == "suspend" else ""
    keys.run_script(r, keys.AUTHOR_ACTION, [keys.author(author_id), keys.author_history(author_id)],
                    [AUTHOR_ACTIONS[action], until, moderator, note or "", repr(now), action])
    return get_author(r, author_id, now)
