from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..queueing import get_queue
from ..redis_client import get_redis
from . import store
from .schemas import (AcceptedSchema, ArticleCommentsQuerySchema, CommentCreateSchema,
                      CommentPageSchema, CommentSchema)

blp = Blueprint("comments", __name__, url_prefix="/v1", description="Comments submitted by the site.")
BEARER = [{"bearerAuth": []}]


@blp.route("/comments")
class Comments(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("comments:write")
    @blp.arguments(CommentCreateSchema())
    @blp.response(202, AcceptedSchema)
    def post(self, data: dict):
        """Submit a comment for moderation

        The comment is stored as `pending` and scored by a worker within moments; read its
        status at the `Location` given. Resubmitting the same `external_id` returns the
        comment already stored and creates nothing.
        """
        queue = get_queue()
        comment_id = store.new_id()
        broker_list, message = queue.inline_message(comment_id)
        created = store.create_comment(get_redis(), comment_id=comment_id, client=g.client.name,
                                       broker_list=broker_list, broker_message=message, **data)
        if created.created and not broker_list:
            queue.publish(created.id)  # on failure the comment stays pending for the sweep
        location = f"{blp.url_prefix}/comments/{created.id}"
        return {"id": created.id, "status": created.status}, 202, {"Location": location}


@blp.route("/comments/<comment_id>")
class Comment(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("comments:write", "moderation")
    @blp.response(200, CommentSchema)
    def get(self, comment_id: str):
        """Read a comment, its status, scores and decision"""
        return store.get_comment(get_redis(), comment_id)


@blp.route("/articles/<article_id>/comments")
class ArticleComments(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("comments:write", "moderation")
    @blp.arguments(ArticleCommentsQuerySchema(), location="query")
    @blp.response(200, CommentPageSchema)
    def get(self, query: dict, article_id: str):
        """List an article's comments in one status, newest first

        By default the published ones: what the site shows under the article. Pass the
        `next_cursor` of a page as `cursor` to read the next one.
        """
        limit = query["limit"] or current_app.config["PAGE_SIZE"]
        items, next_cursor = store.list_article_comments(
            get_redis(), article_id, query["status"], min(limit, current_app.config["MAX_PAGE_SIZE"]),
            query["cursor"])
        return {"items": items, "next_cursor": next_cursor}
