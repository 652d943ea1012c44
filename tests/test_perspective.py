"""The Perspective-compatible endpoints, driven the way Coral Talk drives Perspective."""

from __future__ import annotations

import json
import logging
import math

import pytest

from moderation import auth, create_app, keys

PREFIX = "/v1alpha1"
ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "THREAT", "PROFANITY", "IDENTITY_ATTACK")
TOXIC = "Quel ramassis d'idioties, franchement vous êtes tous des nuls et des imbéciles."
# A text no other test or fixture stores, to look for in Redis afterwards.
SECRET = "Le conseiller Brunehaut-Vasseur est un parfait idiot, zqxwv-7319."


@pytest.fixture
def analyze_token(r) -> str:
    return auth.create_client(r, "coral", ["analyze"])


def coral_analyze_body(text: str, model: str = "TOXICITY", do_not_store: bool = True) -> dict:
    """Coral Talk's formatBody for `comments:analyze` (src/core/server/services/perspective/
    perspective.ts), with a tenant locale of fr-FR."""
    return {"comment": {"text": text}, "doNotStore": do_not_store,
            "requestedAttributes": {model: {}}, "languages": ["fr"]}


def coral_suggest_body(text: str, status: str = "APPROVED", comment_id: str = "c-42",
                       language: str = "fr") -> dict:
    """Coral Talk's body for `comments:suggestscore` (notifyPerspectiveModerationDecision)."""
    return {
        "comment": {"text": text},
        "context": {"entries": [{"text": json.dumps({
            "url": f"https://www.exemple.fr/article/1?commentID={comment_id}",
            "reply_to_id_Coral_comment_id": None, "Coral_comment_id": comment_id})}]},
        "attributeScores": {status: {"summaryScore": {"value": 1}}},
        "languages": [language],
        "communityId": "Coral:https://www.exemple.fr/",
        "clientToken": f"comment:{comment_id}",
    }


def call(client, method: str, body, token: str | None, **kwargs):
    query = f"?key={token}" if token is not None else ""
    if isinstance(body, (bytes, str)):
        kwargs.setdefault("content_type", "application/json")
        return client.post(f"{PREFIX}/comments:{method}{query}", data=body, **kwargs)
    return client.post(f"{PREFIX}/comments:{method}{query}", json=body, **kwargs)


def google_error(resp, code: int, status: str) -> dict:
    assert resp.status_code == code, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    error = resp.get_json()["error"]
    assert error["code"] == code and error["status"] == status and error["message"]
    return error


# --- Coral's requests ---------------------------------------------------------------------

@pytest.mark.parametrize("model", ATTRIBUTES)
def test_coral_analyze_gets_a_probability(client, analyze_token, model):
    resp = call(client, "analyze", coral_analyze_body(TOXIC, model), analyze_token)
    assert resp.status_code == 200
    data = resp.get_json()
    value = data["attributeScores"][model]["summaryScore"]["value"]  # Coral's parsing path
    assert isinstance(value, float) and 0.0 <= value <= 1.0
    assert data["attributeScores"][model]["summaryScore"]["type"] == "PROBABILITY"
    assert data["languages"] == ["fr"]
    assert "spanScores" not in data["attributeScores"][model]


def test_toxic_comment_scores_above_a_kind_one(client, analyze_token):
    def toxicity(text):
        resp = call(client, "analyze", coral_analyze_body(text), analyze_token)
        return resp.get_json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"]

    assert toxicity(TOXIC) > toxicity("Merci pour cet article très clair, bonne journée.")


@pytest.mark.parametrize("status,language", [("APPROVED", "fr"), ("DELETED", "fr"), ("APPROVED", "EN")])
def test_coral_suggestscore_is_stored_once(client, r, analyze_token, status, language):
    body = coral_suggest_body("Un commentaire tout à fait correct.", status, language=language)
    for _ in range(2):
        resp = call(client, "suggestscore", body, analyze_token)
        assert resp.status_code == 200
        assert resp.get_json()["clientToken"] == "comment:c-42"  # what Coral checks
    entries = r.xrange(keys.LABELS)
    assert len(entries) == 1  # the repeat was not stored again
    label = entries[0][1]
    assert label["client"] == "coral" and label["text"] == "Un commentaire tout à fait correct."
    assert label["attribute"] == status and label["comment_status"] == status
    assert float(label["value"]) == 1.0
    assert label["community_id"] == "Coral:https://www.exemple.fr/"
    assert label["client_token"] == "comment:c-42"
    assert label["languages"] == language.lower()
    assert "Coral_comment_id" in label["context"] and label["model_version"]
    assert float(label["at"]) > 0


def test_suggestscore_keeps_each_distinct_suggestion(client, r, analyze_token):
    text = "Vous êtes des idiots."
    call(client, "suggestscore", coral_suggest_body(text, "APPROVED"), analyze_token)
    call(client, "suggestscore", coral_suggest_body(text, "DELETED"), analyze_token)  # changed decision
    body = {"comment": {"text": text}, "attributeScores": {
        "TOXICITY": {"summaryScore": {"value": 0.9}}, "INSULT": {"summaryScore": {"value": 1}}}}
    assert call(client, "suggestscore", body, analyze_token).get_json() == {}
    call(client, "suggestscore", body, analyze_token)
    other = auth.create_client(r, "other-site", ["analyze"])
    call(client, "suggestscore", coral_suggest_body(text, "APPROVED"), other)  # another client
    labels = [fields for _, fields in r.xrange(keys.LABELS)]
    assert sorted((l["client"], l["attribute"], l["label"]) for l in labels) == [
        ("coral", "APPROVED", ""), ("coral", "DELETED", ""), ("coral", "INSULT", "insult"),
        ("coral", "TOXICITY", "toxicity"), ("other-site", "APPROVED", "")]


def test_a_decision_changed_back_is_recorded_each_time_it_changes(client, r, analyze_token):
    text = "Tu ne comprends rien, comme d'habitude."
    for status in ("APPROVED", "APPROVED", "DELETED", "APPROVED", "APPROVED"):
        call(client, "suggestscore", coral_suggest_body(text, status), analyze_token)
    assert [fields["attribute"] for _, fields in r.xrange(keys.LABELS)] == ["APPROVED", "DELETED", "APPROVED"]


# --- more of Perspective's API ------------------------------------------------------------

def test_several_attributes_spans_and_client_token(client, analyze_token):
    body = {"comment": {"text": TOXIC}, "requestedAttributes": {a: {} for a in ATTRIBUTES},
            "languages": ["fr-FR"], "spanAnnotations": True, "clientToken": "abc-1"}
    data = call(client, "analyze", body, analyze_token).get_json()
    assert set(data["attributeScores"]) == set(ATTRIBUTES)
    assert data["clientToken"] == "abc-1" and data["languages"] == ["fr"]
    scores = data["attributeScores"]
    assert scores["SEVERE_TOXICITY"]["summaryScore"]["value"] <= scores["TOXICITY"]["summaryScore"]["value"]
    spans = scores["TOXICITY"]["spanScores"]
    assert spans, "a toxic comment has words that made it so"
    for span in spans:
        assert 0 <= span["begin"] < span["end"] <= len(TOXIC)
        assert TOXIC[span["begin"]:span["end"]].strip()
        assert 0.0 <= span["score"]["value"] <= 1.0 and span["score"]["type"] == "PROBABILITY"
    assert any(TOXIC[s["begin"]:s["end"]] in ("nuls", "imbéciles", "d'idioties") for s in spans)


def test_score_threshold_leaves_out_lower_attributes(client, analyze_token):
    body = {"comment": {"text": "Merci pour cet article."},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.99}, "INSULT": {"scoreThreshold": 0}}}
    data = call(client, "analyze", body, analyze_token).get_json()
    assert list(data["attributeScores"]) == ["INSULT"]


def test_language_is_detected_when_not_given(client, analyze_token):
    body = {"comment": {"text": "Les élus ne font rien pour la ville, c'est une honte."},
            "requestedAttributes": {"TOXICITY": {}}}
    data = call(client, "analyze", body, analyze_token).get_json()
    assert data["languages"] == ["fr"] and data["detectedLanguages"] == ["fr"]
    body["comment"]["text"] = "This is the worst article I have ever read, you should be ashamed of it."
    error = google_error(call(client, "analyze", body, analyze_token), 400, "INVALID_ARGUMENT")
    assert error["message"] == "Attribute TOXICITY does not support request languages: en"


def test_the_api_key_header_is_accepted(client, analyze_token):
    resp = call(client, "analyze", coral_analyze_body("Bonjour"), None,
                headers={"X-Goog-Api-Key": analyze_token})
    assert resp.status_code == 200


def test_prefix_is_configurable(r, app_config, analyze_token):
    app = create_app({**app_config, "PERSPECTIVE_PREFIX": "/perspective/v1alpha1"})
    resp = app.test_client().post(f"/perspective/v1alpha1/comments:analyze?key={analyze_token}",
                                  json=coral_analyze_body("Bonjour"))
    assert resp.status_code == 200
    assert "/perspective/v1alpha1/comments:analyze" in app.test_client().get("/openapi.json").get_json()["paths"]


# --- errors, in Google's shape ------------------------------------------------------------

def test_bad_key(client, analyze_token):
    error = google_error(call(client, "analyze", coral_analyze_body("Bonjour"), "mod_nope"), 400, "INVALID_ARGUMENT")
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"


def test_missing_key(client, analyze_token):
    error = google_error(call(client, "analyze", coral_analyze_body("Bonjour"), None), 403, "PERMISSION_DENIED")
    assert error["message"] == "The request is missing a valid API key."


@pytest.mark.parametrize("method", ["analyze", "suggestscore"])
def test_key_without_the_analyze_scope(client, site_token, method):
    error = google_error(call(client, method, coral_analyze_body("Bonjour"), site_token), 403, "PERMISSION_DENIED")
    assert "analyze" in error["message"]


def test_unknown_attribute(client, analyze_token):
    error = google_error(call(client, "analyze", coral_analyze_body("Bonjour", "NICENESS"), analyze_token),
                         400, "INVALID_ARGUMENT")
    assert error["message"] == "Unknown requested attribute: NICENESS"


@pytest.mark.parametrize("languages,shown", [(["xx"], "xx"), (["en"], "en"), (["fr", "en"], "fr,en"), (["de-DE"], "de")])
def test_unsupported_language(client, analyze_token, languages, shown):
    body = {**coral_analyze_body("Bonjour"), "languages": languages}
    error = google_error(call(client, "analyze", body, analyze_token), 400, "INVALID_ARGUMENT")
    assert error["message"] == f"Attribute TOXICITY does not support request languages: {shown}"
    detail = error["details"][0]
    assert detail["errorType"] == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    assert detail["languageNotSupportedByAttributeError"]["attribute"] == "TOXICITY"


def test_attribute_perspective_never_had_in_french(client, analyze_token):
    body = {**coral_analyze_body("Bonjour"), "requestedAttributes": {"TOXICITY": {}, "SEXUALLY_EXPLICIT": {}}}
    error = google_error(call(client, "analyze", body, analyze_token), 400, "INVALID_ARGUMENT")
    assert error["message"] == "Attribute SEXUALLY_EXPLICIT does not support request languages: fr"
    body["dropUnsupportedAttributes"] = True
    assert list(call(client, "analyze", body, analyze_token).get_json()["attributeScores"]) == ["TOXICITY"]


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text(client, analyze_token, text):
    error = google_error(call(client, "analyze", coral_analyze_body(text), analyze_token), 400, "INVALID_ARGUMENT")
    assert error["message"] == "Comment must be non-empty."
    assert error["details"][0]["errorType"] == "COMMENT_EMPTY"


def test_text_over_perspectives_limit(client, analyze_token):
    text = "é" * 10_241  # 20,482 bytes of UTF-8: over 20 KB though only 10,241 characters
    error = google_error(call(client, "analyze", coral_analyze_body(text), analyze_token), 400, "INVALID_ARGUMENT")
    assert error["message"] == "Comment text too long."
    assert call(client, "analyze", coral_analyze_body("é" * 10_240), analyze_token).status_code == 200


def test_body_over_the_size_limit_is_a_google_error(client, analyze_token, site_headers):
    resp = call(client, "analyze", coral_analyze_body("a" * 70_000), analyze_token)
    error = google_error(resp, 400, "INVALID_ARGUMENT")
    assert error["message"] == "Request payload size exceeds the limit: 65536 bytes."
    # …while the /v1 API keeps its problem documents
    resp = client.post("/v1/comments", json={"text": "a" * 70_000}, headers=site_headers)
    assert resp.status_code == 413 and resp.mimetype == "application/problem+json"


def test_routing_errors_under_the_prefix_are_google_errors(client, analyze_token):
    google_error(client.post(f"{PREFIX}/comments:classify?key={analyze_token}", json={}), 404, "NOT_FOUND")
    google_error(client.get(f"{PREFIX}/comments:analyze?key={analyze_token}"), 404, "NOT_FOUND")


def test_quota_per_key(r, app_config, client):
    app = create_app({**app_config, "PERSPECTIVE_QPS": 2})
    limited, fine = app.test_client(), auth.create_client(r, "other", ["analyze"])
    token = auth.create_client(r, "coral", ["analyze"])
    statuses = [call(limited, "analyze", coral_analyze_body("Bonjour"), token).status_code for _ in range(2)]
    assert statuses == [200, 200]
    resp = call(limited, "analyze", coral_analyze_body("Bonjour"), token)
    error = google_error(resp, 429, "RESOURCE_EXHAUSTED")
    assert "Quota exceeded" in error["message"] and int(resp.headers["Retry-After"]) >= 1
    google_error(call(limited, "suggestscore", coral_suggest_body("Bonjour"), token), 429, "RESOURCE_EXHAUSTED")
    assert r.xlen(keys.LABELS) == 0  # refused suggestions are not kept
    assert call(limited, "analyze", coral_analyze_body("Bonjour"), fine).status_code == 200  # per key


def test_a_key_with_its_own_quota(r, app_config):
    app = create_app({**app_config, "PERSPECTIVE_QPS": 2, "TOKEN_CACHE_SECONDS": 0})
    caller = app.test_client()
    tight = auth.create_client(r, "petit-site", ["analyze"], qps=1)
    wide = auth.create_client(r, "coral", ["analyze"], qps=5)
    assert [call(caller, "analyze", coral_analyze_body("Bonjour"), tight).status_code for _ in range(2)] == [200, 429]
    assert [call(caller, "analyze", coral_analyze_body("Bonjour"), wide).status_code
            for _ in range(5)] == [200] * 5  # above the configured 2
    google_error(call(caller, "analyze", coral_analyze_body("Bonjour"), wide), 429, "RESOURCE_EXHAUSTED")
    # Back to the configured quota: the bucket is refilled up to 2, not 5.
    auth.set_quota(r, "coral", None)
    r.delete(keys.perspective_quota("coral"))
    assert [call(caller, "analyze", coral_analyze_body("Bonjour"), wide).status_code
            for _ in range(3)] == [200, 200, 429]


BAD_BODIES = [
    b"{not json", b"", b"null", b"[]", b'"text"', b"42",
    {"comment": "texte"}, {"comment": None}, {"comment": {"text": 12}}, {"comment": {"text": ["a"]}},
    {"comment": {"text": "a", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}},
    {"comment": {"text": "a", "lang": "fr"}, "requestedAttributes": {"TOXICITY": {}}},
    {"comment": {"text": "a"}}, {"comment": {"text": "a"}, "requestedAttributes": {}},
    {"comment": {"text": "a"}, "requestedAttributes": []},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": "yes"}},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": "high"}}},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {"scoreType": "STD_DEV_SCORE"}}},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {}}, "languages": "fr"},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {}}, "languages": [7]},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {}}, "spanAnnotations": "maybe"},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {}}, "clientToken": "x" * 600},
    {"comment": {"text": "a\u0000b"}, "requestedAttributes": {"TOXICITY": {}}},
    {"comment": {"text": "a"}, "requestedAttributes": {"TOXICITY": {}}, "context": {"entries": "x"}},
]
BAD_SUGGESTIONS = [
    {"comment": {"text": "a"}}, {"comment": {"text": "a"}, "attributeScores": {}},
    {"comment": {"text": "a"}, "attributeScores": {"TOXICITY": {}}},
    {"comment": {"text": "a"}, "attributeScores": {"TOXICITY": {"summaryScore": {}}}},
    {"comment": {"text": "a"}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1.5}}}},
    {"comment": {"text": "a"}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": "un"}}}},
    {"comment": {"text": "a"}, "attributeScores": {"pas un nom": {"summaryScore": {"value": 1}}}},
    {"comment": {"text": ""}, "attributeScores": {"APPROVED": {"summaryScore": {"value": 1}}}},
    {"attributeScores": {"APPROVED": {"summaryScore": {"value": 1}}}},
]


@pytest.mark.parametrize("method,body", [("analyze", b) for b in BAD_BODIES] + [("suggestscore", b) for b in BAD_SUGGESTIONS])
def test_bad_bodies_get_invalid_argument_never_a_500(client, r, analyze_token, method, body):
    error = google_error(call(client, method, body, analyze_token), 400, "INVALID_ARGUMENT")
    assert "Traceback" not in error["message"]
    assert r.xlen(keys.LABELS) == 0


@pytest.mark.parametrize("text", ["!!!", "🙂🙂 super 🙂", "\ud800 texte", "ا" * 50, "mot " * 5000])
def test_odd_but_valid_texts_are_scored(client, analyze_token, text):
    body = {**coral_analyze_body(text), "spanAnnotations": True,
            "requestedAttributes": {a: {} for a in ATTRIBUTES}}
    resp = call(client, "analyze", json.dumps(body), analyze_token)
    assert resp.status_code == 200, resp.get_data(as_text=True)


def test_a_body_that_is_not_json_typed(client, analyze_token):
    resp = client.post(f"{PREFIX}/comments:analyze?key={analyze_token}", data="comment=x",
                       content_type="application/x-www-form-urlencoded")
    google_error(resp, 400, "INVALID_ARGUMENT")


# --- nothing kept ---------------------------------------------------------------------------

def redis_holds(r, needle: str) -> list[str]:
    """Every key whose name or content contains `needle`, whatever the key's type."""
    found = []
    for key in r.scan_iter(count=1000):
        kind = r.type(key)
        if kind == "string":
            values = [r.get(key)]
        elif kind == "hash":
            values = [x for kv in r.hgetall(key).items() for x in kv]
        elif kind == "list":
            values = r.lrange(key, 0, -1)
        elif kind == "set":
            values = list(r.smembers(key))
        elif kind == "zset":
            values = r.zrange(key, 0, -1)
        elif kind == "stream":
            values = [x for _, fields in r.xrange(key) for kv in fields.items() for x in kv]
        else:
            raise AssertionError(f"unexpected type {kind} of {key}")
        if needle in key or any(needle in (v or "") for v in values):
            found.append(key)
    return found


@pytest.mark.parametrize("do_not_store", [True, False])
def test_analyze_keeps_nothing_of_the_text(client, r, analyze_token, caplog, do_not_store):
    caplog.set_level(logging.DEBUG)
    body = {**coral_analyze_body(SECRET, do_not_store=do_not_store), "spanAnnotations": True}
    assert call(client, "analyze", body, analyze_token).status_code == 200
    assert redis_holds(r, "zqxwv") == []
    assert "zqxwv" not in caplog.text
    # the scan does find a text that is meant to be kept: a suggested score
    call(client, "suggestscore", coral_suggest_body(SECRET, "DELETED"), analyze_token)
    assert redis_holds(r, "zqxwv") == [keys.LABELS]


def test_perspective_keys_are_pinned():
    assert keys.perspective_quota("coral") == "mod:perspective:quota:coral"
    assert keys.LABELS == "mod:labels"
    assert keys.LABELS_SEEN == "mod:labels:seen"
    for script in (keys.PERSPECTIVE_TAKE, keys.PERSPECTIVE_SUGGEST):
        assert "$" not in script


def test_quota_bucket_refills(r):
    from moderation.perspective import store

    assert [store.take(r, "c", 2, now=100.0) for _ in range(2)] == [0.0, 0.0]
    assert math.isclose(store.take(r, "c", 2, now=100.0), 0.5)
    assert store.take(r, "c", 2, now=100.25) > 0  # half a token back: still empty
    assert store.take(r, "c", 2, now=100.5) == 0.0
    assert store.take(r, "c", 2, now=99.0) > 0  # a clock behind gives nothing back
    assert 0 < r.pttl(keys.perspective_quota("c")) <= 2000
