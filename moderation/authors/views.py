from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..redis_client import get_redis
from . import store
from .schemas import AuthorActionSchema, AuthorSchema

blp = Blueprint("authors", __name__, url_prefix="/v1", description="Authors' records and sanctions.")
BEARER = [{"bearerAuth": []}]


@blp.route("/authors/<author_id>")
class Author(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.response(200, AuthorSchema)
    def get(self, author_id: str):
        """Read an author's record: counts, sanction, latest comments, actions taken"""
        return store.get_author(get_redis(), author_id)


@blp.route("/authors/<author_id>/actions")
class AuthorActions(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("moderation")
    @blp.arguments(AuthorActionSchema())
    @blp.response(200, AuthorSchema)
    def post(self, data: dict, author_id: str):
        """Pre-moderate, suspend, ban or restore an author

        `premoderate`: every new comment of theirs goes to review. `suspend` (with
        `duration_hours`): their comments are refused (403) until then. `ban`: refused for
        good. `restore`: back to normal. Each action is kept in the author's audit trail.
        """
        return store.act(get_redis(), author_id, **data)
