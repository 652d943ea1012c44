"""Author sanctions: pre-moderation, suspension, ban, restore, and the author's record."""

import time

import pytest

from moderation import keys
from moderation.authors import store as authors
from moderation.decision import process_comment

from .moderation_helpers import submit
from .test_decision import FixedClassifier
from .test_moderation import policy

BODY = {"article_id": "a1", "author_id": "m42", "text": "Bonjour à tous"}


@pytest.fixture
def mod_headers(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


def act(client, headers, action, author="m42", **extra):
    return client.post(f"/v1/authors/{author}/actions", headers=headers,
                       json={"action": action, "moderator": "claire@exemple.fr", **extra})


def test_premoderated_authors_comments_all_go_to_review(client, r, site_headers, mod_headers):
    before = submit(client, site_headers, author="m42")
    resp = act(client, mod_headers, "premoderate", note="Plusieurs dérapages")
    assert resp.status_code == 200 and resp.get_json()["state"] == "premoderated"
    after = submit(client, site_headers, author="m42")
    other = submit(client, site_headers, author="m43")
    for cid in (before, after, other):
        process_comment(r, cid, FixedClassifier(0.01), policy())
    assert r.hget(keys.comment(after), "status") == "review"
    assert r.zscore(keys.queue("review"), after) is not None
    assert "pre-moderation" in r.hget(keys.comment(after), "decision")
    # comments submitted before the sanction, and other authors', are decided as usual
    assert r.hget(keys.comment(before), "status") == "published"
    assert r.hget(keys.comment(other), "status") == "published"


def test_a_suspended_author_is_refused_until_the_end_of_the_suspension(client, r, site_headers, mod_headers):
    resp = act(client, mod_headers, "suspend", duration_hours=48)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["state"] == "suspended" and body["until"]
    comments_before = set(r.keys("mod:comment:*"))
    refused = client.post("/v1/comments", json=BODY, headers=site_headers)
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert "suspended until" in refused.get_json()["detail"]
    assert body["until"][:16] in refused.get_json()["detail"]
    assert set(r.keys("mod:comment:*")) == comments_before
    assert r.llen("moderation") == 0
    # a suspension that has run out needs no one to lift it
    authors.act(r, "m42", action="suspend", moderator="x", duration_hours=1, now=time.time() - 7200)
    assert client.post("/v1/comments", json=BODY, headers=site_headers).status_code == 202
    assert client.get("/v1/authors/m42", headers=mod_headers).get_json()["state"] == "active"


def test_a_banned_author_is_refused_and_restore_lifts_it(client, r, site_headers, mod_headers):
    act(client, mod_headers, "ban", note="Menaces répétées")
    refused = client.post("/v1/comments", json=BODY, headers=site_headers)
    assert refused.status_code == 403 and "banned" in refused.get_json()["detail"]
    # another author is unaffected
    assert client.post("/v1/comments", json={**BODY, "author_id": "m43"}, headers=site_headers).status_code == 202
    assert act(client, mod_headers, "restore").get_json()["state"] == "active"
    assert client.post("/v1/comments", json=BODY, headers=site_headers).status_code == 202


def test_an_authors_record_shows_counts_state_comments_and_actions(client, r, site_headers, mod_headers):
    ids = [submit(client, site_headers, author="m42", text=f"Texte {i}") for i in range(3)]
    process_comment(r, ids[0], FixedClassifier(0.01), policy())
    process_comment(r, ids[1], FixedClassifier(0.99), policy())
    act(client, mod_headers, "premoderate")
    act(client, mod_headers, "suspend", duration_hours=2, note="Calmez-vous")
    body = client.get("/v1/authors/m42", headers=mod_headers).get_json()
    assert (body["id"], body["published"], body["rejected"], body["reported"]) == ("m42", 1, 1, 0)
    assert body["state"] == "suspended"
    assert [c["id"] for c in body["recent_comments"]] == ids[::-1]
    assert [(a["action"], a["from"], a["to"], a["note"]) for a in body["actions"]] == [
        ("suspend", "premoderated", "suspended", "Calmez-vous"), ("premoderate", "active", "premoderated", None)]
    assert body["actions"][0]["until"] and body["actions"][0]["moderator"] == "claire@exemple.fr"


def test_an_author_with_rejections_has_a_risk_on_new_comments(client, r, site_headers):
    cid = submit(client, site_headers, author="m42")
    process_comment(r, cid, FixedClassifier(0.99), policy())
    later = submit(client, site_headers, author="m42")
    assert float(r.hget(keys.comment(later), "author_risk")) == pytest.approx(1 / 3)


def test_unknown_author_is_404(client, r, mod_headers):
    assert client.get("/v1/authors/nobody", headers=mod_headers).status_code == 404


def test_recent_comments_are_bounded(r):
    from moderation.comments import store

    for i in range(keys.AUTHOR_RECENT_COMMENTS + 5):
        store.create_comment(r, comment_id=f"c{i}", client="s", article_id="a", author_id="m1", text="t")
    assert r.zcard(keys.author_comments("m1")) == keys.AUTHOR_RECENT_COMMENTS
    assert r.zrange(keys.author_comments("m1"), -1, -1) == [f"c{keys.AUTHOR_RECENT_COMMENTS + 4}"]
