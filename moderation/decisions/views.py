from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..comments import store as comments
from ..comments.schemas import CommentSchema
from ..errors import Conflict, NotFound
from ..redis_client import get_redis
from . import store
from .schemas import (BulkDecisionSchema, BulkResultsSchema, DecisionCreateSchema,
                      HistoryPageSchema, HistoryQuerySchema)

blp = Blueprint("decisions", __name__, url_prefix="/v1",
                description="Moderators' decisions on comments, and each comment's history.")
BEARER = [{"bearerAuth": []}]


@blp.route("/comments/<comment_id>/decision")
class CommentDecision(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.arguments(DecisionCreateSchema())
    @blp.response(200, CommentSchema)
    def post(self, data: dict, comment_id: str):
        """Decide a comment: approve, reject or hide it

        `version` is the comment's version the moderator saw: if the comment changed since
        (a colleague decided, a report hid it), nothing is done and the answer is 409.
        The comment's open reports are resolved: dismissed by `approve`, upheld otherwise.
        """
        r = get_redis()
        version = data.pop("version")
        [result] = store.decide(r, [(comment_id, version)], **data)
        if result.outcome == "not_found":
            raise NotFound(f"No comment with id {comment_id!r}.")
        if result.outcome == "stale":
            raise Conflict(f"Comment {comment_id!r} is at version {result.version}, not {version}: "
                           "it changed since it was read; read it again before deciding.")
        return comments.get_comment(r, comment_id)


@blp.route("/decisions")
class BulkDecisions(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.arguments(BulkDecisionSchema())
    @blp.response(200, BulkResultsSchema)
    def post(self, data: dict):
        """Apply one decision to many comments

        Each comment is decided or refused on its own: `results` gives, in order, `applied`,
        `stale` (changed since the version given) or `not_found` for each.
        """
        items = [(item["id"], item["version"]) for item in data.pop("items")]
        return {"results": store.decide(get_redis(), items, **data)}


@blp.route("/comments/<comment_id>/history")
class CommentHistory(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.arguments(HistoryQuerySchema(), location="query")
    @blp.response(200, HistoryPageSchema)
    def get(self, query: dict, comment_id: str):
        """Read a comment's audit trail, oldest first

        Every change of status (who, when, from, to, why), every report and every report
        resolution.
        """
        limit = min(query["limit"] or current_app.config["PAGE_SIZE"], 1000)
        items, next_cursor = store.history(get_redis(), comment_id, limit, query["cursor"])
        return {"items": items, "next_cursor": next_cursor}
