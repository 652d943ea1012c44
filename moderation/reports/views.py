from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..priority import Priority
from ..redis_client import get_redis
from . import store
from .schemas import ReportCreateSchema, ReportResultSchema

blp = Blueprint("reports", __name__, url_prefix="/v1", description="Members' reports on comments.")
BEARER = [{"bearerAuth": []}]


@blp.route("/comments/<comment_id>/reports")
class CommentReports(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("reports:write")
    @blp.arguments(ReportCreateSchema())
    @blp.response(201, ReportResultSchema)
    @blp.alt_response(200, schema=ReportResultSchema, description="The member had already reported this comment: nothing changed, `duplicate` is true.")
    def post(self, data: dict, comment_id: str):
        """Report a comment on behalf of a member

        One report per member and comment: a repeat answers 200 with `duplicate: true` and
        changes nothing. A published comment whose reports weigh enough is hidden and queued
        for moderators; below that it is queued and stays visible.
        """
        config = current_app.config
        result = store.report_comment(get_redis(), comment_id, **data,
                                      rules=store.Rules.from_config(config),
                                      priority=Priority.from_config(config))
        body = {"comment_id": comment_id, "reporter_id": data["reporter_id"], "reason": data["reason"],
                "duplicate": result.duplicate, "weight": result.weight,
                "comment_status": result.comment_status}
        return body, 200 if result.duplicate else 201
