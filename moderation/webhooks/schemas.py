"""Request and response bodies of the webhook resource."""

from __future__ import annotations

import marshmallow as ma


class WebhookSetSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    url = ma.fields.String(required=True, metadata={
        "description": "The HTTPS endpoint that receives each event as a signed JSON POST.",
        "example": "https://www.example.fr/hooks/moderation"})


class DeliverySchema(ma.Schema):
    cursor = ma.fields.String(metadata={"description": "Id of the last event the endpoint acknowledged with a 2xx."})
    last_success_at = ma.fields.DateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True, metadata={"description": "Why the last failed attempt failed (`HTTP 500`, `timeout`…)."})
    last_error_at = ma.fields.DateTime(allow_none=True)
    consecutive_failures = ma.fields.Integer(metadata={"description": "Failed attempts since the last success; 0 when healthy."})
    next_attempt_at = ma.fields.DateTime(allow_none=True, metadata={"description": "While failing: not retried before this time."})


class WebhookSchema(ma.Schema):
    client = ma.fields.String()
    url = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    delivery = ma.fields.Nested(DeliverySchema)


class WebhookCreatedSchema(WebhookSchema):
    secret = ma.fields.String(metadata={
        "description": "Key of the HMAC-SHA256 signature of every delivery. Shown only in this response; "
                       "registering again issues a new one."})
