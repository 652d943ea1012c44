"""Bad input gets a 4xx problem document, never a 500, and stores nothing."""

import json

import pytest

from moderation import keys

VALID = {"article_id": "a1", "author_id": "u1", "text": "Bonjour à tous"}

BAD_BODIES = [
    # (id, raw body, content type, status, field expected in errors or None)
    ("malformed json", b'{"article_id": "a1",', "application/json", 400, None),
    ("not utf-8", b'{"text": "\xff\xfe"}', "application/json", 400, None),
    ("array body", b"[1, 2]", "application/json", 422, None),
    ("empty body", b"", "application/json", 422, "article_id"),
    ("missing text", json.dumps({"article_id": "a1", "author_id": "u1"}).encode(), "application/json", 422, "text"),
    ("text wrong type", json.dumps({**VALID, "text": 12}).encode(), "application/json", 422, "text"),
    ("text null", json.dumps({**VALID, "text": None}).encode(), "application/json", 422, "text"),
    ("text empty", json.dumps({**VALID, "text": ""}).encode(), "application/json", 422, "text"),
    ("text only spaces", json.dumps({**VALID, "text": "  \n\t "}).encode(), "application/json", 422, "text"),
    ("text too long", json.dumps({**VALID, "text": "a" * 5001}).encode(), "application/json", 422, "text"),
    ("text with NUL", json.dumps({**VALID, "text": "a\u0000b"}).encode(), "application/json", 422, "text"),
    ("unknown field", json.dumps({**VALID, "score": 1}).encode(), "application/json", 422, "score"),
    ("article id with space", json.dumps({**VALID, "article_id": "a 1"}).encode(), "application/json", 422, "article_id"),
    ("article id too long", json.dumps({**VALID, "article_id": "a" * 129}).encode(), "application/json", 422, "article_id"),
    ("author id object", json.dumps({**VALID, "author_id": {"id": 1}}).encode(), "application/json", 422, "author_id"),
    ("form body", b"article_id=a1&author_id=u1&text=x", "application/x-www-form-urlencoded", 415, None),
    ("text body", b"bonjour", "text/plain", 415, None),
    ("over size limit", json.dumps({**VALID, "text": "a" * 70_000}).encode(), "application/json", 413, None),
]


@pytest.mark.parametrize("name,body,ctype,status,field", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_comment_bodies_get_a_problem_and_store_nothing(client, r, site_headers, name, body, ctype, status, field):
    before = set(r.keys("mod:comment:*"))
    resp = client.post("/v1/comments", data=body, headers={**site_headers, "Content-Type": ctype})
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    problem = resp.get_json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert problem["instance"] == "/v1/comments"
    if field:
        assert field in problem["errors"], problem
    assert set(r.keys("mod:comment:*")) == before


def test_text_exactly_at_the_limit_after_trimming_is_accepted(client, r, site_headers):
    resp = client.post("/v1/comments", json={**VALID, "text": "  " + "é" * 5000 + "  "}, headers=site_headers)
    assert resp.status_code == 202
    stored = r.hget(keys.comment(resp.get_json()["id"]), "text")
    assert stored == "é" * 5000


def test_a_bad_request_leaves_earlier_comments_intact(client, r, site_headers):
    first = client.post("/v1/comments", json=VALID, headers=site_headers).get_json()["id"]
    snapshot = r.hgetall(keys.comment(first))
    client.post("/v1/comments", data=b"{oops", headers={**site_headers, "Content-Type": "application/json"})
    assert r.hgetall(keys.comment(first)) == snapshot


@pytest.mark.parametrize("method,path,status", [
    ("get", "/v1/nowhere", 404),
    ("delete", "/v1/comments", 405),
    ("get", "/v1/comments/does-not-exist", 404),
    ("get", "/v1/articles/a1/comments?status=deleted", 422),
    ("get", "/v1/articles/a1/comments?cursor=abc", 422),
    ("get", "/v1/articles/a1/comments?limit=0", 422),
    ("get", "/v1/articles/a1/comments?limit=1000", 422),
])
def test_other_errors_use_the_same_envelope(client, site_headers, method, path, status):
    resp = getattr(client, method)(path, headers=site_headers)
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == status


def test_an_unexpected_failure_is_a_problem_document_too(app, client, site_headers, monkeypatch):
    from moderation.comments import store

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "get_comment", broken)
    resp = client.get("/v1/comments/c1", headers=site_headers)
    assert resp.status_code == 500
    assert resp.mimetype == "application/problem+json"
    assert "boom" not in resp.get_data(as_text=True)


def test_redis_down_is_503_not_500(app_config, site_token, r):
    from moderation import create_app

    app = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    app.extensions["token_cache"]._entries.clear()
    resp = app.test_client().post("/v1/comments", json=VALID, headers={"Authorization": f"Bearer {site_token}"})
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"


# Reports and moderator endpoints: (id, method, path, body or None, status, field or None).
# Paths name the comment `{cid}`, which exists and is published; its author is `u1`.
GOOD_DECISION = {"action": "approve", "reason_code": "other", "moderator": "a@x.fr", "version": 2}
BAD_MODERATION_REQUESTS = [
    ("report no body", "post", "/v1/comments/{cid}/reports", {}, 422, "reporter_id"),
    ("report unknown reason", "post", "/v1/comments/{cid}/reports", {"reporter_id": "m1", "reason": "boring"}, 422, "reason"),
    ("report reason null", "post", "/v1/comments/{cid}/reports", {"reporter_id": "m1", "reason": None}, 422, "reason"),
    ("report note too long", "post", "/v1/comments/{cid}/reports", {"reporter_id": "m1", "reason": "spam", "note": "x" * 1001}, 422, "note"),
    ("report reporter with space", "post", "/v1/comments/{cid}/reports", {"reporter_id": "m 1", "reason": "spam"}, 422, "reporter_id"),
    ("report reporter number", "post", "/v1/comments/{cid}/reports", {"reporter_id": 7, "reason": "spam"}, 422, "reporter_id"),
    ("report unknown field", "post", "/v1/comments/{cid}/reports", {"reporter_id": "m1", "reason": "spam", "weight": 9}, 422, "weight"),
    ("report own comment", "post", "/v1/comments/{cid}/reports", {"reporter_id": "u1", "reason": "spam"}, 422, None),
    ("report unknown comment", "post", "/v1/comments/c_nope/reports", {"reporter_id": "m1", "reason": "spam"}, 404, None),
    ("report as array", "post", "/v1/comments/{cid}/reports", [1], 422, None),
    ("decision no version", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "version": None}, 422, "version"),
    ("decision version string", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "version": "2"}, 422, "version"),
    ("decision version zero", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "version": 0}, 422, "version"),
    ("decision unknown action", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "action": "delete"}, 422, "action"),
    ("decision unknown reason", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "reason_code": "boring"}, 422, "reason_code"),
    ("decision no moderator", "post", "/v1/comments/{cid}/decision", {k: v for k, v in GOOD_DECISION.items() if k != "moderator"}, 422, "moderator"),
    ("decision empty moderator", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "moderator": ""}, 422, "moderator"),
    ("decision stale version", "post", "/v1/comments/{cid}/decision", {**GOOD_DECISION, "version": 1}, 409, None),
    ("decision unknown comment", "post", "/v1/comments/c_nope/decision", GOOD_DECISION, 404, None),
    ("bulk no items", "post", "/v1/decisions", {"action": "approve", "reason_code": "other", "moderator": "a"}, 422, "items"),
    ("bulk empty items", "post", "/v1/decisions", {"action": "approve", "reason_code": "other", "moderator": "a", "items": []}, 422, "items"),
    ("bulk too many items", "post", "/v1/decisions", {"action": "approve", "reason_code": "other", "moderator": "a",
                                                       "items": [{"id": "c1", "version": 1}] * 101}, 422, "items"),
    ("bulk item without version", "post", "/v1/decisions", {"action": "approve", "reason_code": "other", "moderator": "a",
                                                             "items": [{"id": "c1"}]}, 422, "items.0.version"),
    ("bulk item not an object", "post", "/v1/decisions", {"action": "approve", "reason_code": "other", "moderator": "a",
                                                           "items": ["c1"]}, 422, "items.0"),
    ("queue unknown", "get", "/v1/queues/trash", None, 404, None),
    ("queue bad cursor", "get", "/v1/queues/review?cursor=abc", None, 422, "cursor"),
    ("queue limit zero", "get", "/v1/queues/review?limit=0", None, 422, "limit"),
    ("queue limit huge", "get", "/v1/queues/review?limit=100000", None, 422, "limit"),
    ("history bad cursor", "get", "/v1/comments/{cid}/history?cursor=x", None, 422, "cursor"),
    ("history unknown comment", "get", "/v1/comments/c_nope/history", None, 404, None),
    ("author unknown", "get", "/v1/authors/nobody", None, 404, None),
    ("author action unknown", "post", "/v1/authors/u1/actions", {"action": "shame", "moderator": "a"}, 422, "action"),
    ("author suspend without duration", "post", "/v1/authors/u1/actions", {"action": "suspend", "moderator": "a"}, 422, "duration_hours"),
    ("author suspend negative", "post", "/v1/authors/u1/actions", {"action": "suspend", "moderator": "a", "duration_hours": -1}, 422, "duration_hours"),
    ("author suspend forever", "post", "/v1/authors/u1/actions", {"action": "suspend", "moderator": "a", "duration_hours": 1e12}, 422, "duration_hours"),
    ("author suspend text", "post", "/v1/authors/u1/actions", {"action": "suspend", "moderator": "a", "duration_hours": "2h"}, 422, "duration_hours"),
    ("author ban with duration", "post", "/v1/authors/u1/actions", {"action": "ban", "moderator": "a", "duration_hours": 2}, 422, "duration_hours"),
    ("author action no moderator", "post", "/v1/authors/u1/actions", {"action": "ban"}, 422, "moderator"),
]


@pytest.mark.parametrize("name,method,path,body,status,field", BAD_MODERATION_REQUESTS,
                         ids=[b[0] for b in BAD_MODERATION_REQUESTS])
def test_bad_moderation_requests_get_a_problem_and_change_nothing(client, r, site_headers, moderator_token,
                                                                  name, method, path, body, status, field):
    from moderation.comments import store

    cid = client.post("/v1/comments", json=VALID, headers=site_headers).get_json()["id"]
    store.transition(r, cid, expected="pending", to="published", actor="model", reason="test")
    headers = site_headers if "/reports" in path else {"Authorization": f"Bearer {moderator_token}"}
    before = {k: r.dump(k) for k in r.keys("*") if not k.startswith("mod:token")}
    resp = getattr(client, method)(path.format(cid=cid), headers=headers, json=body)
    assert resp.status_code == status, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == status and resp.get_json()["detail"]
    if field:
        assert field in resp.get_json()["errors"], resp.get_json()
    assert {k: r.dump(k) for k in r.keys("*") if not k.startswith("mod:token")} == before
