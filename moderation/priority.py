"""The one priority that orders every moderation queue, highest first.

    priority = w_tox × toxicity + w_reports × min(report score / hide threshold, 2)
             + w_author × author risk + aging × hours waited

A queue stores `priority − aging × created_at / 3600` instead: the waited part grows at
the same rate for every item, so subtracting it at creation keeps the order right forever
without rewriting a score. The priority of an item now is its stored score plus
`aging × now / 3600` (see `current`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Priority:
    toxicity: float = 1.0
    reports: float = 1.0
    author: float = 0.5
    aging_per_hour: float = 0.1
    hide_threshold: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping) -> "Priority":
        return cls(float(config["QUEUE_WEIGHT_TOXICITY"]), float(config["QUEUE_WEIGHT_REPORTS"]),
                   float(config["QUEUE_WEIGHT_AUTHOR"]), float(config["QUEUE_AGING_PER_HOUR"]),
                   float(config["REPORT_HIDE_THRESHOLD"]))

    def score(self, *, toxicity: float, created_at: float, author_risk: float = 0.0,
              report_score: float = 0.0) -> float:
        """The sorted-set score of an item (see the module's docstring)."""
        return (self.toxicity * toxicity + self.author * author_risk
                + self.reports * min(report_score / self.hide_threshold, 2.0)
                - self.aging_per_hour * created_at / 3600.0)

    @property
    def max_base(self) -> float:
        """The highest priority an item can have before waiting (toxicity and author risk
        are at most 1, the report term at most 2)."""
        return self.toxicity + 2 * self.reports + self.author

    def current(self, stored: float, now: float) -> float:
        """An item's priority at `now`, from its stored score."""
        return stored + self.aging_per_hour * now / 3600.0


def toxicity_of(raw: Mapping[str, str]) -> float:
    """The toxicity score of a stored comment hash (0 before scoring)."""
    scores = raw.get("scores")
    return float(json.loads(scores).get("toxicity", 0.0)) if scores else 0.0
