from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..priority import Priority
from ..redis_client import get_redis
from ..reports.store import Rules
from . import store
from .schemas import QueueListSchema, QueuePageSchema, QueueQuerySchema

blp = Blueprint("queues", __name__, url_prefix="/v1", description="Moderation queues, most urgent first.")
BEARER = [{"bearerAuth": []}]


@blp.route("/queues")
class Queues(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.response(200, QueueListSchema)
    def get(self):
        """List the moderation queues and their sizes"""
        return {"items": store.sizes(get_redis())}


@blp.route("/queues/<name>")
class Queue(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.arguments(QueueQuerySchema(), location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, query: dict, name: str):
        """Read a queue, highest priority first

        Each item has the comment (scores, highlighted spans, version to decide on), its
        open reports, the author's record and its priority now. `pending` is the scoring
        backlog, oldest first. Pass `next_cursor` as `cursor` for the next page.
        """
        config = current_app.config
        limit = min(query["limit"] or config["PAGE_SIZE"], config["MAX_PAGE_SIZE"])
        return store.list_queue(get_redis(), name, limit, query["cursor"], Priority.from_config(config),
                                Rules.from_config(config))
