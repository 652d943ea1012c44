"""Request and response bodies of moderator decisions and comment history."""

from __future__ import annotations

import marshmallow as ma

from ..comments.schemas import ID_PATTERN
from ..keys import STATUSES
from .store import ACTIONS, REASON_CODES

NOTE_MAX = 1000
BULK_MAX = 100

moderator_field = dict(required=True, validate=ma.validate.Length(min=1, max=200),
                       metadata={"description": "Who decides: the moderator's name or email (tokens belong to tools, not people).",
                                 "example": "claire.martin@exemple.fr"})


class _DecisionFields(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    action = ma.fields.String(required=True, validate=ma.validate.OneOf(ACTIONS), metadata={"enum": list(ACTIONS)})
    reason_code = ma.fields.String(required=True, validate=ma.validate.OneOf(REASON_CODES), metadata={"enum": list(REASON_CODES)})
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=NOTE_MAX))
    moderator = ma.fields.String(**moderator_field)


class DecisionCreateSchema(_DecisionFields):
    version = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1),
                                metadata={"description": "The comment's `version` the moderator saw; a decision on an older one is refused (409)."})


class BulkItemSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    id = ma.fields.String(required=True, validate=ma.validate.Regexp(ID_PATTERN))
    version = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1))


class BulkDecisionSchema(_DecisionFields):
    items = ma.fields.List(ma.fields.Nested(BulkItemSchema), required=True,
                           validate=ma.validate.Length(min=1, max=BULK_MAX),
                           metadata={"description": f"1 to {BULK_MAX} comments, each with the version the moderator saw."})


class BulkResultSchema(ma.Schema):
    id = ma.fields.String()
    outcome = ma.fields.String(metadata={"enum": ["applied", "stale", "not_found"]})
    status = ma.fields.String(allow_none=True, metadata={"enum": list(STATUSES), "description": "The comment's status after the call."})
    version = ma.fields.Integer(allow_none=True, metadata={"description": "The comment's version after the call."})


class BulkResultsSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(BulkResultSchema))


class HistoryQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=1000))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{1,20}-\d{1,20}$", error="Not a cursor returned by this endpoint."))


class HistoryEntrySchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "The entry's id in the stream (increasing)."})
    at = ma.fields.DateTime()
    event = ma.fields.String(metadata={"description": "`status` (a change of status), `report`, or `report.resolved`."})
    actor = ma.fields.String(metadata={"description": "`api`, `model`, `reports`, `reporter:<id>` or the moderator."})
    from_ = ma.fields.String(data_key="from", allow_none=True)
    to = ma.fields.String()
    reason = ma.fields.String()
    reporter_id = ma.fields.String(allow_none=True)


class HistoryPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(HistoryEntrySchema))
    next_cursor = ma.fields.String(allow_none=True)
