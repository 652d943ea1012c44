from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_scope
from ..redis_client import get_redis
from . import store
from .schemas import WebhookCreatedSchema, WebhookSchema, WebhookSetSchema

blp = Blueprint("webhook", __name__, url_prefix="/v1",
                description="The calling client's webhook: its events, pushed as signed POSTs.")
BEARER = [{"bearerAuth": []}]


@blp.route("/webhook")
class Webhook(MethodView):
    @blp.doc(security=BEARER)
    @require_scope("comments:write")
    @blp.arguments(WebhookSetSchema())
    @blp.response(200, WebhookCreatedSchema)
    def put(self, data: dict):
        """Register the endpoint that receives the client's events

        Replaces any previous endpoint and issues a new signing `secret`, returned only in
        this response. A new webhook receives the events that follow its registration
        (read older ones with `GET /v1/events`); replacing one loses no event.
        """
        view, secret = store.set_webhook(get_redis(), g.client.name, data["url"],
                                         allow_http=current_app.config["WEBHOOK_ALLOW_HTTP"])
        return {**view, "secret": secret}

    @blp.doc(security=BEARER)
    @require_scope("comments:write")
    @blp.response(200, WebhookSchema)
    def get(self):
        """Read the client's webhook and how its deliveries are going"""
        return store.get_webhook(get_redis(), g.client.name)

    @blp.doc(security=BEARER)
    @require_scope("comments:write")
    @blp.response(204)
    def delete(self):
        """Stop pushing the client's events"""
        store.remove_webhook(get_redis(), g.client.name)
