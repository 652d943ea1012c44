"""Request and response bodies of the comments resource."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app

from ..keys import STATUSES

# Ids come from the site's own database: any short printable string without whitespace.
ID_PATTERN = r"^[^\s\x00-\x1f\x7f]{1,128}$"
id_field = dict(required=True, validate=ma.validate.Regexp(ID_PATTERN, error="Must be 1 to 128 characters, without spaces or control characters."))


class CommentCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    article_id = ma.fields.String(**id_field, metadata={"description": "The article the comment is posted under.", "example": "2026-11-25-budget"})
    author_id = ma.fields.String(**id_field, metadata={"description": "The site's member id of the author.", "example": "membre-4821"})
    text = ma.fields.String(required=True, metadata={"description": "The comment, 1 to 5,000 characters once trimmed.", "example": "Très bon article, merci !"})
    parent_id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Regexp(ID_PATTERN), metadata={"description": "Id of the comment this one answers."})
    external_id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Regexp(ID_PATTERN), metadata={"description": "The site's own id for the comment; resubmitting it returns the same comment."})

    @ma.pre_load
    def trim_text(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            data = {**data, "text": data["text"].strip()}
        return data

    @ma.validates("text")
    def validate_text(self, value: str, **kwargs) -> None:
        limit = current_app.config["MAX_TEXT_LENGTH"]
        if not value:
            raise ma.ValidationError("Must not be empty.")
        if len(value) > limit:
            raise ma.ValidationError(f"Must be at most {limit} characters (got {len(value)}).")
        if "\x00" in value:
            raise ma.ValidationError("Must not contain NUL characters.")


class AcceptedSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "The comment's id in this service."})
    status = ma.fields.String(metadata={"description": "`pending` for a new comment; the current status for a resubmitted `external_id`."})


class DecisionSchema(ma.Schema):
    action = ma.fields.String(metadata={"description": "`publish`, `review` or `reject`."})
    reason = ma.fields.String(metadata={"description": "Why, in words (threshold crossed, term matched…)."})
    decided_by = ma.fields.String(metadata={"description": "`model`, or the moderator who decided."})
    model_version = ma.fields.String(allow_none=True)
    decided_at = ma.fields.DateTime()


class SpanSchema(ma.Schema):
    start = ma.fields.Integer()
    end = ma.fields.Integer()
    text = ma.fields.String()
    label = ma.fields.String()
    weight = ma.fields.Float()


class CommentSchema(ma.Schema):
    id = ma.fields.String()
    article_id = ma.fields.String()
    author_id = ma.fields.String()
    parent_id = ma.fields.String(allow_none=True)
    external_id = ma.fields.String(allow_none=True)
    text = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    version = ma.fields.Integer(metadata={"description": "Increases with every change of the comment."})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    scores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), allow_none=True, metadata={"description": "Probability per label, once scored."})
    spans = ma.fields.List(ma.fields.Nested(SpanSchema), metadata={"description": "The words that drove the scores."})
    decision = ma.fields.Nested(DecisionSchema, allow_none=True)


class ArticleCommentsQuerySchema(ma.Schema):
    # Unknown query parameters (cache busters, tracking tags) are ignored, not refused.
    status = ma.fields.String(load_default="published", validate=ma.validate.OneOf(STATUSES))
    limit = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{1,18}$", error="Not a cursor returned by this endpoint."))


class CommentPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CommentSchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Pass as `cursor` for the next page; null on the last page."})
