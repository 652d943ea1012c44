"""Reports in Redis: weigh the reporter, record the report, queue or hide the comment.

A report costs two round trips: one read (the comment's text, toxicity and age, and the
reporter's record), then the REPORT script, which does everything else atomically (see
`moderation.keys`). Hiding is a TRANSITION run after it when the script says so; if the
process dies in between, the comment already waits in the reported queue, and the site's
retry of the same report (a repeat, otherwise a no-op) runs the hiding it missed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass

import redis

from .. import keys
from ..comments import store as comments
from ..errors import NotFound, TooManyRequests, Unprocessable
from ..priority import Priority, toxicity_of
from ..terms import fold


@dataclass(frozen=True)
class Rules:
    max_weight: float = 3.0
    proven_after: int = 3
    hide_threshold: float = 5.0
    unproven_cap: float = 3.0
    limits: tuple[tuple[int, int], ...] = ((10, 60), (100, 86400))

    @classmethod
    def from_config(cls, config: Mapping) -> "Rules":
        return cls(float(config["REPORTER_MAX_WEIGHT"]), int(config["REPORTER_PROVEN_AFTER"]),
                   float(config["REPORT_HIDE_THRESHOLD"]), float(config["REPORT_UNPROVEN_CAP"]),
                   ((int(config["REPORTS_PER_MINUTE"]), 60), (int(config["REPORTS_PER_DAY"]), 86400)))

    def weight(self, upheld: int, dismissed: int) -> float:
        """MAX ** (2a − 1) with a = (upheld + 1) / (upheld + dismissed + 2): a Laplace-smoothed
        share of the reporter's reports that moderators upheld. A new reporter weighs 1; the
        weight stays within [1/MAX, MAX] and moves less with each decision as records grow."""
        accuracy = (upheld + 1) / (upheld + dismissed + 2)
        return round(self.max_weight ** (2 * accuracy - 1), 4)

    def proven(self, upheld: int, dismissed: int) -> bool:
        return upheld >= self.proven_after and upheld > dismissed

    def score(self, proven: float, unproven: float) -> float:
        """A comment's report score, as `keys.REPORT` counts it for hiding: proven reporters'
        weights in full, the others' together up to the cap."""
        return proven + min(unproven, self.unproven_cap)


@dataclass(frozen=True)
class Reported:
    duplicate: bool
    weight: float | None
    comment_status: str


def text_hash(text: str) -> str:
    """Key of a text in the benign set: case, accents and spacing do not make it new."""
    return hashlib.sha1(fold(text).encode()).hexdigest()


def report_comment(r: redis.Redis, comment_id: str, *, reporter_id: str, reason: str,
                   note: str | None, rules: Rules, priority: Priority,
                   now: float | None = None) -> Reported:
    """Record `reporter_id`'s report on a comment. Raises NotFound, Unprocessable (own
    comment) or TooManyRequests; a repeated report changes nothing (`duplicate`)."""
    now = time.time() if now is None else now
    fields = ("text", "created_at", "author_risk", "scores")
    with r.pipeline(transaction=False) as pipe:
        # Only what the report needs: the whole hash carries spans and the decision too.
        pipe.hmget(keys.comment(comment_id), fields)
        pipe.hmget(keys.reporter(reporter_id), "upheld", "dismissed")
        values, (upheld, dismissed) = pipe.execute()
    if values[0] is None:
        raise NotFound(f"No comment with id {comment_id!r}.")
    raw = dict(zip(fields, values))
    upheld, dismissed = int(upheld or 0), int(dismissed or 0)
    weight = rules.weight(upheld, dismissed)
    base = priority.score(toxicity=toxicity_of(raw), created_at=float(raw["created_at"]),
                          author_risk=float(raw.get("author_risk") or 0))
    code, status, score, prio, retry_after = keys.run_script(
        r, keys.REPORT,
        [keys.comment(comment_id), keys.comment_reports(comment_id), keys.reporter(reporter_id),
         keys.reporter_recent(reporter_id), keys.BENIGN_TEXTS, keys.comment_history(comment_id),
         keys.AUDIT],
        [comment_id, reporter_id, reason, note or "", repr(weight),
         "1" if rules.proven(upheld, dismissed) else "0", repr(now), text_hash(raw["text"]),
         repr(rules.hide_threshold), repr(rules.unproven_cap), repr(base), repr(priority.reports),
         *[x for pair in rules.limits for x in pair]],
    )
    if code == "not_found":
        raise NotFound(f"No comment with id {comment_id!r}.")
    if code == "self":
        raise Unprocessable("A member cannot report their own comment.")
    if code == "rate_limited":
        raise TooManyRequests(f"Member {reporter_id!r} has made too many reports; retry in {retry_after} s.",
                              headers={"Retry-After": str(retry_after)})
    if code == "duplicate":
        return Reported(True, None, status)
    if code in ("hide", "retry_hide"):
        # Not in the script: TRANSITION owns every status change. If someone decided the
        # comment in between, `expected` makes this a no-op and their decision stands.
        moved = comments.transition(
            r, comment_id, expected="published", to="hidden", actor="reports",
            reason=f"report score {float(score):.2f} ≥ hiding threshold {rules.hide_threshold:g}",
            queue="reported", priority=float(prio), now=now)
        status = moved.status or status
    if code == "retry_hide":
        return Reported(True, None, status)
    return Reported(False, weight, status)
