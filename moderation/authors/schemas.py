"""Request and response bodies of the authors resource."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app

from ..comments.schemas import CommentSchema
from ..decisions.schemas import moderator_field
from ..keys import AUTHOR_STATES
from ..queues.schemas import AuthorSummarySchema
from .store import AUTHOR_ACTIONS


class AuthorActionSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    action = ma.fields.String(required=True, validate=ma.validate.OneOf(AUTHOR_ACTIONS), metadata={"enum": list(AUTHOR_ACTIONS)})
    duration_hours = ma.fields.Float(load_default=None, allow_none=True, allow_nan=False,
                                     metadata={"description": "Required for `suspend`: how long, in hours."})
    moderator = ma.fields.String(**moderator_field)
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=1000))

    @ma.validates_schema
    def duration_with_suspend(self, data: dict, **kwargs) -> None:
        hours = data.get("duration_hours")
        if data.get("action") == "suspend":
            longest = current_app.config["SUSPEND_MAX_HOURS"]
            if hours is None:
                raise ma.ValidationError("Required for `suspend`.", "duration_hours")
            if not 0 < hours <= longest:
                raise ma.ValidationError(f"Must be more than 0 and at most {longest}.", "duration_hours")
        elif hours is not None:
            raise ma.ValidationError("Only for `suspend`.", "duration_hours")


class AuthorActionEntrySchema(ma.Schema):
    action = ma.fields.String()
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String(metadata={"enum": list(AUTHOR_STATES)})
    until = ma.fields.DateTime(allow_none=True)
    moderator = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    at = ma.fields.DateTime()


class AuthorSchema(AuthorSummarySchema):
    recent_comments = ma.fields.List(ma.fields.Nested(CommentSchema), metadata={"description": "Latest comments, newest first."})
    actions = ma.fields.List(ma.fields.Nested(AuthorActionEntrySchema), metadata={"description": "Moderators' actions on the author, newest first."})
