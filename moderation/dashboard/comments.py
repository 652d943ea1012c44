"""A comment's page (full audit trail), an author's page, and search."""

from __future__ import annotations

import time

import redis
from flask import current_app, render_template, request

from .. import keys
from ..authors import store as authors
from ..comments import store as comments
from ..decisions import store as decisions
from ..decisions.store import REASON_CODES
from ..queues.store import author_summary, reports_of
from ..redis_client import get_redis
from ..terms import fold
from . import bp, highlight, labels
from .queues import default_reason, present

RESULTS = 50
HISTORY_MAX = 1000
SCAN_BATCH = 1000


@bp.route("/comments/<comment_id>")
def comment_page(comment_id: str):
    r = get_redis()
    comment = comments.get_comment(r, comment_id)
    with r.pipeline(transaction=False) as pipe:
        pipe.hgetall(keys.comment_reports(comment_id))
        pipe.hgetall(keys.author(comment["author_id"]))
        raw_reports, raw_author = pipe.execute()
    history, _ = decisions.history(r, comment_id, HISTORY_MAX, None)
    reports = reports_of(raw_reports)
    lists = current_app.extensions["terms_cache"].get(r)
    return render_template(
        "dashboard/comment.html", comment=comment, reports=reports, history=history,
        author=author_summary(comment["author_id"], raw_author, time.time()),
        pieces=highlight.pieces(comment["text"], comment["spans"], lists),
        scores=sorted((comment.get("scores") or {}).items(), key=lambda kv: -kv[1]),
        default_reason=default_reason(comment, [rep for rep in reports if rep["state"] == "open"]),
        present=present(r, [comment_id], time.time())[comment_id], reasons=REASON_CODES)


@bp.route("/authors/<author_id>")
def author_page(author_id: str):
    author = authors.get_author(get_redis(), author_id)
    return render_template("dashboard/author.html", author=author,
                           suspend_hours=labels.SUSPEND_HOURS)


def _fetch(r: redis.Redis, ids: list[str]) -> list[dict]:
    with r.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.hgetall(keys.comment(cid))
        return [comments.to_view(h) for h in pipe.execute() if h]


def by_author(r: redis.Redis, author_id: str) -> list[dict]:
    """The author's latest comments (their record keeps keys.AUTHOR_RECENT_COMMENTS)."""
    return _fetch(r, r.zrange(keys.author_comments(author_id), 0, RESULTS - 1, desc=True))


def by_article(r: redis.Redis, article_id: str) -> list[dict]:
    """An article's latest comments in every status: each status index, merged by sequence."""
    with r.pipeline(transaction=False) as pipe:
        for status in keys.STATUSES:
            pipe.zrange(keys.article_status(article_id, status), 0, RESULTS - 1, desc=True, withscores=True)
        rows = [row for found in pipe.execute() for row in found]
    rows.sort(key=lambda row: -row[1])
    return _fetch(r, [cid for cid, _ in rows[:RESULTS]])


def by_text(r: redis.Redis, query: str, scan: int) -> tuple[list[dict], int]:
    """Comments whose text contains `query` (accents, case and spacing ignored), among those
    named by the latest `scan` entries of the audit stream: there is no full-text index, so
    older comments are found by author or article only. Returns (matches, comments read)."""
    needle = fold(query)
    seen: set[str] = set()
    found: list[dict] = []
    upper = "+"
    read = 0
    while read < scan and len(found) < RESULTS:
        entries = r.xrevrange(keys.AUDIT, upper, "-", count=min(SCAN_BATCH, scan - read))
        if not entries:
            break
        read += len(entries)
        upper = "(" + entries[-1][0]
        ids = [e["comment_id"] for _, e in entries if e.get("comment_id") and e["comment_id"] not in seen]
        ids = list(dict.fromkeys(ids))
        seen.update(ids)
        with r.pipeline(transaction=False) as pipe:
            for cid in ids:
                pipe.hget(keys.comment(cid), "text")
            texts = pipe.execute()
        hits = [cid for cid, text in zip(ids, texts) if text and needle in fold(text)]
        found += _fetch(r, hits[:RESULTS - len(found)])
    return found, len(seen)


@bp.route("/search")
def search():
    r = get_redis()
    author = request.args.get("author", "").strip()
    article = request.args.get("article", "").strip()
    text = request.args.get("q", "").strip()
    results: list[dict] | None = None
    scanned = 0
    if author:
        results = by_author(r, author)
    elif article:
        results = by_article(r, article)
    elif text:
        results, scanned = by_text(r, text, current_app.config["DASHBOARD_SEARCH_SCAN"])
    return render_template("dashboard/search.html", author=author, article=article, q=text,
                           results=results, scanned=scanned,
                           scan_limit=current_app.config["DASHBOARD_SEARCH_SCAN"])
