"""Request-body rules shared by every JSON endpoint."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import UnsupportedMediaType


def require_json_bodies(app: Flask) -> None:
    @app.before_request
    def _check_content_type():
        # A form post or a text/plain body would otherwise reach the schema as "missing
        # fields" (422); the truthful answer is 415.
        if request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/v1/"):
            if request.content_length == 0 and not request.mimetype:
                return None
            if not request.is_json:
                raise UnsupportedMediaType("Send the body as JSON, with `Content-Type: application/json`.")
        return None
