"""Re-queue comments left pending: their task was never queued, or was lost with a broker."""

from __future__ import annotations

import time

import redis

from . import keys
from .queueing import ScoringQueue


def requeue_stale(r: redis.Redis, queue: ScoringQueue, older_than: float,
                  now: float | None = None, batch: int = 1000) -> int:
    """Queue again every comment pending for more than `older_than` seconds. Its clock is
    reset, so one still waiting in a long backlog is re-queued once per period, not per
    sweep; a duplicate task is harmless since scoring a decided comment is a no-op."""
    now = time.time() if now is None else now
    stale = r.zrange(keys.PENDING, "-inf", now - older_than, byscore=True, offset=0, num=batch)
    requeued = 0
    for comment_id in stale:
        if queue.publish(comment_id):
            # XX: a comment decided meanwhile has left the set and must not come back.
            r.zadd(keys.PENDING, {comment_id: now}, xx=True)
            requeued += 1
    return requeued
