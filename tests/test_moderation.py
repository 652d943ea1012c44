"""Moderator decisions (one and bulk), queues in priority order, and the audit history."""

import json
import time

import pytest

from moderation import keys
from moderation.comments import store
from moderation.decision import Policy, process_comment
from moderation.priority import Priority
from moderation.terms import TermList

from .moderation_helpers import decide, decide_as_model, make_proven, published, report, submit, version
from .test_decision import FixedClassifier


@pytest.fixture
def mod_headers(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


def policy(**kwargs) -> Policy:
    return Policy(0.3, 0.8, TermList(set()), TermList(set()), **kwargs)


def stored_comment(r, *, author="u1", text="Un commentaire", created_at=None) -> str:
    cid = store.new_id()
    store.create_comment(r, comment_id=cid, client="site", article_id="a1", author_id=author,
                         text=text, now=created_at)
    return cid


def test_a_decision_moves_the_comment_and_records_who_decided(client, r, site_headers, mod_headers):
    cid = submit(client, site_headers)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    resp = decide(client, mod_headers, cid, "reject", r=r, reason_code="harassment", note="Attaque personnelle")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "rejected" and body["version"] == 3
    assert body["decision"]["action"] == "reject"
    assert body["decision"]["decided_by"] == "claire@exemple.fr"
    assert body["decision"]["model_version"] == "fixed-1"
    assert body["decision"]["reason"] == "harassment: Attaque personnelle"
    assert r.zscore(keys.queue("review"), cid) is None
    assert json.loads(r.hget(keys.comment(cid), "decision"))["reason_code"] == "harassment"


@pytest.mark.parametrize("action,status", [("approve", "published"), ("reject", "rejected"), ("hide", "hidden")])
def test_each_action_leads_to_its_status(client, r, site_headers, mod_headers, action, status):
    cid = submit(client, site_headers)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    assert decide(client, mod_headers, cid, action, r=r).get_json()["status"] == status
    assert r.zrange(keys.article_status("a1", status), 0, -1) == [cid]


def test_a_decision_on_a_stale_version_is_409_and_changes_nothing(client, r, site_headers, mod_headers):
    cid = submit(client, site_headers)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    seen = version(r, cid)
    report(client, site_headers, cid, "m1")  # reports do not change the version...
    assert decide(client, mod_headers, cid, "approve", ver=seen, moderator="a@x.fr").status_code == 200
    snapshot = r.hgetall(keys.comment(cid)), r.hgetall(keys.comment_reports(cid))
    # ...but a colleague's decision does
    resp = decide(client, mod_headers, cid, "reject", ver=seen, moderator="b@x.fr")
    assert resp.status_code == 409
    assert resp.mimetype == "application/problem+json"
    assert f"version {seen + 1}" in resp.get_json()["detail"]
    assert (r.hgetall(keys.comment(cid)), r.hgetall(keys.comment_reports(cid))) == snapshot


def test_deciding_an_unknown_comment_is_404(client, r, mod_headers):
    assert decide(client, mod_headers, "c_nope", "approve", ver=1).status_code == 404


def test_bulk_decision_applies_or_refuses_each_item(client, r, site_headers, mod_headers):
    ids = [submit(client, site_headers, text=f"Texte {i}") for i in range(3)]
    for cid in ids:
        decide_as_model(r, cid, to="review", toxicity=0.5)
    stale = ids[2]
    decide(client, mod_headers, stale, "approve", r=r)
    resp = client.post("/v1/decisions", headers=mod_headers, json={
        "items": [{"id": ids[0], "version": 2}, {"id": "c_nope", "version": 1},
                  {"id": ids[1], "version": 2}, {"id": stale, "version": 2}, {"id": ids[0], "version": 2}],
        "action": "reject", "reason_code": "spam", "moderator": "claire@exemple.fr"})
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [(x["id"], x["outcome"]) for x in results] == [
        (ids[0], "applied"), ("c_nope", "not_found"), (ids[1], "applied"), (stale, "stale"), (ids[0], "stale")]
    assert results[0]["status"] == "rejected" and results[0]["version"] == 3
    assert results[3]["status"] == "published"
    assert [r.hget(keys.comment(c), "status") for c in ids] == ["rejected", "rejected", "published"]


def test_resolving_a_comment_resolves_its_reports_and_tells_the_site(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers)
    report(client, site_headers, cid, "m1")
    report(client, site_headers, cid, "m2", reason="hate")
    assert decide(client, mod_headers, cid, "hide", r=r, moderator="paul@exemple.fr").status_code == 200
    reports = {k: json.loads(v) for k, v in r.hgetall(keys.comment_reports(cid)).items()}
    assert {k: v["state"] for k, v in reports.items()} == {"m1": "upheld", "m2": "upheld"}
    events = [e for _, e in r.xrange(keys.events("site")) if e["type"] == "report.resolved"]
    assert sorted(e["reporter_id"] for e in events) == ["m1", "m2"]
    assert all(e["comment_id"] == cid and e["outcome"] == "upheld" and e["moderator"] == "paul@exemple.fr"
               for e in events)
    # resolved reports no longer count: a new report starts from zero
    assert r.hget(keys.comment(cid), "report_proven") is None
    assert r.hget(keys.comment(cid), "report_unproven") is None


def test_queues_list_their_sizes(client, r, site_headers, mod_headers):
    cid = submit(client, site_headers)
    submit(client, site_headers, text="En attente")
    decide_as_model(r, cid, to="review", toxicity=0.5)
    body = client.get("/v1/queues", headers=mod_headers).get_json()
    assert body["items"] == [{"name": "review", "size": 1}, {"name": "reported", "size": 0},
                             {"name": "pending", "size": 1}, {"name": "rejected", "size": 0},
                             {"name": "published", "size": 0}]


def test_a_queue_is_in_priority_order_and_pages_with_a_cursor(client, r, site_headers, mod_headers):
    now = time.time()
    # toxicity, hours ago: an old mild comment overtakes a fresh one slightly more toxic
    cases = {"fresh-toxic": (0.75, 0), "old-mild": (0.5, 5), "fresh-mild": (0.5, 0), "mid": (0.6, 0)}
    ids = {}
    for name, (tox, hours) in cases.items():
        cid = ids[name] = stored_comment(r, text=name, created_at=now - hours * 3600)
        process_comment(r, cid, FixedClassifier(tox), policy(), now=now)
    # the aged one: 0.5 + 0.1 × 5 = 1.0 > 0.75
    expected = ["old-mild", "fresh-toxic", "mid", "fresh-mild"]
    first = client.get("/v1/queues/review?limit=2", headers=mod_headers).get_json()
    assert first["size"] == 4
    assert [i["comment"]["text"] for i in first["items"]] == expected[:2]
    assert first["items"][0]["priority"] == pytest.approx(1.0, abs=0.01)
    second = client.get(f"/v1/queues/review?limit=2&cursor={first['next_cursor']}", headers=mod_headers).get_json()
    assert [i["comment"]["text"] for i in second["items"]] == expected[2:]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert item["author"] == {"id": "u1", "state": "active", "until": None, "published": 0, "rejected": 0, "reported": 0}
    assert item["comment"]["spans"] and item["comment"]["scores"]["toxicity"] == 0.5


def test_reports_and_author_history_raise_priority(r):
    p = Priority()
    base = p.score(toxicity=0.5, created_at=1000.0)
    assert p.score(toxicity=0.5, created_at=1000.0, report_score=2.5) == pytest.approx(base + 0.5)
    assert p.score(toxicity=0.5, created_at=1000.0, report_score=50) == pytest.approx(base + 2)
    assert p.score(toxicity=0.5, created_at=1000.0, author_risk=0.8) == pytest.approx(base + 0.4)
    assert p.current(base, now=1000.0 + 3600) == pytest.approx(0.6)


def test_an_authors_rejections_raise_the_priority_of_their_next_comments(r):
    now = time.time()
    for _ in range(3):
        process_comment(r, stored_comment(r, author="récidiviste", created_at=now), FixedClassifier(0.9), policy(), now=now)
    risky = stored_comment(r, author="récidiviste", created_at=now)
    clean = stored_comment(r, author="nouveau", created_at=now)
    for cid in (risky, clean):
        process_comment(r, cid, FixedClassifier(0.5), policy(), now=now)
    assert r.zscore(keys.queue("review"), risky) > r.zscore(keys.queue("review"), clean)
    assert r.zcard(keys.queue("rejected")) == 3


def test_reported_queue_shows_open_reports(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers)
    report(client, site_headers, cid, "m1", note="Propos injurieux")
    item = client.get("/v1/queues/reported", headers=mod_headers).get_json()["items"][0]
    assert item["comment"]["id"] == cid
    assert item["report_score"] == 1.0
    assert [(x["reporter_id"], x["reason"], x["note"], x["state"]) for x in item["reports"]] == [
        ("m1", "insult", "Propos injurieux", "open")]
    assert item["author"]["reported"] == 1


def test_the_queue_shows_the_report_score_that_counts_for_hiding(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers)
    for i in range(6):
        report(client, site_headers, cid, f"nouveau-{i}")
    make_proven(r, "fiable")
    report(client, site_headers, cid, "fiable")
    item = client.get("/v1/queues/reported", headers=mod_headers).get_json()["items"][0]
    # six new members count for the cap (3), the proven reporter in full
    assert item["report_score"] == pytest.approx(3.0 + json.loads(r.hget(keys.comment_reports(cid), "fiable"))["weight"])


def test_the_pending_queue_is_the_scoring_backlog(client, r, site_headers, mod_headers):
    ids = [submit(client, site_headers, text=f"t{i}") for i in range(3)]
    body = client.get("/v1/queues/pending?limit=2", headers=mod_headers).get_json()
    assert [i["comment"]["id"] for i in body["items"]] == ids[:2]
    assert body["items"][0]["priority"] is None
    rest = client.get(f"/v1/queues/pending?cursor={body['next_cursor']}", headers=mod_headers).get_json()
    assert [i["comment"]["id"] for i in rest["items"]] == ids[2:]


def test_history_covers_a_comments_whole_life(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers)
    for name in ("f1", "f2", "f3"):
        make_proven(r, name)
        report(client, site_headers, cid, name)
    decide(client, mod_headers, cid, "approve", r=r, reason_code="other", moderator="paul@exemple.fr")
    decide(client, mod_headers, cid, "hide", r=r, reason_code="privacy", moderator="lea@exemple.fr")
    body = client.get(f"/v1/comments/{cid}/history", headers=mod_headers).get_json()
    rows = [(e["event"], e["actor"], e["from"], e["to"], e.get("reporter_id")) for e in body["items"]]
    assert rows == [
        ("status", "api", None, "pending", None),
        ("status", "model", "pending", "published", None),
        ("report", "reporter:f1", "published", "published", "f1"),
        ("report", "reporter:f2", "published", "published", "f2"),
        ("report", "reporter:f3", "published", "published", "f3"),
        ("status", "reports", "published", "hidden", None),
        ("report.resolved", "paul@exemple.fr", "hidden", "hidden", "f1"),
        ("report.resolved", "paul@exemple.fr", "hidden", "hidden", "f2"),
        ("report.resolved", "paul@exemple.fr", "hidden", "hidden", "f3"),
        ("status", "paul@exemple.fr", "hidden", "published", None),
        ("status", "lea@exemple.fr", "published", "hidden", None),
    ]
    assert all(e["at"] for e in body["items"])
    assert "dismissed" in body["items"][6]["reason"]
    assert body["items"][-1]["reason"] == "hide: privacy"
    page = client.get(f"/v1/comments/{cid}/history?limit=4", headers=mod_headers).get_json()
    assert len(page["items"]) == 4
    rest = client.get(f"/v1/comments/{cid}/history?limit=100&cursor={page['next_cursor']}", headers=mod_headers).get_json()
    assert [e["id"] for e in page["items"] + rest["items"]] == [e["id"] for e in body["items"]]


def test_history_of_an_unknown_comment_is_404(client, r, mod_headers):
    assert client.get("/v1/comments/c_nope/history", headers=mod_headers).status_code == 404


@pytest.mark.parametrize("method,path", [
    ("get", "/v1/queues"), ("get", "/v1/queues/review"), ("post", "/v1/decisions"),
    ("post", "/v1/comments/c1/decision"), ("get", "/v1/comments/c1/history"),
    ("get", "/v1/authors/u1"), ("post", "/v1/authors/u1/actions"),
])
def test_moderator_endpoints_need_the_moderation_scope(client, site_headers, method, path):
    resp = getattr(client, method)(path, headers=site_headers, json={})
    assert resp.status_code == 403


def test_the_models_publications_fill_the_published_queue_which_the_sweep_trims(r):
    from moderation.queues.store import trim_published

    now = time.time()
    old = stored_comment(r, text="vieux", created_at=now - 80 * 3600)
    recent = stored_comment(r, text="récent", created_at=now - 3600)
    for cid in (old, recent):
        process_comment(r, cid, FixedClassifier(0.1), policy(), now=now)
    assert set(r.zrange(keys.queue("published"), 0, -1)) == {old, recent}
    # 80 h > 24 h + the slack of max_base / aging (3.5 / 0.1 = 35 h); 1 h is recent
    assert trim_published(r, Priority(), hours=24, now=now) == 1
    assert r.zrange(keys.queue("published"), 0, -1) == [recent]
