"""The queue list and a queue's view, with what its page polls for live updates."""

from __future__ import annotations

import json
import time

import redis
from flask import abort, current_app, g, jsonify, render_template, request, url_for

from .. import keys
from ..decisions.store import REASON_CODES
from ..priority import Priority
from ..queues import store as queues
from ..redis_client import get_redis
from ..reports.store import Rules
from . import bp, highlight, labels

# The label a reject defaults to when no report names a reason: the moderator can change it
# before pressing `r`, which then needs no other choice.
LABEL_REASONS = {"insult": "insult", "hate": "hate", "threat": "threat", "spam": "spam",
                 "obscene": "insult", "toxicity": "insult"}


def default_reason(comment: dict, reports: list[dict]) -> str:
    for report in reports:
        if report["reason"] in REASON_CODES:
            return report["reason"]
    scores = {k: v for k, v in (comment.get("scores") or {}).items() if k in LABEL_REASONS}
    if scores:
        return LABEL_REASONS[max(scores, key=scores.get)]
    return "other"


def present(r: redis.Redis, comment_ids: list[str], now: float) -> dict[str, list[str]]:
    """Who else has each comment open, from their pages' last polls."""
    with r.pipeline(transaction=False) as pipe:
        for cid in comment_ids:
            pipe.zrange(keys.presence(cid), repr(now), "+inf", byscore=True)
        found = pipe.execute()
    me = g.moderator.email
    return {cid: [m for m in who if m != me] for cid, who in zip(comment_ids, found)}


def mark_present(r: redis.Redis, comment_id: str, now: float) -> None:
    key = keys.presence(comment_id)
    with r.pipeline(transaction=False) as pipe:
        pipe.zremrangebyscore(key, "-inf", repr(now))
        pipe.zadd(key, {g.moderator.email: now + keys.PRESENCE_TTL_SECONDS})
        pipe.expire(key, keys.PRESENCE_TTL_SECONDS)
        pipe.execute()


def cards(r: redis.Redis, items: list[dict], now: float) -> list[dict]:
    """Queue items with what their card shows: highlighted text, sorted scores, default
    reason and who else has them open."""
    lists = current_app.extensions["terms_cache"].get(r)
    others = present(r, [item["comment"]["id"] for item in items], now)
    for item in items:
        comment = item["comment"]
        item["pieces"] = highlight.pieces(comment["text"], comment["spans"], lists)
        item["scores"] = sorted((comment.get("scores") or {}).items(), key=lambda kv: -kv[1])
        item["default_reason"] = default_reason(comment, item["reports"])
        item["present"] = others[comment["id"]]
    return items


def _page(name: str) -> dict:
    if name not in queues.QUEUES:
        abort(404)
    config = current_app.config
    r = get_redis()
    now = time.time()
    page = queues.list_queue(r, name, config["DASHBOARD_QUEUE_PAGE"], request.args.get("cursor") or None,
                             Priority.from_config(config), Rules.from_config(config), now)
    page["items"] = cards(r, page["items"], now)
    # where a card's plain form (no script) returns after acting
    page["back"] = url_for("dashboard.queue_view", name=name, cursor=request.args.get("cursor") or None)
    return page


@bp.route("/queues")
def queue_list():
    return render_template("dashboard/queues.html", sizes=queues.sizes(get_redis()))


@bp.route("/queues/sizes")
def queue_sizes():
    """Every queue's size, for the queue list's live counts."""
    return jsonify({q["name"]: q["size"] for q in queues.sizes(get_redis())})


@bp.route("/queues/<name>")
def queue_view(name: str):
    return render_template("dashboard/queue.html", page=_page(name), cursor=request.args.get("cursor", ""),
                           reasons=REASON_CODES)


@bp.route("/queues/<name>/items")
def queue_items(name: str):
    """The page's item list alone: the script inserts the cards it does not show yet."""
    return render_template("dashboard/_items.html", page=_page(name), reasons=REASON_CODES)


@bp.route("/queues/<name>/poll", methods=["POST"])
def queue_poll(name: str):
    """What changed for an open queue page: queue sizes, the ids now at the top (to show new
    items), each shown item's state (decided elsewhere?) and who else has it open. Also
    records that this moderator has `focus` open (presence)."""
    if name not in queues.QUEUES:
        abort(404)
    body = request.get_json(silent=True) or {}
    shown = [cid for cid in body.get("shown", []) if isinstance(cid, str)][:200]
    focus = body.get("focus")
    r = get_redis()
    now = time.time()
    if isinstance(focus, str) and focus in shown:
        mark_present(r, focus, now)
    key = queues.queue_key(name)
    limit = current_app.config["DASHBOARD_QUEUE_PAGE"]
    with r.pipeline(transaction=False) as pipe:
        # the first page's ids only: the script asks for the cards it lacks (queue_items)
        pipe.zrange(key, 0, limit - 1, desc=name != "pending")
        for cid in shown:
            pipe.zscore(key, cid)
            pipe.hmget(keys.comment(cid), "status", "version", "decision")
        top, *replies = pipe.execute()
    states = {}
    for i, cid in enumerate(shown):
        score, (status, version, decision) = replies[2 * i], replies[2 * i + 1]
        decided_by = json.loads(decision).get("decided_by") if decision else None
        states[cid] = {"in_queue": score is not None, "status": status,
                       "status_label": labels.STATUSES.get(status or "", status),
                       "version": int(version) if version else None, "decided_by": decided_by}
    return jsonify(sizes={q["name"]: q["size"] for q in queues.sizes(r)},
                   top=top if body.get("first_page") else None,
                   states=states, present=present(r, shown, now))
