"""Liveness and readiness probes for process supervisors and load balancers."""

from __future__ import annotations

from flask import Blueprint, current_app

from .redis_client import get_redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up and serving requests."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Redis, the broker and the model are all usable; 503 names what is not."""
    checks: dict[str, dict] = {}
    try:
        get_redis().ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:  # any failure to reach Redis means not ready, whatever its kind
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    checks["broker"] = _broker_check()
    clf = current_app.extensions.get("classifier")
    checks["model"] = {"ok": clf is not None, "version": getattr(clf, "version", None)}
    ready = all(c["ok"] for c in checks.values())
    return {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503


def _broker_check() -> dict:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True}
    except Exception as exc:  # kombu raises transport-specific errors
        return {"ok": False, "error": type(exc).__name__}
