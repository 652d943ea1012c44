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
from functools import cached_property

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
        return self.queue, self._template.render(comment_id)

    @cached_property
    def _template(self) -> "_MessageTemplate":
        return _MessageTemplate(self.celery, self.queue)

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


class _MessageTemplate:
    """What kombu's Redis transport LPUSHes for `apply_async(args=(comment_id,))`, built
    once with Celery's own message factory (protocol-2 headers, JSON body, base64 body
    encoding, delivery through the default exchange straight to the queue's list), then
    filled in per comment: a few microseconds instead of the tens that building it costs.
    A test runs a real worker on these messages, so a format change fails loudly."""

    TASK_ID = "00000000-0000-4000-8000-00000000task"
    DELIVERY_TAG = "00000000-0000-4000-8000-0000000dtag"
    COMMENT_ID = "c_0000000000000000commentid"
    BODY = "__body_placeholder__"

    def __init__(self, celery: Celery, queue: str) -> None:
        headers, properties, body, _ = celery.amqp.as_task_v2(
            self.TASK_ID, SCORE_TASK, args=(self.COMMENT_ID,), kwargs={}, ignore_result=True)
        properties = dict(properties, delivery_mode=2, priority=0, body_encoding="base64",
                          delivery_tag=self.DELIVERY_TAG,
                          delivery_info={"exchange": "", "routing_key": queue})
        self._body = json.dumps(body)
        self._envelope = json.dumps({
            "body": self.BODY,
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": headers,
            "properties": properties,
        })

    def render(self, comment_id: str) -> str:
        # Comment ids are [0-9a-z_] (see store.new_id): safe inside JSON strings as they are.
        body = base64.b64encode(self._body.replace(self.COMMENT_ID, comment_id).encode()).decode()
        task_id = str(uuid.uuid4())
        return (self._envelope.replace(self.TASK_ID, task_id)
                .replace(self.DELIVERY_TAG, str(uuid.uuid4()))
                .replace(self.COMMENT_ID, comment_id)
                .replace(self.BODY, body))
