"""`comments:analyze` and `comments:suggestscore`, as Perspective's v1alpha1 API serves them.

The key comes as Google's do: `?key=` or the `X-Goog-Api-Key` header. It is an API client
token with the `analyze` scope. Scoring runs here, in the API process, where the model is
already loaded: no queue, one Redis round trip (the quota).
"""

from __future__ import annotations

import functools

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..classifier import get_classifier
from ..redis_client import get_redis
from . import analysis, store
from .errors import GoogleError, error_info, invalid_argument
from .schemas import (AnalyzeRequestSchema, AnalyzeResponseSchema, GoogleErrorSchema,
                      SuggestScoreRequestSchema, SuggestScoreResponseSchema)

blp = Blueprint("perspective", __name__, description="Perspective API–compatible endpoints "
                "(Coral Talk and other Perspective clients). Errors are Google's JSON errors.")
KEY = [{"perspectiveKey": []}]
SCOPE = "analyze"


def require_key(view):
    """The caller's key must be an active client token with the `analyze` scope; refused
    the way Google refuses a missing, invalid or restricted key."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = (request.args.get("key") or request.headers.get("X-Goog-Api-Key") or "").strip()
        if not key:
            raise GoogleError(403, "The request is missing a valid API key.")
        client = current_app.extensions["token_cache"].lookup(get_redis(), key)
        if client is None:
            raise GoogleError(400, "API key not valid. Please pass a valid API key.",
                              error_info("API_KEY_INVALID"))
        if SCOPE not in client.scopes:
            method = request.path.rsplit("/", 1)[-1]
            raise GoogleError(403, f"Requests to this API method {method} are blocked: the key "
                                   f"lacks the `{SCOPE}` scope.", error_info("API_KEY_SERVICE_BLOCKED"))
        if not request.is_json:
            raise invalid_argument("Invalid JSON payload received. Send the body as JSON, with "
                                   "`Content-Type: application/json`.")
        g.client = client
        return view(*args, **kwargs)

    return wrapper


def _qps() -> float:
    """The key's own quota, else the configured one."""
    return g.client.qps or current_app.config["PERSPECTIVE_QPS"]


def _take_quota() -> None:
    wait = store.take(get_redis(), g.client.name, _qps())
    if wait:
        raise analysis.quota_error(g.client.name, wait)


@blp.route("/comments:analyze")
class Analyze(MethodView):
    @blp.doc(security=KEY)
    @require_key
    @blp.arguments(AnalyzeRequestSchema())
    @blp.response(200, AnalyzeResponseSchema)
    @blp.alt_response(400, schema=GoogleErrorSchema, description="INVALID_ARGUMENT: bad key, body, text, attribute or language.")
    @blp.alt_response(403, schema=GoogleErrorSchema, description="PERMISSION_DENIED: no key, or a key without the `analyze` scope.")
    @blp.alt_response(429, schema=GoogleErrorSchema, description="RESOURCE_EXHAUSTED: the key's requests per second are used up.")
    def post(self, data: dict):
        """Score a comment (Perspective's AnalyzeComment)

        `attributeScores.TOXICITY.summaryScore.value` is our model's toxicity probability,
        in [0, 1]. Nothing of the request is stored, `doNotStore` or not.
        """
        config = current_app.config
        checked = analysis.check_analyze(data, config["PERSPECTIVE_MAX_TEXT_BYTES"])
        _take_quota()
        answer: dict = {
            "attributeScores": analysis.attribute_scores(get_classifier(), checked,
                                                         config["PERSPECTIVE_SPAN_MAX_CHARS"]),
            "languages": checked.languages,
            "detectedLanguages": [checked.detected],
        }
        if data["client_token"] is not None:
            answer["clientToken"] = data["client_token"]
        return answer


@blp.route("/comments:suggestscore")
class SuggestScore(MethodView):
    @blp.doc(security=KEY)
    @require_key
    @blp.arguments(SuggestScoreRequestSchema())
    @blp.response(200, SuggestScoreResponseSchema)
    @blp.alt_response(400, schema=GoogleErrorSchema, description="INVALID_ARGUMENT: bad key or body.")
    @blp.alt_response(403, schema=GoogleErrorSchema, description="PERMISSION_DENIED: no key, or a key without the `analyze` scope.")
    @blp.alt_response(429, schema=GoogleErrorSchema, description="RESOURCE_EXHAUSTED: the key's requests per second are used up.")
    def post(self, data: dict):
        """Suggest what a comment's score should be (Perspective's SuggestCommentScore)

        Each (attribute, value) is kept as a training label in the `mod:labels` stream
        unless the same client already suggested it for the same text. Coral sends a
        moderator's decision as `APPROVED` or `DELETED` with value 1; a decision is kept
        whenever it differs from the client's last one on that text.
        """
        config = current_app.config
        text, scores = analysis.check_suggest(data, config["PERSPECTIVE_MAX_TEXT_BYTES"])
        context = [e["text"] for e in (data["context"] or {}).get("entries", []) if e.get("text")]
        wait, _ = store.suggest(
            get_redis(), g.client.name, _qps(), text=text, scores=scores,
            labels=analysis.LABEL_OF, languages=[analysis.normalize_language(c) for c in data["languages"]],
            community_id=data["community_id"], client_token=data["client_token"], context=context,
            model_version=get_classifier().version)
        if wait:
            raise analysis.quota_error(g.client.name, wait)
        answer: dict = {}
        if data["client_token"] is not None:
            answer["clientToken"] = data["client_token"]
        if data["languages"]:
            answer["requestedLanguages"] = data["languages"]
        return answer
