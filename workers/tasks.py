"""Celery tasks: serialisation, retries and acknowledgement only; the logic lives in
`moderation.decision` and `moderation.sweep`, plain functions the tests call directly."""

from __future__ import annotations

import redis
from celery import shared_task
from flask import current_app

from moderation import decision, sweep
from moderation.classifier import get_classifier
from moderation.queueing import get_queue
from moderation.redis_client import get_redis

RETRYABLE = (redis.ConnectionError, redis.TimeoutError)


@shared_task(name="moderation.score_comment", autoretry_for=RETRYABLE, retry_backoff=True,
             retry_backoff_max=60, max_retries=None)
def score_comment(comment_id: str) -> None:
    """Score a pending comment, with whatever else is due, and store the decisions; a no-op
    for comments already decided."""
    config = current_app.config
    r = get_redis()
    batch = decision.claim_batch(r, comment_id, config["SCORING_BATCH"], config["CLAIM_LEASE_SECONDS"])
    if batch:
        decision.process_comments(r, batch, get_classifier(), decision.current_policy(current_app))


@shared_task(name="moderation.sweep_pending", autoretry_for=RETRYABLE, retry_backoff=True)
def sweep_pending() -> int:
    """Queue again the comments left pending too long (their queueing failed or was lost)."""
    return sweep.requeue_stale(get_redis(), get_queue(),
                               older_than=current_app.config["SWEEP_AFTER_SECONDS"])
