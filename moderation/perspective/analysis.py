"""Perspective's attributes in terms of our classifier, and Perspective's own checks.

The model is French-only and has six labels; Perspective's attributes map onto them:

| Perspective       | our label(s)                                       |
|-------------------|----------------------------------------------------|
| `TOXICITY`        | toxicity                                           |
| `SEVERE_TOXICITY` | toxicity × max(insult, threat, hate) — see below   |
| `INSULT`          | insult                                             |
| `THREAT`          | threat                                             |
| `PROFANITY`       | obscene                                            |
| `IDENTITY_ATTACK` | hate                                               |

SEVERE_TOXICITY is not a label of ours. Perspective describes it as toxicity that is
very hateful, aggressive or disrespectful, and much less sensitive to mild profanity, so it is
derived as the toxicity probability times the largest of the insult, threat and hate
probabilities (obscene is left out on purpose). It is always ≤ TOXICITY, as Perspective's is,
and high only when a comment is both toxic and attacks someone; it is a ranking score, not
a calibrated probability of any labelled event, though it is answered as `PROBABILITY` (the
only type clients accept).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from math import ceil
from dataclasses import dataclass

from models import Classifier

from .errors import GoogleError, error_info, invalid_argument

SCORE_TYPE = "PROBABILITY"


def _severe(p: dict[str, float]) -> float:
    return p["toxicity"] * max(p["insult"], p["threat"], p["hate"])


# Attribute -> (its value from our label probabilities, the labels whose explanations give
# its spans).
ATTRIBUTES: dict[str, tuple[Callable[[dict[str, float]], float], frozenset[str]]] = {
    "TOXICITY": (lambda p: p["toxicity"], frozenset({"toxicity"})),
    "SEVERE_TOXICITY": (_severe, frozenset({"toxicity", "insult", "threat", "hate"})),
    "INSULT": (lambda p: p["insult"], frozenset({"insult"})),
    "THREAT": (lambda p: p["threat"], frozenset({"threat"})),
    "PROFANITY": (lambda p: p["obscene"], frozenset({"obscene"})),
    "IDENTITY_ATTACK": (lambda p: p["hate"], frozenset({"hate"})),
}
# The attributes that are one of our labels: a suggested score for one is a label for it.
LABEL_OF = {"TOXICITY": "toxicity", "INSULT": "insult", "THREAT": "threat",
            "PROFANITY": "obscene", "IDENTITY_ATTACK": "hate"}
# Attributes Perspective has (or had) but never offered in French: asked for, they get
# Perspective's own answer for an attribute that does not support the language.
PERSPECTIVE_ONLY = frozenset({
    "SEXUALLY_EXPLICIT", "FLIRTATION", "ATTACK_ON_AUTHOR", "ATTACK_ON_COMMENTER", "INCOHERENT",
    "INFLAMMATORY", "LIKELY_TO_REJECT", "OBSCENE", "SPAM", "UNSUBSTANTIAL"})
SUPPORTED_LANGUAGES = frozenset({"fr"})

# Frequent words of one language that are not words of the other: enough to tell an
# English comment from a French one, which is all the French-only model needs to know.
_FRENCH = frozenset("""le la les des du et est une je tu il elle nous vous ils elles pas que qui
    pour dans sur avec ce cette ces mais très au aux sont été être fait comme tout bien merci
    aussi leur ne se ça cet votre notre où""".split())
_ENGLISH = frozenset("""the and is are you of to that it this was for with not be have they we
    what there their would which been from your about just like can will don't it's i'm
    should could""".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect_language(text: str) -> str:
    """`en` for a clearly English text, else `fr`: the service's language. Short or mixed
    texts (no telling words, or about as many of each) are taken as French, the model's."""
    french = english = 0
    for word in _WORD.findall(text.lower()):
        french += word in _FRENCH
        english += word in _ENGLISH
    return "en" if english >= 3 and english > 2 * french else "fr"


def normalize_language(code: str) -> str:
    """`fr`, `FR`, `fr-FR`, `fr_CA` -> `fr`: the primary subtag decides."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


@dataclass(frozen=True)
class Analysis:
    text: str
    attributes: dict[str, float | None]  # attribute -> scoreThreshold; empty when all dropped
    languages: list[str]  # as answered: the request's (normalized), or the detected one
    detected: str
    spans: bool


def check_text(comment: dict | None, max_bytes: int) -> str:
    """comment.text as Perspective checks it."""
    text = (comment or {}).get("text")
    if not text or not text.strip():
        raise invalid_argument("Comment must be non-empty.", "COMMENT_EMPTY")
    if (comment or {}).get("type", "PLAIN_TEXT") != "PLAIN_TEXT":
        raise invalid_argument("Currently, only 'PLAIN_TEXT' comments are supported.")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise invalid_argument("Comment text too long.", "COMMENT_TOO_LONG")
    if "\x00" in text:
        raise invalid_argument("Comment text must not contain NUL characters.")
    return text


def check_analyze(data: dict, max_bytes: int) -> Analysis:
    """The checks Perspective makes on an AnalyzeCommentRequest, with its messages; raises
    GoogleError (400 INVALID_ARGUMENT)."""
    text = check_text(data["comment"], max_bytes)
    requested = data["requested_attributes"]
    if not requested:
        raise invalid_argument("Missing requested_attributes")
    for name, params in requested.items():
        if name not in ATTRIBUTES and name not in PERSPECTIVE_ONLY:
            raise invalid_argument(f"Unknown requested attribute: {name}")
        if params["score_type"] not in (None, "", SCORE_TYPE):
            raise invalid_argument(f"Requested score type {params['score_type']} is not supported by attribute {name}")
    detected = detect_language(text)
    asked = [normalize_language(code) for code in data["languages"] if code.strip()]
    languages = list(dict.fromkeys(asked)) or [detected]
    attributes: dict[str, float | None] = {}
    for name, params in requested.items():
        if name in ATTRIBUTES and set(languages) <= SUPPORTED_LANGUAGES:
            attributes[name] = params["score_threshold"]
        elif not data["drop_unsupported_attributes"]:
            problem = {"attribute": name, "detectedLanguages": [detected]}
            if asked:
                problem["requestedLanguages"] = [code.strip() for code in data["languages"]]
            raise invalid_argument(
                f"Attribute {name} does not support request languages: {','.join(languages)}",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE", languageNotSupportedByAttributeError=problem)
    return Analysis(text, attributes, languages, detected, data["span_annotations"])


def _score(value: float) -> dict:
    return {"value": value, "type": SCORE_TYPE}


def _span_cut(text: str, limit: int) -> str:
    """The text's first `limit` characters, not ending inside a word."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit + 1)
    return text[: space if space > 0 else limit]


def attribute_scores(clf: Classifier, analysis: Analysis, span_max_chars: int) -> dict:
    """`attributeScores` of the answer: one model call for the summary scores; with span
    annotations, one explanation and one more model call for the spans' own scores."""
    if not analysis.attributes:
        return {}
    probabilities = clf.score([analysis.text])[0]
    scores: dict[str, dict] = {}
    for name, threshold in analysis.attributes.items():
        value = ATTRIBUTES[name][0](probabilities)
        if threshold is None or value >= threshold:  # below its threshold: left out, as Perspective does
            scores[name] = {"summaryScore": _score(value)}
    if analysis.spans and scores:
        for name, spans in _span_scores(clf, analysis.text, list(scores), span_max_chars).items():
            scores[name]["spanScores"] = spans
    return scores


def _span_scores(clf: Classifier, text: str, attributes: list[str], span_max_chars: int) -> dict[str, list]:
    """Per attribute, the words our explanation says pushed the comment towards it, each
    scored by the model on its own text: `begin`/`end` are character offsets into
    comment.text (Python string indices, i.e. code points), like Perspective's."""
    explained = [e for e in clf.explain(_span_cut(text, span_max_chars), top=64) if e["weight"] > 0]
    chosen: dict[str, list[tuple[int, int]]] = {}
    for name in attributes:
        labels = ATTRIBUTES[name][1]
        spans = {(e["start"], e["end"]) for e in explained if e["label"] in labels}
        chosen[name] = sorted(spans)
    distinct = sorted({span for spans in chosen.values() for span in spans})
    if not distinct:
        return {name: [] for name in attributes}
    alone = dict(zip(distinct, clf.score([text[b:e] for b, e in distinct])))
    return {name: [{"begin": b, "end": e, "score": _score(ATTRIBUTES[name][0](alone[(b, e)]))}
                   for b, e in chosen[name]]
            for name in attributes}


def check_suggest(data: dict, max_bytes: int) -> tuple[str, list[tuple[str, float]]]:
    """The checks of a SuggestCommentScoreRequest: its text and (attribute, value) pairs.
    Any attribute name is accepted: Coral sends its moderators' decisions as `APPROVED`
    and `DELETED`. Languages are recorded, never refused: a label is kept for later."""
    text = check_text(data["comment"], max_bytes)
    if not data["attribute_scores"]:
        raise invalid_argument("attribute_scores must not be empty.")
    pairs = []
    for name, scores in data["attribute_scores"].items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", name):
            raise invalid_argument(f"Invalid attribute name: {name[:64]!r}")
        summary = scores["summary_score"] or {}
        value = summary.get("value")
        if value is None:
            raise invalid_argument(f"attributeScores.{name}.summaryScore.value must be set.")
        if not 0.0 <= value <= 1.0:
            raise invalid_argument(f"attributeScores.{name}.summaryScore.value must be between 0 and 1.")
        if summary.get("type") not in (None, "", SCORE_TYPE):
            raise invalid_argument(f"Requested score type {summary['type']} is not supported by attribute {name}")
        pairs.append((name, float(value)))
    return text, pairs


def quota_error(client: str, retry_after: float) -> GoogleError:
    """429 RESOURCE_EXHAUSTED, worded as Google's quota errors are."""
    return GoogleError(
        429, f"Quota exceeded for quota metric 'Analysis requests' and limit 'Analysis requests "
             f"per second per key' of service 'moderation' for consumer '{client}'.",
        error_info("RATE_LIMIT_EXCEEDED"), headers={"Retry-After": str(max(1, ceil(retry_after)))})
