"""Reading a client's event stream (`keys.EVENTS`), written by the scripts that change a
comment or resolve a report, and turning its entries into typed events."""

from __future__ import annotations

from datetime import datetime, timezone

import redis

from .. import keys
from ..errors import ModerationError
from .schemas import EventSchema

# Stream fields are strings; these carry other types in the JSON the site receives.
INTEGER_FIELDS = frozenset({"version"})
TIME_FIELDS = frozenset({"at"})

_schema = EventSchema()


class InvalidCursor(ModerationError):
    status = 422


def typed(event_id: str, fields: dict[str, str]) -> dict:
    """A stream entry as an event: `at` a datetime, counts integers, empty fields None."""
    event: dict = {"id": event_id}
    for name, value in fields.items():
        if value == "":
            event[name] = None
        elif name in TIME_FIELDS:
            event[name] = datetime.fromtimestamp(float(value), tz=timezone.utc)
        elif name in INTEGER_FIELDS:
            event[name] = int(value)
        else:
            event[name] = value
    return event


def to_json(event_id: str, fields: dict[str, str]) -> dict:
    """The JSON object of one event, as GET /v1/events lists it and webhooks post it."""
    return _schema.dump(typed(event_id, fields))


def read_events(r: redis.Redis, client: str, after: str | None,
                limit: int) -> tuple[list[tuple[str, dict[str, str]]], str]:
    """Up to `limit` raw entries of `client`'s stream after `after`, oldest first, and the
    cursor to continue from (the last id returned, or `after` when there is nothing new)."""
    start = f"({after}" if after else "-"
    try:
        rows = r.xrange(keys.events(client), min=start, max="+", count=limit)
    except redis.ResponseError as exc:
        # The pattern check lets through a few ids Redis still refuses, e.g. the largest one.
        raise InvalidCursor(f"Not a usable cursor: {after!r}.") from exc
    next_cursor = rows[-1][0] if rows else (after or "0-0")
    return rows, next_cursor
