"""A drop-in replacement for Google's Perspective API (closing on 31 December 2026):
`comments:analyze` and `comments:suggestscore` under `PERSPECTIVE_PREFIX`, in Perspective's
request, response and error shapes, scored by our French model."""

from __future__ import annotations

from flask import Flask

from ..errors import ProblemApi
from . import errors
from .views import blp

__all__ = ["blp", "init_app"]


def init_app(app: Flask, api: ProblemApi) -> None:
    """Register the endpoints under the configured prefix, with Google-shaped errors for
    every request under it (404, 405 and 413 included)."""
    prefix = "/" + app.config["PERSPECTIVE_PREFIX"].strip("/")
    if prefix.rstrip("/") in ("", "/v1"):
        raise ValueError(f"PERSPECTIVE_PREFIX {prefix!r} would take over the /v1 API's errors")
    if not app.config["PERSPECTIVE_QPS"] > 0:
        raise ValueError("PERSPECTIVE_QPS must be a positive number of requests per second")
    api.spec.components.security_scheme("perspectiveKey", {"type": "apiKey", "in": "query", "name": "key"})
    api.register_blueprint(blp, url_prefix=prefix)
    api.add_envelope(prefix, errors.render)
