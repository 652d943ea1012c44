"""Moderator decisions: move comments, resolve their reports, mark approved texts benign.

Each decision is the RESOLVE_REPORTS and TRANSITION scripts in one MULTI, both expecting
the version the moderator saw: both apply or, if the comment changed meanwhile, neither.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import redis

from .. import keys
from ..comments import store as comments
from ..errors import NotFound
from ..reports.store import text_hash

# action -> (status it leads to, what it makes of the comment's open reports)
ACTIONS = {"approve": ("published", "dismissed"), "reject": ("rejected", "upheld"),
           "hide": ("hidden", "upheld")}
REASON_CODES = ("insult", "hate", "threat", "harassment", "spam", "off_topic",
                "misinformation", "illegal", "privacy", "other")


@dataclass(frozen=True)
class Outcome:
    id: str
    outcome: str  # applied | stale | not_found
    status: str | None
    version: int | None


def decide(r: redis.Redis, items: list[tuple[str, int]], *, action: str, reason_code: str,
           moderator: str, note: str | None = None, now: float | None = None) -> list[Outcome]:
    """Apply one decision to each (comment id, version seen); each is applied or refused
    on its own. Three round trips whatever the number of items."""
    now = time.time() if now is None else now
    to, outcome = ACTIONS[action]
    with r.pipeline(transaction=False) as pipe:
        for cid, _ in items:
            pipe.hmget(keys.comment(cid), "text", "model_version")
        rows = pipe.execute()
    reason = f"{reason_code}: {note}" if note else reason_code
    with r.pipeline(transaction=True) as pipe:
        for (cid, version), (text, model_version) in zip(items, rows):
            decision = {"action": action, "reason": reason, "reason_code": reason_code,
                        "note": note, "decided_by": moderator, "model_version": model_version,
                        "decided_at": repr(now)}
            keys.run_script(
                pipe, keys.RESOLVE_REPORTS,
                [keys.comment(cid), keys.comment_reports(cid), keys.BENIGN_TEXTS,
                 keys.comment_history(cid), keys.AUDIT],
                [cid, str(version), outcome, moderator, repr(now),
                 text_hash(text) if action == "approve" and text is not None else "", reason_code])
            comments.transition(r, cid, to=to, actor=moderator, reason=f"{action}: {reason}",
                                version=version, now=now, pipeline=pipe,
                                fields={"decision": json.dumps(decision, ensure_ascii=False)})
        replies = pipe.execute()
    results = []
    for i, (cid, _) in enumerate(items):
        moved = comments.Transition.from_reply(replies[2 * i + 1])
        if moved.applied:
            results.append(Outcome(cid, "applied", moved.status, moved.version))
        elif moved.stale:
            results.append(Outcome(cid, "stale", moved.status, moved.version))
        else:
            results.append(Outcome(cid, "not_found", None, None))
    return results


def _ts(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), tz=timezone.utc) if value else None


def history(r: redis.Redis, comment_id: str, limit: int,
            cursor: str | None) -> tuple[list[dict], str | None]:
    """A comment's audit trail, oldest first; the cursor is the last entry's stream id."""
    with r.pipeline(transaction=False) as pipe:
        pipe.exists(keys.comment(comment_id))
        pipe.xrange(keys.comment_history(comment_id), f"({cursor}" if cursor else "-", "+", count=limit + 1)
        exists, rows = pipe.execute()
    if not exists:
        raise NotFound(f"No comment with id {comment_id!r}.")
    page, more = rows[:limit], len(rows) > limit
    items = [{"id": entry_id, "at": _ts(e.get("at")), "event": e.get("event", "status"),
              "actor": e.get("actor"), "from_": e.get("from") or None, "to": e.get("to"),
              "reason": e.get("reason"), "reporter_id": e.get("reporter_id")}
             for entry_id, e in page]
    return items, page[-1][0] if more and page else None
