"""`flask --app moderation labels export FILE.csv`: moderators' decisions as training rows.

Two sources feed the learning loop:

- decisions taken in the dashboard or through `POST /v1/decisions` — the comment's
  `decision` field, so a decision taken again replaces the earlier one;
- suggestions a Perspective client (Coral Talk) sent to `comments:suggestscore`
  (the `mod:labels` stream): `APPROVED` / `DELETED`, or scores for our labels.

Rows use the columns of `seeds/training_fr.csv`, so `python -m models train
--site-labels FILE.csv` reads them as the site's own register. A category left empty is
unknown, not "no". Rejections whose reason says nothing about abuse (off topic,
misinformation, privacy, illegal, other) are left out: the comment broke a rule of the
site, not necessarily one the classifier is asked to learn.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import redis
from flask import Flask
from flask.cli import AppGroup

from . import keys
from .dashboard.stats import is_moderator
from .redis_client import cli_redis

CATEGORIES = ("insult", "threat", "hate", "obscene", "spam")
COLUMNS = ("text", "label", *CATEGORIES, "origin", "reason", "decided_at", "model_version")
# Reason code of a rejection -> the category it names (None: abusive, category unknown).
# Spam counts as unacceptable, as in the seed file.
REJECTION_CATEGORY = {"insult": "insult", "hate": "hate", "threat": "threat", "spam": "spam",
                      "harassment": None}
BATCH = 1_000


@dataclass
class Export:
    rows: list[dict] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # why a decision gave no row


def _row(text: str, label: int, categories: dict[str, int], **extra: str) -> dict:
    row = {"text": text, "label": label, **{c: "" for c in CATEGORIES}, **extra}
    if label == 0:  # an acceptable comment is none of the categories
        row.update({c: 0 for c in CATEGORIES})
    row.update(categories)
    return row


def decision_row(text: str, decision: dict) -> dict | str:
    """The training row of one moderator decision, or why there is none."""
    extra = {"origin": "decision", "reason": decision.get("reason_code") or "",
             "decided_at": decision.get("decided_at") or "", "model_version": decision.get("model_version") or ""}
    if decision.get("action") == "approve":
        return _row(text, 0, {}, **extra)
    reason = decision.get("reason_code")
    if reason not in REJECTION_CATEGORY:
        return f"reason {reason}"
    category = REJECTION_CATEGORY[reason]
    # A rejection names one category; whether it is also another is unknown.
    return _row(text, 1, {category: 1} if category else {}, **extra)


def _entries(r: redis.Redis, stream: str) -> Iterator[dict]:
    """Every entry of a stream, oldest first, read a page at a time."""
    start = "-"
    while True:
        page = r.xrange(stream, start, "+", count=BATCH)
        for _, entry in page:
            yield entry
        if len(page) < BATCH:
            return
        start = "(" + page[-1][0]


def _moderated_ids(r: redis.Redis) -> list[str]:
    """Ids of the comments a moderator acted on, oldest action first (audit stream order)."""
    seen: dict[str, None] = {}
    for entry in _entries(r, keys.AUDIT):
        if is_moderator(entry.get("actor", "")) and entry.get("comment_id"):
            seen.setdefault(entry["comment_id"], None)
    return list(seen)


def decision_rows(r: redis.Redis, export: Export) -> None:
    ids = _moderated_ids(r)
    for i in range(0, len(ids), BATCH):
        with r.pipeline(transaction=False) as pipe:
            for cid in ids[i:i + BATCH]:
                pipe.hmget(keys.comment(cid), "text", "decision")
            for text, decision in pipe.execute():
                if text is None or decision is None:
                    # Gone, or moved by an author sanction rather than a decision on the text.
                    export.skipped["no decision on the text"] += 1
                    continue
                row = decision_row(text, json.loads(decision))
                if isinstance(row, str):
                    export.skipped[row] += 1
                else:
                    export.rows.append(row)


def suggestion_rows(r: redis.Redis, export: Export) -> None:
    """One row per (client, text): its latest status and latest score of each label."""
    texts: dict[tuple[str, str], dict] = {}
    for entry in _entries(r, keys.LABELS):
        item = texts.setdefault((entry.get("client", ""), entry.get("text_sha256", "")),
                                {"text": entry.get("text", ""), "status": None, "scores": {}, "at": "",
                                 "model_version": ""})
        item["at"], item["model_version"] = entry.get("at", ""), entry.get("model_version", "")
        if entry.get("comment_status"):
            item["status"] = entry["comment_status"]
        elif entry.get("label"):
            item["scores"][entry["label"]] = float(entry.get("value", 0))
    for item in texts.values():
        scores = {name: int(value >= 0.5) for name, value in item["scores"].items()}
        if "toxicity" in scores:
            label = scores.pop("toxicity")
        elif item["status"] in ("APPROVED", "DELETED"):
            # Coral says a moderator approved or rejected the comment, not why.
            label = int(item["status"] == "DELETED")
        else:
            export.skipped["suggestion without toxicity or decision"] += 1
            continue
        export.rows.append(_row(item["text"], label, {k: v for k, v in scores.items() if k in CATEGORIES},
                                origin="suggestscore", reason=item["status"] or "", decided_at=item["at"],
                                model_version=item["model_version"]))


def export_labels(r: redis.Redis) -> Export:
    export = Export()
    decision_rows(r, export)
    suggestion_rows(r, export)
    return export


def write_csv(export: Export, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(export.rows)


labels_cli = AppGroup("labels", help="Moderators' decisions as training data.")


@labels_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(path: Path) -> None:
    """Write every moderator decision and Perspective suggestion as a training CSV."""
    with cli_redis() as r:
        export = export_labels(r)
    write_csv(export, path)
    origins = Counter(row["origin"] for row in export.rows)
    click.echo(f"{len(export.rows)} row(s) written to {path} "
               f"({origins['decision']} decision(s), {origins['suggestscore']} suggestion(s))")
    for why, count in sorted(export.skipped.items()):
        click.echo(f"  left out: {count} ({why})")


def init_app(app: Flask) -> None:
    app.cli.add_command(labels_cli)
