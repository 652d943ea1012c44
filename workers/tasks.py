"""Celery tasks: serialisation, retries and acknowledgement only; the logic lives in
`moderation.decision`, `moderation.sweep` and `moderation.webhooks.delivery`, plain functions
the tests call directly."""

from __future__ import annotations

import redis
from celery import shared_task
from flask import current_app

from moderation import decision, sweep
from moderation.classifier import get_classifier
from moderation.priority import Priority
from moderation.queues import store as queues
from moderation.queueing import get_queue
from moderation.redis_client import get_redis
from moderation.webhooks import delivery

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
    """Queue again the comments left pending too long (their queueing failed or was lost),
    and drop old comments from the `published` queue."""
    queues.trim_published(get_redis(), Priority.from_config(current_app.config),
                          current_app.config["PUBLISHED_QUEUE_HOURS"])
    return sweep.requeue_stale(get_redis(), get_queue(),
                               older_than=current_app.config["SWEEP_AFTER_SECONDS"])


@shared_task(name="moderation.deliver_webhooks", autoretry_for=RETRYABLE, retry_backoff=True,
             max_retries=3)
def deliver_webhooks() -> int:
    """Start a delivery for every client whose webhook has events waiting (run by the
    scheduler every WEBHOOK_INTERVAL_SECONDS)."""
    due = delivery.due_clients(get_redis())
    expires = max(10.0, 5 * float(current_app.config["WEBHOOK_INTERVAL_SECONDS"]))
    for client in due:
        # A delivery still queued after a few ticks is dropped: a later tick starts another.
        deliver_webhook.apply_async((client,), expires=expires)
    return len(due)


@shared_task(name="moderation.deliver_webhook", autoretry_for=RETRYABLE, retry_backoff=True,
             max_retries=3)
def deliver_webhook(client: str) -> int:
    """Push one client's waiting events to its webhook, in order. An endpoint's failure is
    not a task failure: it is recorded, and the scheduler retries after the backoff."""
    return delivery.deliver(get_redis(), client,
                            delivery.Settings.from_config(current_app.config)).delivered
