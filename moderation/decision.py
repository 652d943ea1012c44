"""The decision policy, and scoring one pending comment: score → decide → store."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis
from flask import Flask

from . import keys
from .comments import store
from .terms import TermList, fold


@dataclass(frozen=True)
class Verdict:
    action: str  # publish | review | reject
    status: str  # the comment's status that follows
    reason: str


@dataclass(frozen=True)
class Policy:
    publish_below: float
    reject_above: float
    banned: TermList
    suspect: TermList

    def decide(self, text: str, toxicity: float) -> Verdict:
        folded = fold(text)
        if term := self.banned.find(folded):
            return Verdict("reject", "rejected", f"banned term: {term}")
        if term := self.suspect.find(folded):
            return Verdict("review", "review", f"suspect term: {term}")
        if toxicity >= self.reject_above:
            return Verdict("reject", "rejected", f"toxicity {toxicity:.3f} ≥ reject threshold {self.reject_above:.3f}")
        if toxicity < self.publish_below:
            return Verdict("publish", "published", f"toxicity {toxicity:.3f} < publish threshold {self.publish_below:.3f}")
        return Verdict("review", "review", f"toxicity {toxicity:.3f} between {self.publish_below:.3f} and {self.reject_above:.3f}")


def current_policy(app: Flask) -> Policy:
    """Thresholds from the config, else those chosen for the loaded model; cached term lists."""
    config = app.config
    clf = app.extensions["classifier"]
    lists = app.extensions["terms_cache"].get(app.extensions["redis"])
    publish = config.get("PUBLISH_BELOW")
    reject = config.get("REJECT_ABOVE")
    return Policy(
        publish_below=float(clf.thresholds["publish_below"] if publish is None else publish),
        reject_above=float(clf.thresholds["reject_above"] if reject is None else reject),
        banned=lists["banned"],
        suspect=lists["suspect"],
    )


def process_comment(r: redis.Redis, comment_id: str, classifier, policy: Policy,
                    now: float | None = None) -> tuple[bool, str]:
    """Decide a pending comment. Re-running it, or running it on a comment already decided,
    changes nothing. Returns (applied, status now)."""
    text, status = r.hmget(keys.comment(comment_id), "text", "status")
    if status != "pending":
        return False, status or ""
    now = time.time() if now is None else now
    scores = {label: round(float(p), 6) for label, p in classifier.score([text])[0].items()}
    verdict = policy.decide(text, scores["toxicity"])
    decision = {"action": verdict.action, "reason": verdict.reason, "decided_by": "model",
                "model_version": classifier.version, "decided_at": repr(now)}
    fields = {
        "scores": json.dumps(scores),
        "spans": json.dumps(classifier.explain(text)),
        "decision": json.dumps(decision, ensure_ascii=False),
        "model_version": classifier.version,
    }
    return store.transition(
        r, comment_id, expected="pending", to=verdict.status, actor="model",
        reason=verdict.reason, fields=fields,
        queue="review" if verdict.status == "review" else "",
        priority=scores["toxicity"], now=now,
    )
