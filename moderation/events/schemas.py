"""Request and response bodies of the events resource; webhooks post the same event body."""

from __future__ import annotations

import marshmallow as ma

from ..keys import STATUSES

# A stream id as Redis writes them, `<milliseconds>-<sequence>`. Nineteen digits at most,
# so every accepted value is below 2^64 and Redis never refuses it.
CURSOR_PATTERN = r"^\d{1,19}(-\d{1,19})?$"


class EventsQuerySchema(ma.Schema):
    # Unknown query parameters (cache busters, tracking tags) are ignored, not refused.
    after = ma.fields.String(load_default=None, validate=ma.validate.Regexp(
        CURSOR_PATTERN, error="Not a cursor: pass an event `id` or a `next_cursor` from this endpoint."),
        metadata={"description": "Return the events after this one (an event `id` or a `next_cursor`); from the oldest kept when absent.", "example": "1764072000000-0"})
    limit = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100))


class EventSchema(ma.Schema):
    """One event. Fields depend on `type`; any field not listed here is passed through as a
    string, so new event kinds reach the site without a schema change."""

    id = ma.fields.String(metadata={"description": "Unique, increasing; de-duplicate on it.", "example": "1764072000000-0"})
    type = ma.fields.String(metadata={"description": "`comment.status` or `report.resolved`."})
    at = ma.fields.DateTime(metadata={"description": "When it happened."})
    comment_id = ma.fields.String()
    external_id = ma.fields.String(allow_none=True, metadata={"description": "The site's own id of the comment, when it gave one."})
    article_id = ma.fields.String()
    author_id = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "The comment's version after the change."})
    actor = ma.fields.String(metadata={"description": "`model`, or the moderator who acted."})
    from_ = ma.fields.String(data_key="from", attribute="from", allow_none=True, metadata={"enum": list(STATUSES)})
    to = ma.fields.String(metadata={"enum": list(STATUSES)})
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why the status changed; for `report.resolved`, the reason the reporter gave."})
    reporter_id = ma.fields.String(metadata={"description": "`report.resolved`: the member who reported the comment."})
    outcome = ma.fields.String(metadata={"enum": ["upheld", "dismissed"], "description": "`report.resolved`: whether the moderator agreed with the report."})
    reason_code = ma.fields.String(allow_none=True, metadata={"description": "`report.resolved`: the moderator's reason code."})
    moderator = ma.fields.String(metadata={"description": "`report.resolved`: the moderator who decided."})

    @ma.post_dump(pass_original=True)
    def pass_through(self, data: dict, original: dict, **kwargs) -> dict:
        known = {f.attribute or name for name, f in self.fields.items()}
        return {**data, **{k: v for k, v in original.items() if k not in known}}


class EventPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EventSchema), metadata={"description": "Oldest first."})
    next_cursor = ma.fields.String(metadata={"description": "Pass as `after` for the events that follow; the same cursor again when there were none yet."})
