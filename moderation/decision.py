"""The decision policy, and scoring pending comments: score → decide → store."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from flask import Flask

from . import keys
from .comments import store
from .priority import Priority
from .reports.store import Rules, text_hash
from .terms import TermList, fold


@dataclass(frozen=True)
class Verdict:
    action: str  # publish | review | reject | hide
    status: str  # the comment's status that follows
    reason: str


@dataclass(frozen=True)
class Policy:
    publish_below: float
    reject_above: float
    banned: TermList
    suspect: TermList
    priority: Priority = Priority()
    reports: Rules = Rules()

    def decide(self, text: str, toxicity: float, premoderated: bool = False) -> Verdict:
        folded = fold(text)
        if term := self.banned.find(folded):
            return Verdict("reject", "rejected", f"banned term: {self.banned.describe(term)}")
        if premoderated:
            return Verdict("review", "review", "author under pre-moderation")
        if term := self.suspect.find(folded):
            return Verdict("review", "review", f"suspect term: {self.suspect.describe(term)}")
        if toxicity >= self.reject_above:
            return Verdict("reject", "rejected", f"toxicity {toxicity:.3f} ≥ reject threshold {self.reject_above:.3f}")
        if toxicity < self.publish_below:
            return Verdict("publish", "published", f"toxicity {toxicity:.3f} < publish threshold {self.publish_below:.3f}")
        return Verdict("review", "review", f"toxicity {toxicity:.3f} between {self.publish_below:.3f} and {self.reject_above:.3f}")

    def with_reports(self, verdict: Verdict, proven: float, unproven: float) -> tuple[Verdict, float]:
        """Members may report a comment before it is scored. Publishing it then does what
        those reports would have done to a published comment: hide it at the hiding
        threshold (unproven reporters capped, as in `keys.REPORT`). Returns the verdict and
        the report score, which also ranks the comment in the reported queue."""
        score = self.reports.score(proven, unproven)
        if verdict.status == "published" and score >= self.reports.hide_threshold:
            return Verdict("hide", "hidden", f"{verdict.reason}; reported while pending, report score "
                                             f"{score:.2f} ≥ hiding threshold {self.reports.hide_threshold:g}"), score
        return verdict, score


def current_policy(app: Flask) -> Policy:
    """Thresholds set by admins in the dashboard, else from the config, else those chosen
    for the loaded model; overrides and term lists are cached for a few seconds."""
    config = app.config
    clf = app.extensions["classifier"]
    lists = app.extensions["terms_cache"].get(app.extensions["redis"])
    overrides = app.extensions["thresholds_cache"].get(app.extensions["redis"])
    publish = overrides.get("publish_below", config.get("PUBLISH_BELOW"))
    reject = overrides.get("reject_above", config.get("REJECT_ABOVE"))
    return Policy(
        publish_below=float(clf.thresholds["publish_below"] if publish is None else publish),
        reject_above=float(clf.thresholds["reject_above"] if reject is None else reject),
        banned=lists["banned"],
        suspect=lists["suspect"],
        priority=Priority.from_config(config),
        reports=Rules.from_config(config),
    )


def claim_batch(r: redis.Redis, comment_id: str, size: int, lease: float,
                now: float | None = None) -> list[str]:
    """The task's own comment (if still pending) and up to `size - 1` others due for scoring."""
    now = time.time() if now is None else now
    return keys.run_script(r, keys.CLAIM_PENDING, [keys.PENDING],
                           [comment_id, repr(now), repr(lease), max(size - 1, 0)])


def process_comments(r: redis.Redis, comment_ids: Sequence[str], classifier, policy: Policy,
                     now: float | None = None) -> dict[str, str]:
    """Decide the pending comments among `comment_ids` in one batch. Re-running it, or
    running it on comments already decided, changes nothing. Returns {id: status} of the
    comments this call decided."""
    with r.pipeline(transaction=False) as pipe:
        for cid in comment_ids:
            # the author's state was copied onto the comment when it was stored
            pipe.hmget(keys.comment(cid), "text", "status", "created_at", "premoderated", "author_risk",
                       "report_count", "report_proven", "report_unproven")
        rows = pipe.execute()
    todo = [(cid, text) for cid, (text, status, *_) in zip(comment_ids, rows) if status == "pending"]
    extra = {cid: row[2:] for cid, row in zip(comment_ids, rows)}
    if not todo:
        return {}
    now = time.time() if now is None else now
    # Reported while pending, but a copy of a text moderators approved: as on a published
    # comment, those reports are kept and queue nothing.
    reported = {cid: text_hash(text) for cid, text in todo if extra[cid][3]}
    benign = {cid for cid, known in zip(reported, r.smismember(keys.BENIGN_TEXTS, list(reported.values())))
              if known} if reported else set()
    all_scores = classifier.score([text for _, text in todo])
    with r.pipeline(transaction=False) as pipe:
        for (cid, text), raw_scores in zip(todo, all_scores):
            scores = {label: round(float(p), 6) for label, p in raw_scores.items()}
            created_at, premoderated, author_risk, report_count, proven, unproven = extra[cid]
            verdict = policy.decide(text, scores["toxicity"], premoderated=premoderated == "1")
            queue, report_score = verdict.status, 0.0  # review, rejected, or published (recent)
            if report_count and verdict.status == "published" and cid not in benign:
                verdict, report_score = policy.with_reports(verdict, float(proven or 0), float(unproven or 0))
                queue = "reported"
            decision = {"action": verdict.action, "reason": verdict.reason, "decided_by": "model",
                        "model_version": classifier.version, "decided_at": repr(now)}
            fields = {
                "scores": json.dumps(scores),
                "spans": json.dumps(classifier.explain(text)),
                "decision": json.dumps(decision, ensure_ascii=False),
                "model_version": classifier.version,
            }
            store.transition(r, cid, expected="pending", to=verdict.status, actor="model",
                             reason=verdict.reason, fields=fields, queue=queue,
                             priority=policy.priority.score(
                                 toxicity=scores["toxicity"], created_at=float(created_at or now),
                                 author_risk=float(author_risk or 0), report_score=report_score),
                             now=now, pipeline=pipe)
        results = pipe.execute()
    moved = [(cid, store.Transition.from_reply(reply)) for (cid, _), reply in zip(todo, results)]
    return {cid: t.status for cid, t in moved if t.applied}


def process_comment(r: redis.Redis, comment_id: str, classifier, policy: Policy,
                    now: float | None = None) -> tuple[bool, str]:
    """Decide one pending comment. Returns (applied, status now)."""
    decided = process_comments(r, [comment_id], classifier, policy, now)
    if comment_id in decided:
        return True, decided[comment_id]
    return False, r.hget(keys.comment(comment_id), "status") or ""
