"""Submitting comments, reading them back, and listing what an article shows."""

from moderation import keys
from moderation.comments import store
from moderation.decision import current_policy, process_comment

BODY = {"article_id": "a1", "author_id": "u1", "text": "Très bon article, merci pour ce travail."}


def post(client, headers, **overrides):
    return client.post("/v1/comments", json={**BODY, **overrides}, headers=headers)


def test_submit_answers_202_pending_with_location(client, r, site_headers):
    resp = post(client, site_headers, parent_id="c_parent", external_id="site-42")
    assert resp.status_code == 202
    body = resp.get_json()
    assert body["status"] == "pending"
    assert resp.headers["Location"].endswith(f"/v1/comments/{body['id']}")
    stored = r.hgetall(keys.comment(body["id"]))
    assert stored["text"] == BODY["text"] and stored["status"] == "pending"
    assert stored["parent_id"] == "c_parent" and stored["client"] == "site"
    assert r.zscore(keys.PENDING, body["id"]) is not None


def test_same_external_id_from_same_client_is_one_comment(client, r, site_headers):
    first = post(client, site_headers, external_id="site-7").get_json()
    again = post(client, site_headers, external_id="site-7", text="autre texte").get_json()
    assert again["id"] == first["id"]
    assert len(r.keys("mod:comment:*:history")) == 1
    assert r.hget(keys.comment(first["id"]), "text") == BODY["text"]
    # one message queued for the one comment
    assert r.llen("moderation") == 1


def test_same_external_id_from_another_client_is_another_comment(client, r, site_headers):
    from moderation import auth

    other = {"Authorization": "Bearer " + auth.create_client(r, "other-site", ["comments:write"])}
    a = post(client, site_headers, external_id="x1").get_json()["id"]
    b = post(client, other, external_id="x1").get_json()["id"]
    assert a != b


def test_resubmitted_external_id_reports_the_current_status(app, client, r, site_headers):
    cid = post(client, site_headers, external_id="e9").get_json()["id"]
    with app.app_context():
        process_comment(r, cid, app.extensions["classifier"], current_policy(app))
    decided = r.hget(keys.comment(cid), "status")
    assert post(client, site_headers, external_id="e9").get_json() == {"id": cid, "status": decided}


def test_get_comment_shows_scores_and_decision_once_decided(app, client, r, site_headers):
    cid = post(client, site_headers).get_json()["id"]
    pending = client.get(f"/v1/comments/{cid}", headers=site_headers).get_json()
    assert pending["status"] == "pending" and pending["decision"] is None and pending["scores"] is None

    with app.app_context():
        process_comment(r, cid, app.extensions["classifier"], current_policy(app))
    body = client.get(f"/v1/comments/{cid}", headers=site_headers).get_json()
    clf = app.extensions["classifier"]
    assert body["status"] in ("published", "review", "rejected")
    assert set(body["scores"]) == set(clf.labels)
    assert all(0.0 <= v <= 1.0 for v in body["scores"].values())
    decision = body["decision"]
    assert decision["decided_by"] == "model"
    assert decision["model_version"] == clf.version
    assert decision["action"] in ("publish", "review", "reject") and decision["reason"]
    assert decision["decided_at"].endswith("+00:00")
    assert body["version"] == 2


def test_listing_is_newest_first_and_cursor_paginated(app, client, r, site_headers):
    ids = [post(client, site_headers, text=f"Commentaire numéro {i}").get_json()["id"] for i in range(5)]
    post(client, site_headers, article_id="other")
    seen, cursor = [], None
    while True:
        query = "?status=pending&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/v1/articles/a1/comments{query}", headers=site_headers).get_json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


def test_listing_defaults_to_published(app, client, r, site_headers):
    cid = post(client, site_headers).get_json()["id"]
    assert client.get("/v1/articles/a1/comments", headers=site_headers).get_json()["items"] == []
    store.transition(r, cid, expected="pending", to="published", actor="test", reason="r")
    items = client.get("/v1/articles/a1/comments", headers=site_headers).get_json()["items"]
    assert [c["id"] for c in items] == [cid]


def test_every_change_is_in_the_audit_stream(app, client, r, site_headers):
    cid = post(client, site_headers).get_json()["id"]
    with app.app_context():
        process_comment(r, cid, app.extensions["classifier"], current_policy(app))
    events = [fields for _, fields in r.xrange(keys.comment_history(cid))]
    assert [(e["from"], e["to"], e["actor"]) for e in events][0] == ("", "pending", "api")
    assert events[1]["from"] == "pending" and events[1]["actor"] == "model" and events[1]["reason"]
    assert len([e for _, e in r.xrange(keys.AUDIT) if e["comment_id"] == cid]) == 2


def test_openapi_document_and_docs_page(client):
    spec = client.get("/openapi.json").get_json()
    assert "/v1/comments" in spec["paths"]
    errors = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert errors["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/docs")
    assert page.status_code == 200 and b"swagger" in page.data.lower()
    with client.get("/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
