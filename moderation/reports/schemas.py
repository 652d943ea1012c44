"""Request and response bodies of the reports resource."""

from __future__ import annotations

import marshmallow as ma

from ..comments.schemas import ID_PATTERN
from ..keys import STATUSES

REPORT_REASONS = ("insult", "hate", "threat", "harassment", "spam", "off_topic",
                  "misinformation", "illegal", "other")
NOTE_MAX = 1000


class ReportCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    reporter_id = ma.fields.String(required=True, validate=ma.validate.Regexp(ID_PATTERN, error="Must be 1 to 128 characters, without spaces or control characters."),
                                   metadata={"description": "The site's member id of the member reporting.", "example": "membre-77"})
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(REPORT_REASONS), metadata={"enum": list(REPORT_REASONS)})
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=NOTE_MAX),
                            metadata={"description": f"The member's words, at most {NOTE_MAX} characters."})


class ReportResultSchema(ma.Schema):
    comment_id = ma.fields.String()
    reporter_id = ma.fields.String()
    reason = ma.fields.String()
    duplicate = ma.fields.Boolean(metadata={"description": "True when this member had already reported the comment: nothing changed."})
    weight = ma.fields.Float(allow_none=True, metadata={"description": "What the report counts for, from the reporter's record; null for a duplicate."})
    comment_status = ma.fields.String(metadata={"enum": list(STATUSES), "description": "The comment's status after the report (`hidden` when it crossed the threshold)."})
