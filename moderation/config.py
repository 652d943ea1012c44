"""Defaults for every setting. Each one can be overridden by an environment variable named
``MODERATION_<KEY>`` (see the README's table); values are parsed as JSON when they can be,
so ``MODERATION_SWEEP_AFTER_SECONDS=120`` is the number 120."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    # Redis holding comments, clients and queues. None: the embedded server under VAR_DIR.
    REDIS_URL: str | None = None
    # Celery broker. None: the same Redis as REDIS_URL, which lets a new comment and its
    # scoring task be written in one atomic round trip.
    BROKER_URL: str | None = None
    # Where the embedded Redis keeps its socket and append-only file.
    VAR_DIR: str = str(PROJECT_ROOT / "var")

    # Classifier artifact. None: the committed default model.
    MODEL_PATH: str | None = None
    # Decision thresholds on the toxicity probability. None: the thresholds chosen by
    # cross-validation and stored in the model's metadata.
    PUBLISH_BELOW: float | None = None
    REJECT_ABOVE: float | None = None

    # A comment still pending this long after submission is queued again by the sweep.
    SWEEP_AFTER_SECONDS: float = 60.0
    # How often the scheduler runs the sweep.
    SWEEP_INTERVAL_SECONDS: float = 30.0
    # A message taken by a worker that died is handed to another worker after this long.
    VISIBILITY_TIMEOUT_SECONDS: int = 300
    # A scoring task also takes up to this many other pending comments, so a backlog is
    # scored in batches (one model call, two Redis round trips per batch).
    SCORING_BATCH: int = 64
    # How long comments claimed by a task are left to it before others may take them.
    CLAIM_LEASE_SECONDS: float = 30.0
    # Celery queue of the service's tasks.
    TASK_QUEUE: str = "moderation"

    # Revoked tokens stop working after at most this long (tokens are cached per process).
    TOKEN_CACHE_SECONDS: float = 5.0
    # Term lists are re-read by workers at most this often.
    TERMS_CACHE_SECONDS: float = 10.0

    MAX_TEXT_LENGTH: int = 5000
    # Request bodies above this size are refused with 413 before being parsed.
    MAX_CONTENT_LENGTH: int = 64 * 1024
    PAGE_SIZE: int = 20
    MAX_PAGE_SIZE: int = 100

    # flask-smorest / OpenAPI
    API_TITLE = "Modération des commentaires"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Served by the app itself (see moderation/docs.py): no CDN is reachable from every network.
    OPENAPI_REDOC_PATH = None
    JSON_SORT_KEYS = False
