from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..redis_client import get_redis
from . import store
from .schemas import EventPageSchema, EventsQuerySchema

blp = Blueprint("events", __name__, url_prefix="/v1",
                description="What happened to the client's comments and reports, to pull.")
BEARER = [{"bearerAuth": []}]


@blp.route("/events")
class Events(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("comments:write", "moderation")
    @blp.arguments(EventsQuerySchema(), location="query")
    @blp.response(200, EventPageSchema)
    def get(self, query: dict):
        """List the calling client's events, oldest first

        Every status change of a comment the client submitted (`comment.status`) and every
        outcome of a report (`report.resolved`). Keep the `next_cursor` and pass it as
        `after` on the next call to read only what is new; de-duplicate on `id`.
        """
        limit = min(query["limit"] or current_app.config["PAGE_SIZE"],
                    current_app.config["MAX_PAGE_SIZE"])
        rows, next_cursor = store.read_events(get_redis(), g.client.name, query["after"], limit)
        return {"items": [store.typed(event_id, fields) for event_id, fields in rows],
                "next_cursor": next_cursor}
