"""Google's JSON error envelope, which Perspective clients parse:
``{"error": {"code": 400, "message": "…", "status": "INVALID_ARGUMENT", "details": […]}}``.

Every error of a request under the Perspective prefix is rendered here (see
`ProblemApi.add_envelope`), whatever raised it: our own checks (`GoogleError`), the body
schemas (422 from flask-smorest), Werkzeug (404, 405, 413), Redis, or a bug.
"""

from __future__ import annotations

import logging
import traceback

import redis
from flask import current_app, request
from werkzeug.exceptions import HTTPException

from ..errors import ModerationError, _flatten

log = logging.getLogger(__name__)

# google.rpc.Code names by the HTTP status Google's front end gives them.
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
# The `@type` of Perspective's own error details (errorType: COMMENT_EMPTY, …).
PERSPECTIVE_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


class GoogleError(ModerationError):
    """An error to answer in Google's shape: HTTP `status`, its google.rpc name, a message
    and optional `details` objects."""

    def __init__(self, status: int, message: str, details: list[dict] | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(message, headers)
        self.status = status
        self.details = details or []


def invalid_argument(message: str, error_type: str | None = None, **fields) -> GoogleError:
    """400 INVALID_ARGUMENT; with `error_type`, the Perspective detail clients branch on
    (`LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE` to drop an attribute and retry, for instance)."""
    details = [{"@type": PERSPECTIVE_ERROR_TYPE, "errorType": error_type, **fields}] if error_type else []
    return GoogleError(400, message, details)


def error_info(reason: str) -> list[dict]:
    """The google.rpc.ErrorInfo detail Google's front end adds to key and quota errors."""
    return [{"@type": ERROR_INFO_TYPE, "reason": reason, "domain": "googleapis.com",
             "metadata": {"service": "commentanalyzer.googleapis.com"}}]


def body(status: int, message: str, details: list[dict] | None = None,
         headers: dict | None = None):
    """A Google error as a Flask return value."""
    error = {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}
    if details:
        error["details"] = details
    return {"error": error}, status, headers or {}


def _schema_message(messages: object) -> str:
    """The body schemas' complaints, phrased like Google's JSON parser."""
    parts = []
    for field, msgs in sorted(_flatten(messages).items()):
        for msg in msgs:
            if msg == "Unknown field.":
                parent, _, name = field.rpartition(".")
                where = f" at '{parent}'" if parent else ""
                parts.append(f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.')
            elif field == "_body":
                parts.append(f"Invalid JSON payload received. {msg}")
            else:
                parts.append(f"Invalid value at '{field}': {msg}")
    return "\n".join(parts) or "Invalid JSON payload received."


def render(error: Exception):
    """Any error under the Perspective prefix, as Google would answer it. Never a 500 for a
    client's mistake; a 500 only for a bug, logged without the request's body or text."""
    if isinstance(error, GoogleError):
        return body(error.status, error.detail, error.details, error.headers)
    if isinstance(error, ModerationError):
        return body(error.status, error.detail, headers=error.headers)
    if isinstance(error, (redis.ConnectionError, redis.TimeoutError)):
        log.error("Redis unreachable on %s %s: %s", request.method, request.path, type(error).__name__)
        return body(503, "The service is currently unavailable.", headers={"Retry-After": "5"})
    if isinstance(error, HTTPException):
        code = error.code or 500
        data = getattr(error, "data", None) or {}
        if code in (400, 422):  # malformed JSON (webargs) or a body the schema refuses
            return body(400, _schema_message(data.get("messages") or error.description))
        if code == 413:
            # Perspective has no 413: a comment past its limit gets 400 INVALID_ARGUMENT,
            # and Google's front end answers an oversized payload the same way.
            limit = current_app.config["MAX_CONTENT_LENGTH"]
            return body(400, f"Request payload size exceeds the limit: {limit} bytes.")
        if code in (404, 405):  # Google knows no 405: a method it does not serve is not found
            return body(404, f"Method not found: {request.method} {request.path}")
        if code == 415:
            return body(400, "Invalid JSON payload received. Send the body as JSON.")
        if code < 500:
            return body(code, error.description or "Invalid request.")
    # A bug. The message and locals of an exception may quote the comment; the frames do not.
    log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method, request.path,
              "".join(traceback.format_tb(error.__traceback__)))
    return body(500, "Internal error encountered.")
