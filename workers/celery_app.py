"""The Celery app, built once per Flask app, whose tasks run inside that app's context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from moderation.redis_client import broker_url


def init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask, include=["workers.tasks"])
    config = app.config
    visibility = int(config["VISIBILITY_TIMEOUT_SECONDS"])
    celery.conf.update(
        broker_url=broker_url(config),
        broker_connection_retry_on_startup=True,
        # A message stays in the broker until its task has finished, and goes back to the
        # queue if the worker process running it dies: a crash never loses a comment.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # Redis has no real acknowledgements: a message taken by a worker that vanished is
        # restored once it has been out for the visibility timeout; surviving workers look
        # for such messages every few seconds (kombu's default is every ~100 s).
        broker_transport_options={
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 3)),
            "unacked_restore_throttle": 1,
        },
        task_default_queue=config["TASK_QUEUE"],
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=16,
        worker_hijack_root_logger=False,
        beat_schedule={
            "sweep-pending": {
                "task": "moderation.sweep_pending",
                "schedule": float(config["SWEEP_INTERVAL_SECONDS"]),
            },
            # Webhooks: find the clients with events to push and start their deliveries.
            # A tick not run within a few periods is dropped: the next one does its work.
            "deliver-webhooks": {
                "task": "moderation.deliver_webhooks",
                "schedule": float(config["WEBHOOK_INTERVAL_SECONDS"]),
                "options": {"expires": max(10.0, 5 * float(config["WEBHOOK_INTERVAL_SECONDS"]))},
            },
        },
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
