"""Statistics for a period, read from the global audit stream by time range.

Stream ids are millisecond times, so a period is one XRANGE (in batches); nothing is added
to the API's submission path. Charts are SVG drawn here, on the server: no script, no
library, and every label goes through the template's escaping.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import redis
from flask import current_app, render_template, request

from models.groups import names_group

from .. import keys
from ..redis_client import get_redis
from . import bp, labels

# period -> (seconds, bucket seconds)
PERIODS = {"24h": (24 * 3600, 3600), "7j": (7 * 24 * 3600, 3600), "30j": (30 * 24 * 3600, 24 * 3600)}
PERIOD_NAMES = {"24h": "24 heures", "7j": "7 jours", "30j": "30 jours"}
# Actors that are not moderators (see the TRANSITION callers): the API, the model, reports.
SYSTEM_ACTORS = {"api", "model", "reports"}
BATCH = 10_000
# Toxicity histogram: read from at most this many of the period's latest model decisions.
SCORE_SAMPLE = 5_000
SCORE_BINS = 10
# Moderators' verdicts on held comments, split by whether they name a group: the latest these many.
HELD_SAMPLE = 2_000


@dataclass
class Figures:
    submitted: Counter = field(default_factory=Counter)  # bucket start -> comments submitted
    by_model: int = 0  # published or rejected by the model
    to_review: int = 0  # held by the model for moderators
    by_moderators: int = 0
    by_reports: int = 0  # hidden by members' reports
    decision_reasons: Counter = field(default_factory=Counter)
    report_reasons: Counter = field(default_factory=Counter)
    overturned: int = 0  # moderators reversing what the model published or rejected
    on_model_verdicts: int = 0  # moderator decisions on comments the model published or rejected
    model_decided: list[str] = field(default_factory=list)  # comment ids, oldest first
    # (comment id, approved) of moderator decisions on comments held for review
    held_verdicts: list[tuple[str, bool]] = field(default_factory=list)
    events: int = 0
    truncated: bool = False


def is_moderator(actor: str) -> bool:
    return bool(actor) and actor not in SYSTEM_ACTORS and not actor.startswith("reporter:")


def collect(r: redis.Redis, start: float, end: float, bucket: int, max_events: int) -> Figures:
    """One pass over the audit entries of [start, end)."""
    figures = Figures()
    lower = f"{math.ceil(start * 1000)}-0"
    # The last millisecond that starts before `end`: with end = now, truncating instead
    # left out what happened in the current millisecond.
    upper = f"{math.ceil(end * 1000) - 1}-18446744073709551615"
    while True:
        entries = r.xrange(keys.AUDIT, lower, upper, count=BATCH)
        for _, e in entries:
            figures.events += 1
            event, actor, to, src = e.get("event", "status"), e.get("actor", ""), e.get("to"), e.get("from", "")
            if event == "report":
                figures.report_reasons[e.get("reason", "").removeprefix("report: ")] += 1
            elif event != "status":
                continue
            elif not src and to == "pending":
                at = float(e.get("at", start))
                figures.submitted[int(at // bucket * bucket)] += 1
            elif actor == "model":
                if to == "review":
                    figures.to_review += 1
                else:
                    figures.by_model += 1
                figures.model_decided.append(e["comment_id"])
            elif actor == "reports":
                figures.by_reports += 1
            elif is_moderator(actor):
                figures.by_moderators += 1
                action, _, rest = e.get("reason", "").partition(": ")
                figures.decision_reasons["approve" if action == "approve" else rest.split(": ")[0]] += 1
                if src == "review":
                    figures.held_verdicts.append((e["comment_id"], to == "published"))
                # a published comment (hidden by reports or not) removed, or a rejected one
                # published: the model's verdict reversed. From `review` the model gave none.
                if src in ("published", "hidden", "rejected"):
                    figures.on_model_verdicts += 1
                    removed = to in ("rejected", "hidden")
                    if (src == "rejected") != removed:
                        figures.overturned += 1
        if len(entries) < BATCH:
            break
        if figures.events >= max_events:
            figures.truncated = True
            break
        lower = "(" + entries[-1][0]
    return figures


def toxicities(r: redis.Redis, comment_ids: list[str]) -> list[float]:
    ids = list(dict.fromkeys(reversed(comment_ids)))[:SCORE_SAMPLE]
    with r.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.hget(keys.comment(cid), "scores")
        found = pipe.execute()
    return [json.loads(s)["toxicity"] for s in found if s and "toxicity" in json.loads(s)]


@dataclass(frozen=True)
class HeldByGroup:
    """Held comments that moderators approved: those naming a group, and the others."""

    naming: int
    naming_approved: int
    others: int
    others_approved: int


def held_by_group(r: redis.Redis, verdicts: list[tuple[str, bool]]) -> HeldByGroup:
    """Split the latest moderator verdicts on held comments by whether the comment names a
    group (``models.groups``). If held comments naming a group are approved much more often
    than the others, the model holds them for the group they name on this site's traffic."""
    latest: dict[str, bool] = {}
    for cid, approved in reversed(verdicts):  # newest first; a comment counts with its last verdict
        latest.setdefault(cid, approved)
    ids = list(latest)[:HELD_SAMPLE]
    with r.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.hget(keys.comment(cid), "text")
        texts = pipe.execute()
    counts = Counter()
    for cid, text in zip(ids, texts):
        if text is not None:
            counts[names_group(text), latest[cid]] += 1
    return HeldByGroup(counts[True, True] + counts[True, False], counts[True, True],
                       counts[False, True] + counts[False, False], counts[False, True])


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | float
    label: str  # under the bar ("" to skip, when bars are many)
    title: str  # tooltip


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    max_value: float
    empty: bool


def bar_chart(title: str, items: list[tuple[str, float, str]], *, every: int = 1,
              width: int = 720, height: int = 220) -> Chart:
    """Vertical bars for (label, value, tooltip) items; one label in `every` is drawn."""
    top, bottom, left = 16, 40, 36
    plot_h = height - top - bottom
    peak = max((v for _, v, _ in items), default=0) or 1
    step = (width - left) / max(len(items), 1)
    bars = [Bar(x=round(left + i * step + step * 0.1, 2), y=round(top + plot_h * (1 - v / peak), 2),
                width=round(step * 0.8, 2), height=round(plot_h * v / peak, 2), value=v,
                label=label if i % every == 0 else "", title=tooltip)
            for i, (label, v, tooltip) in enumerate(items)]
    return Chart(title, bars, width, height, top + plot_h, peak,
                 not any(v for _, v, _ in items))


def _counter_chart(title: str, counts: Counter, names: dict[str, str]) -> Chart:
    items = [(names.get(k, k or "—"), v, f"{names.get(k, k or '—')} : {v}") for k, v in counts.most_common(12)]
    return bar_chart(title, items)


@bp.route("/stats")
def stats_page():
    period = request.args.get("period", "24h")
    if period not in PERIODS:
        period = "24h"
    span, bucket = PERIODS[period]
    end = time.time()
    start = (end - span) // bucket * bucket + bucket  # whole buckets, the current one last
    r = get_redis()
    figures = collect(r, start, end, bucket, current_app.config["DASHBOARD_STATS_MAX_EVENTS"])
    zone = ZoneInfo(current_app.config["DASHBOARD_TIMEZONE"])
    fmt = "%d/%m" if bucket >= 86400 else "%H h" if period == "24h" else "%d/%m %H h"
    volume = []
    for t in range(int(start), int(end), bucket):
        when = datetime.fromtimestamp(t, tz=timezone.utc).astimezone(zone)
        volume.append((when.strftime(fmt), figures.submitted[t], f"{when.strftime('%d/%m %H h')} : {figures.submitted[t]}"))
    scores = toxicities(r, figures.model_decided)
    bins = Counter(min(int(s * SCORE_BINS), SCORE_BINS - 1) for s in scores)
    histogram = [(f"{i / SCORE_BINS:.1f}", bins[i], f"{i / SCORE_BINS:.1f}–{(i + 1) / SCORE_BINS:.1f} : {bins[i]}")
                 for i in range(SCORE_BINS)]
    who = Counter({"model": figures.by_model, "moderators": figures.by_moderators, "reports": figures.by_reports})
    decided = sum(who.values())
    charts = {
        "volume": bar_chart("Commentaires reçus", volume, every=max(len(volume) // 12, 1)),
        "who": _counter_chart("Décisions : automatiques ou humaines", who,
                              {"model": "modèle", "moderators": "modérateurs", "reports": "signalements"}),
        "reasons": _counter_chart("Décisions des modérateurs par motif", figures.decision_reasons,
                                  {**labels.REASONS, "approve": "Approuvé"}),
        "reports": _counter_chart("Signalements par motif", figures.report_reasons, labels.REASONS),
        "scores": bar_chart("Distribution de la toxicité (décisions du modèle)", histogram),
    }
    return render_template(
        "dashboard/stats.html", period=period, periods=PERIOD_NAMES, charts=charts, figures=figures,
        decided=decided, auto_share=figures.by_model / decided if decided else None,
        overturn_rate=figures.overturned / figures.on_model_verdicts if figures.on_model_verdicts else None,
        sampled=len(scores), sample_max=SCORE_SAMPLE, held=held_by_group(r, figures.held_verdicts),
        held_max=HELD_SAMPLE, start=start, end=end)
