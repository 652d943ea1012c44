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
