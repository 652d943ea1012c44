"""One error envelope for every error: RFC 9457 ``application/problem+json``.

The storage layer raises the domain exceptions below; views let them propagate and the
handlers here turn each into an HTTP problem, so no view formats an error by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import marshmallow as ma
import redis
from flask import Flask, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"


class ProblemSchema(ma.Schema):
    """The body of every error response."""

    type = ma.fields.String(metadata={"description": "Problem type URI; `about:blank` when the status says it all."})
    title = ma.fields.String(metadata={"description": "Short name of the HTTP status."})
    status = ma.fields.Integer(metadata={"description": "HTTP status code."})
    detail = ma.fields.String(metadata={"description": "What went wrong, for a human."})
    instance = ma.fields.String(metadata={"description": "The request path."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Validation messages per field (`text`, `article_id`, …); "
                  "`_body` for problems with the body as a whole."},
    )


class ModerationError(Exception):
    """Base of the domain errors; `status` is the HTTP status they map to."""

    status = 400

    def __init__(self, detail: str, headers: dict | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class NotFound(ModerationError):
    status = 404


class Conflict(ModerationError):
    status = 409


class Forbidden(ModerationError):
    """The request is understood and allowed for the client, but refused for this member
    (a banned or suspended author)."""
    status = 403


class Unprocessable(ModerationError):
    """A well-formed request that the rules refuse (a member reporting their own comment)."""
    status = 422


class TooManyRequests(ModerationError):
    """A rate limit was hit; raise it with a `Retry-After` header."""
    status = 429


def _flatten(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests messages by location (`{"json": {"text": [...]}}`); clients want fields."""
    if isinstance(messages, list):
        return {prefix or "_body": [str(m) for m in messages]}
    if not isinstance(messages, dict):
        return {prefix or "_body": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        key = str(key)
        if not prefix and key in ("json", "query", "view_args", "headers", "form"):
            name = ""
        elif key == "_schema":
            name = prefix
        else:
            name = f"{prefix}.{key}" if prefix else key
        for field, msgs in _flatten(value, name).items():
            flat.setdefault(field, []).extend(msgs)
    return flat


def problem(status: int, detail: str | None = None, *, title: str | None = None,
            errors: dict | None = None, headers: dict | None = None):
    """A problem response as a Flask return value."""
    from werkzeug.http import HTTP_STATUS_CODES

    body = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or HTTP_STATUS_CODES.get(status, "Error"),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    all_headers = {"Content-Type": PROBLEM_MIMETYPE, **(headers or {})}
    return body, status, all_headers


class ProblemApi(Api):
    """flask-smorest's Api with every error rendered as a problem document, except under the
    path prefixes given to `add_envelope`."""

    ERROR_SCHEMA = ProblemSchema

    def add_envelope(self, prefix: str, render: Callable[[Exception], object]) -> None:
        """Answer every error of a request under `prefix` with `render(error)` instead of a
        problem document: endpoints that imitate another API must fail in its shape too
        (the Perspective-compatible ones answer Google's). App-level handlers are used,
        rather than a blueprint's, because routing errors (404, 405) and bodies refused
        before a view runs (413) belong to no blueprint."""
        self._envelopes = [*getattr(self, "_envelopes", []), (prefix.rstrip("/") + "/", render)]

    def _foreign(self, error: Exception):
        for prefix, render in getattr(self, "_envelopes", ()):
            if request.path.startswith(prefix):
                return render(error)
        return None

    def _register_error_handlers(self) -> None:
        super()._register_error_handlers()
        self._app.register_error_handler(ModerationError, self.handle_domain_error)
        self._app.register_error_handler(redis.ConnectionError, self.handle_store_down)
        self._app.register_error_handler(redis.TimeoutError, self.handle_store_down)
        self._app.register_error_handler(Exception, self.handle_unexpected)

    def _register_responses(self) -> None:
        # The documented error responses are problem documents; successes stay JSON.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MIMETYPE
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error: HTTPException):
        if (foreign := self._foreign(error)) is not None:
            return foreign
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message") or error.description
        if errors:
            errors = _flatten(errors)
            if error.code == 422:
                detail = "The request body is not valid; see `errors` for each field."
            elif error.code == 400 and not data.get("message"):
                detail = "; ".join(m for msgs in errors.values() for m in msgs)
        return problem(error.code or 500, detail, title=error.name, errors=errors,
                       headers=data.get("headers"))

    def handle_domain_error(self, error: ModerationError):
        if (foreign := self._foreign(error)) is not None:
            return foreign
        return problem(error.status, error.detail, headers=error.headers)

    def handle_store_down(self, error: redis.RedisError):
        if (foreign := self._foreign(error)) is not None:
            return foreign
        log.error("Redis unreachable on %s %s: %s", request.method, request.path, error)
        return problem(503, "The comment store is unreachable; nothing was changed. Retry later.",
                       headers={"Retry-After": "5"})

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        if (foreign := self._foreign(error)) is not None:
            return foreign
        log.exception("unhandled error on %s %s", request.method, request.path)
        return self.handle_http_exception(InternalServerError())


def init_app(app: Flask) -> ProblemApi:
    api = ProblemApi(app, spec_kwargs={"components": {"schemas": {}}})
    return api
