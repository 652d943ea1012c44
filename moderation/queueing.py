"""Handing scoring work to the Celery workers.

When the broker is the same Redis as the data, the task message is written by the same Lua
script that stores the comment: one round trip, and a comment is never queued without being
stored nor stored without being queued. Otherwise the comment is stored first and the task
published after; if that fails the comment stays `pending` and the sweep queues it again.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid

from celery import Celery
from flask import Flask, current_app

from .redis_client import broker_url, redis_url

log = logging.getLogger(__name__)

SCORE_TASK = "moderation.score_comment"


class ScoringQueue:
    def __init__(self, celery: Celery, queue: str, shared_redis: bool) -> None:
        self.celery = celery
        self.queue = queue
        # True when the broker's list for `queue` lives in the data Redis.
        self.shared_redis = shared_redis

    def inline_message(self, comment_id: str) -> tuple[str, str]:
        """(list key, payload) of a task message for the data Redis, or ("", "")."""
        if not self.shared_redis:
            return "", ""
        return self.queue, self._redis_payload(comment_id)

    def _redis_payload(self, comment_id: str) -> str:
        # What kombu's Redis transport LPUSHes for `apply_async`, built with Celery's own
        # message factory: protocol-2 headers, JSON body, base64 body encoding, and delivery
        # through the default (anonymous) exchange straight to the queue's list. A test
        # runs a real worker on messages made here, so a kombu format change fails loudly.
        task_id = str(uuid.uuid4())
        headers, properties, body, _ = self.celery.amqp.as_task_v2(
            task_id, SCORE_TASK, args=(comment_id,), kwargs={}, ignore_result=True)
        properties = dict(properties, delivery_mode=2, priority=0, body_encoding="base64",
                          delivery_tag=str(uuid.uuid4()),
                          delivery_info={"exchange": "", "routing_key": self.queue})
        message = {
            "body": base64.b64encode(json.dumps(body).encode()).decode(),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": headers,
            "properties": properties,
        }
        return json.dumps(message)

    def publish(self, comment_id: str) -> bool:
        """Publish through Celery; False (logged) when the broker is unreachable."""
        try:
            self.celery.send_task(SCORE_TASK, args=(comment_id,), queue=self.queue,
                                  ignore_result=True, retry=False)
            return True
        except Exception:  # kombu raises transport-specific errors; any of them means "not queued"
            log.warning("could not queue comment %s; the sweep will retry", comment_id, exc_info=True)
            return False


def init_app(app: Flask, celery: Celery) -> None:
    shared = (broker_url(app.config).startswith(("redis://", "rediss://", "redis+socket://"))
              and (not app.config.get("BROKER_URL") or app.config["BROKER_URL"] == redis_url(app.config)))
    app.extensions["scoring_queue"] = ScoringQueue(celery, app.config["TASK_QUEUE"], shared)


def get_queue() -> ScoringQueue:
    return current_app.extensions["scoring_queue"]
