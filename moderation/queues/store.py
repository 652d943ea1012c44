"""Reading the moderation queues: sizes, and pages of items with what a moderator needs."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import redis

from .. import keys
from ..comments import store as comments
from ..errors import NotFound
from ..priority import Priority
from ..reports.store import Rules

# `pending` is the scoring backlog (mod:pending, ordered by due time, oldest first); the
# others are priority queues (mod:queue:<name>, highest first).
QUEUES = ("review", "reported", "pending", "rejected", "published")
# Size kept of the `published` queue when priorities do not age (see trim_published).
PUBLISHED_QUEUE_MAX = 10_000


def queue_key(name: str) -> str:
    return keys.PENDING if name == "pending" else keys.queue(name)


def sizes(r: redis.Redis) -> list[dict]:
    with r.pipeline(transaction=False) as pipe:
        for name in QUEUES:
            pipe.zcard(queue_key(name))
        counts = pipe.execute()
    return [{"name": n, "size": c} for n, c in zip(QUEUES, counts)]


def _ts(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), tz=timezone.utc) if value else None


def author_summary(author_id: str, raw: dict[str, str], now: float) -> dict:
    state, until = raw.get("state") or "active", raw.get("until") or None
    if state == "suspended" and until and float(until) <= now:
        state, until = "active", None  # a suspension that ran out needs no cleanup
    return {"id": author_id, "state": state, "until": _ts(until) if state == "suspended" else None,
            **{k: int(raw.get(k, 0)) for k in ("published", "rejected", "reported")}}


def reports_of(raw: dict[str, str], open_only: bool = False) -> list[dict]:
    reports = []
    for reporter_id, data in raw.items():
        report = json.loads(data)
        if open_only and report["state"] != "open":
            continue
        reports.append({"reporter_id": reporter_id, "reason": report["reason"],
                        "note": report.get("note") or None, "weight": report["weight"],
                        "proven": report.get("proven", False), "state": report["state"],
                        "at": _ts(str(report["at"]))})
    return sorted(reports, key=lambda rep: rep["at"])


def _page(r: redis.Redis, name: str, limit: int, cursor: str | None) -> tuple[list[tuple[str, float]], bool]:
    key = queue_key(name)
    if name == "pending":  # oldest first, offset-free cursor on the due time
        low = "-inf"
        after = None
        if cursor:
            score, _, after = cursor.partition("~")
            low = score
        rows = r.zrange(key, low, "+inf", byscore=True, withscores=True, offset=0, num=limit + 101)
        if cursor:
            rows = [(m, s) for m, s in rows if s > float(low) or m > after]
    else:  # highest first; ties (rare: scores hold creation times) ordered by id, descending
        high, after = "+inf", None
        if cursor:
            score, _, after = cursor.partition("~")
            high = score
        rows = r.zrange(key, high, "-inf", desc=True, byscore=True, withscores=True, offset=0,
                        num=limit + 101)
        if cursor:
            rows = [(m, s) for m, s in rows if s < float(high) or m < after]
    return rows[:limit], len(rows) > limit


def list_queue(r: redis.Redis, name: str, limit: int, cursor: str | None, priority: Priority,
               rules: Rules = Rules(), now: float | None = None) -> dict:
    """One page of a queue, in priority order, with each comment's reports and author."""
    if name not in QUEUES:
        raise NotFound(f"No queue named {name!r}; queues: {', '.join(QUEUES)}.")
    now = time.time() if now is None else now
    page, more = _page(r, name, limit, cursor)
    with r.pipeline(transaction=False) as pipe:
        pipe.zcard(queue_key(name))
        for cid, _ in page:
            pipe.hgetall(keys.comment(cid))
            pipe.hgetall(keys.comment_reports(cid))
        size, *replies = pipe.execute()
    found = [(cid, score, replies[2 * i], replies[2 * i + 1])
             for i, (cid, score) in enumerate(page) if replies[2 * i]]
    with r.pipeline(transaction=False) as pipe:
        for _, _, raw, _ in found:
            pipe.hgetall(keys.author(raw["author_id"]))
        authors = pipe.execute()
    items = []
    for (cid, score, raw, reports), author in zip(found, authors):
        open_reports = reports_of(reports, open_only=True)
        items.append({
            "comment": comments.to_view(raw),
            "priority": None if name == "pending" else round(priority.current(score, now), 6),
            "report_score": rules.score(float(raw.get("report_proven") or 0), float(raw.get("report_unproven") or 0)),
            "reports": open_reports,
            "author": author_summary(raw["author_id"], author, now),
        })
    next_cursor = f"{page[-1][1]!r}~{page[-1][0]}" if more and page else None
    return {"name": name, "size": size, "items": items, "next_cursor": next_cursor}


def trim_published(r: redis.Redis, priority: Priority, hours: float, now: float | None = None) -> int:
    """Drop from the `published` queue the comments certainly submitted over `hours` ago.

    Its scores hold `base − aging × created_at`, not the time, so the cut is on the score:
    above `max_base − aging × cutoff` an item was created before the cutoff whatever its base.
    Items stay at most `max_base / aging` hours longer; with no aging the queue is kept by
    size instead (the newest are not distinguishable, so the lowest priorities go).
    """
    now = time.time() if now is None else now
    key = keys.queue("published")
    if priority.aging_per_hour <= 0:
        return r.zremrangebyrank(key, 0, -PUBLISHED_QUEUE_MAX - 1)
    cutoff = now - hours * 3600
    return r.zremrangebyscore(key, f"({priority.max_base - priority.aging_per_hour * cutoff / 3600!r}", "+inf")
