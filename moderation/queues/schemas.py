"""Response bodies and query of the queues resource."""

from __future__ import annotations

import marshmallow as ma

from ..comments.schemas import CommentSchema
from .store import QUEUES


class QueueSizeSchema(ma.Schema):
    name = ma.fields.String(metadata={"enum": list(QUEUES)})
    size = ma.fields.Integer()


class QueueListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueSizeSchema))


class QueueQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Regexp(
        r"^-?\d{1,20}(\.\d{1,20})?(e[+-]?\d{1,3})?~[^\s\x00-\x1f\x7f]{1,128}$",
        error="Not a cursor returned by this endpoint."))


class ReportSchema(ma.Schema):
    reporter_id = ma.fields.String()
    reason = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    weight = ma.fields.Float()
    proven = ma.fields.Boolean()
    state = ma.fields.String(metadata={"enum": ["open", "upheld", "dismissed"]})
    at = ma.fields.DateTime()


class AuthorSummarySchema(ma.Schema):
    id = ma.fields.String()
    state = ma.fields.String()
    until = ma.fields.DateTime(allow_none=True)
    published = ma.fields.Integer()
    rejected = ma.fields.Integer()
    reported = ma.fields.Integer(metadata={"description": "How many of the author's comments have been reported."})


class QueueItemSchema(ma.Schema):
    comment = ma.fields.Nested(CommentSchema)
    priority = ma.fields.Float(allow_none=True, metadata={"description": "The item's priority now (see the README's formula); null in `pending`."})
    report_score = ma.fields.Float(metadata={"description": "Weighted sum of the open reports, as counted for hiding."})
    reports = ma.fields.List(ma.fields.Nested(ReportSchema))
    author = ma.fields.Nested(AuthorSummarySchema)


class QueuePageSchema(ma.Schema):
    name = ma.fields.String()
    size = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Pass as `cursor` for the next page; null on the last page."})
