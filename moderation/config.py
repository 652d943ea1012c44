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

    # Webhooks (moderation/webhooks/). Plain http:// endpoints on 127.0.0.1/localhost are
    # accepted only when this is true: for tests and a receiver on the same machine.
    WEBHOOK_ALLOW_HTTP: bool = False
    # How often the scheduler looks for events to push; the delay between a decision and
    # its webhook is at most about this.
    WEBHOOK_INTERVAL_SECONDS: float = 1.0
    # One POST may take this long (connect, then read) before it counts as a failure.
    WEBHOOK_TIMEOUT_SECONDS: float = 5.0
    # After n consecutive failures the next attempt waits BASE * 2^(n-1), at most MAX.
    WEBHOOK_RETRY_BASE_SECONDS: float = 2.0
    WEBHOOK_RETRY_MAX_SECONDS: float = 600.0
    # At most this many events are pushed per delivery run (the next run continues).
    WEBHOOK_BATCH: int = 100

    # Reports (moderation/reports/). A reporter's weight is MAX_WEIGHT ** (2a - 1), where
    # a = (upheld + 1) / (upheld + dismissed + 2): 1 for a new reporter, towards MAX_WEIGHT
    # for one moderators keep agreeing with, towards 1 / MAX_WEIGHT for one they don't.
    REPORTER_MAX_WEIGHT: float = 3.0
    # A reporter is proven after this many upheld reports (and more upheld than dismissed).
    REPORTER_PROVEN_AFTER: int = 3
    # A published comment whose open reports weigh this much is hidden until a moderator
    # decides; below it, it is queued for review but stays visible.
    REPORT_HIDE_THRESHOLD: float = 5.0
    # Unproven reporters together count for at most this: keep it below the threshold so a
    # brigade of new accounts cannot hide a comment on its own.
    REPORT_UNPROVEN_CAP: float = 3.0
    # Per-reporter rate limits on new reports (429 beyond, with Retry-After).
    REPORTS_PER_MINUTE: int = 10
    REPORTS_PER_DAY: int = 100
    # Queue priority = TOXICITY × toxicity + REPORTS × min(report score / threshold, 2)
    #                + AUTHOR × author risk + AGING_PER_HOUR × hours waited.
    QUEUE_WEIGHT_TOXICITY: float = 1.0
    QUEUE_WEIGHT_REPORTS: float = 1.0
    QUEUE_WEIGHT_AUTHOR: float = 0.5
    QUEUE_AGING_PER_HOUR: float = 0.1
    # The `published` queue (what the model published, for spot checks) keeps comments at
    # least this long; the sweep drops them at most (max base priority / aging) hours later.
    PUBLISHED_QUEUE_HOURS: float = 24.0
    # Longest suspension a moderator can give, in hours.
    SUSPEND_MAX_HOURS: int = 24 * 365

    # Dashboard (moderation/dashboard/). Signs the session cookies: set it (the same on every
    # API process) or the dashboard stays closed; `make run` keeps one in var/secret_key.
    SECRET_KEY: str | None = None
    # Session cookies: HttpOnly (Flask's default), not sent on cross-site requests, and Secure
    # when this is true or when the request came over HTTPS.
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    # A moderator stays signed in for a working day.
    PERMANENT_SESSION_LIFETIME: int = 12 * 3600
    # CSRF tokens are checked by the dashboard only (the API's bearer tokens need none), and
    # live as long as the session: a page left open all day must still be able to act.
    WTF_CSRF_CHECK_DEFAULT: bool = False
    WTF_CSRF_TIME_LIMIT: int | None = None
    # Times on the dashboard are shown in the newsroom's zone.
    DASHBOARD_TIMEZONE: str = "Europe/Paris"
    # Items shown per page of a queue.
    DASHBOARD_QUEUE_PAGE: int = 50
    # Text search reads the comments of this many latest entries of the audit stream.
    DASHBOARD_SEARCH_SCAN: int = 20_000
    # Statistics read at most this many audit entries per period (the latest ones).
    DASHBOARD_STATS_MAX_EVENTS: int = 500_000

    # Perspective-compatible API (moderation/perspective/): a drop-in endpoint for Coral Talk
    # and other Perspective clients, at {PERSPECTIVE_PREFIX}/comments:analyze and
    # :suggestscore. Its errors are Google's JSON errors, not problem documents.
    PERSPECTIVE_PREFIX: str = "/v1alpha1"
    # Requests per second per API key (token bucket holding one second's worth), across both
    # methods and every API process; 429 RESOURCE_EXHAUSTED beyond. Perspective's default
    # was 1; a large French site peaks at a few new comments per second.
    PERSPECTIVE_QPS: float = 10.0
    # Perspective's limit on comment.text: 20 KB of UTF-8 (400 "Comment text too long.").
    PERSPECTIVE_MAX_TEXT_BYTES: int = 20 * 1024
    # Span annotations explain at most this many leading characters: explanations cost
    # more than linear time in the text's length, and the answer must stay within ~50 ms.
    PERSPECTIVE_SPAN_MAX_CHARS: int = 2000

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
