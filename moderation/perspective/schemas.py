"""Request and response bodies of Perspective's v1alpha1 API, in its camelCase names.

The schemas check shapes and types only (unknown names are refused, as Google's parser
does); what Perspective itself checks — empty or long text, attributes, languages — is
checked by `analysis`, whose errors carry Perspective's messages and details.
"""

from __future__ import annotations

import marshmallow as ma

# Bounds on the short opaque strings a client echoes or tags requests with.
_TOKEN = ma.validate.Length(max=512)


class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class TextEntrySchema(_Strict):
    text = ma.fields.String(load_default=None, metadata={"description": "The comment, plain text; at most 20 KB of UTF-8."})
    type = ma.fields.String(load_default="PLAIN_TEXT", metadata={"description": "`PLAIN_TEXT` (the only one supported)."})


class ContextSchema(_Strict):
    # Accepted for compatibility; the model scores the comment alone.
    entries = ma.fields.List(ma.fields.Nested(TextEntrySchema), load_default=list)
    articleAndParentComment = ma.fields.Dict(load_default=None)


class AttributeParametersSchema(_Strict):
    score_type = ma.fields.String(data_key="scoreType", load_default=None)
    score_threshold = ma.fields.Float(data_key="scoreThreshold", load_default=None,
                                      validate=ma.validate.Range(0, 1),
                                      metadata={"description": "Leave the attribute out of the answer when its score is below this."})


class AnalyzeRequestSchema(_Strict):
    """AnalyzeCommentRequest."""

    comment = ma.fields.Nested(TextEntrySchema, load_default=None)
    context = ma.fields.Nested(ContextSchema, load_default=None)
    requested_attributes = ma.fields.Dict(
        data_key="requestedAttributes", keys=ma.fields.String(),
        values=ma.fields.Nested(AttributeParametersSchema), load_default=None,
        metadata={"description": "`TOXICITY`, `SEVERE_TOXICITY`, `INSULT`, `THREAT`, `PROFANITY`, `IDENTITY_ATTACK`, each `{}` or with `scoreThreshold`."})
    languages = ma.fields.List(ma.fields.String(), load_default=list,
                               metadata={"description": "ISO 639-1 or BCP-47 codes; only French is supported. Absent: detected."})
    do_not_store = ma.fields.Boolean(data_key="doNotStore", load_default=False,
                                     metadata={"description": "Accepted; analyses are never stored anyway."})
    span_annotations = ma.fields.Boolean(data_key="spanAnnotations", load_default=False)
    client_token = ma.fields.String(data_key="clientToken", load_default=None, validate=_TOKEN)
    session_id = ma.fields.String(data_key="sessionId", load_default=None, validate=_TOKEN)
    community_id = ma.fields.String(data_key="communityId", load_default=None, validate=_TOKEN)
    drop_unsupported_attributes = ma.fields.Boolean(data_key="dropUnsupportedAttributes", load_default=False)


class ScoreSchema(_Strict):
    value = ma.fields.Float(load_default=None)
    type = ma.fields.String(load_default="PROBABILITY")


class SpanScoreSchema(_Strict):
    begin = ma.fields.Integer(load_default=None)
    end = ma.fields.Integer(load_default=None)
    score = ma.fields.Nested(ScoreSchema, load_default=None)


class AttributeScoresSchema(_Strict):
    summary_score = ma.fields.Nested(ScoreSchema, data_key="summaryScore", load_default=None)
    span_scores = ma.fields.List(ma.fields.Nested(SpanScoreSchema), data_key="spanScores", load_default=list)


class SuggestScoreRequestSchema(_Strict):
    """SuggestCommentScoreRequest: what the score should have been (for Coral, a moderator's
    decision: `{"APPROVED": {"summaryScore": {"value": 1}}}` or `DELETED`)."""

    comment = ma.fields.Nested(TextEntrySchema, load_default=None)
    context = ma.fields.Nested(ContextSchema, load_default=None)
    attribute_scores = ma.fields.Dict(data_key="attributeScores", keys=ma.fields.String(),
                                      values=ma.fields.Nested(AttributeScoresSchema), load_default=None)
    languages = ma.fields.List(ma.fields.String(), load_default=list)
    community_id = ma.fields.String(data_key="communityId", load_default=None, validate=_TOKEN)
    client_token = ma.fields.String(data_key="clientToken", load_default=None, validate=_TOKEN)
    session_id = ma.fields.String(data_key="sessionId", load_default=None, validate=_TOKEN)


# --- responses (documentation; the views build plain dicts) ----------------------------

class ScoreOutSchema(ma.Schema):
    value = ma.fields.Float(metadata={"description": "In [0, 1]."})
    type = ma.fields.String(metadata={"example": "PROBABILITY"})


class SpanScoreOutSchema(ma.Schema):
    begin = ma.fields.Integer(metadata={"description": "Character offset of the span's start in comment.text."})
    end = ma.fields.Integer(metadata={"description": "Character offset just past its end."})
    score = ma.fields.Nested(ScoreOutSchema)


class AttributeScoresOutSchema(ma.Schema):
    summaryScore = ma.fields.Nested(ScoreOutSchema)
    spanScores = ma.fields.List(ma.fields.Nested(SpanScoreOutSchema), metadata={"description": "With `spanAnnotations: true`."})


class AnalyzeResponseSchema(ma.Schema):
    attributeScores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(AttributeScoresOutSchema))
    languages = ma.fields.List(ma.fields.String())
    detectedLanguages = ma.fields.List(ma.fields.String())
    clientToken = ma.fields.String()


class SuggestScoreResponseSchema(ma.Schema):
    clientToken = ma.fields.String()
    requestedLanguages = ma.fields.List(ma.fields.String())


class GoogleErrorDetailSchema(ma.Schema):
    code = ma.fields.Integer(metadata={"example": 400})
    message = ma.fields.String(metadata={"example": "Comment must be non-empty."})
    status = ma.fields.String(metadata={"example": "INVALID_ARGUMENT"})
    details = ma.fields.List(ma.fields.Dict(), metadata={"description": "e.g. `{\"@type\": \"type.googleapis.com/google.commentanalyzer.v1alpha1.Error\", \"errorType\": \"COMMENT_EMPTY\"}`"})


class GoogleErrorSchema(ma.Schema):
    """Every error of these endpoints: Google's JSON error, not a problem document."""

    error = ma.fields.Nested(GoogleErrorDetailSchema)
