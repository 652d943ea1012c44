"""Reports, decisions and sanctions on comments a real Celery worker decided."""

import pytest

from moderation import keys

from .conftest import start_worker, stop_process_group, wait_for
from .moderation_helpers import decide, make_proven, report, submit

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def lenient_worker(redis_server):
    # Thresholds that publish whatever the model says, so the test is about what follows.
    proc = start_worker(redis_server, ("MODERATION_PUBLISH_BELOW", "0.999"), ("MODERATION_REJECT_ABOVE", "1.01"))
    yield proc
    stop_process_group(proc)


@pytest.fixture
def mod_headers(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


def status_of(r, cid):
    status = r.hget(keys.comment(cid), "status")
    return status if status and status != "pending" else None


def test_reports_hide_a_comment_the_worker_published_and_a_moderator_restores_it(
        lenient_worker, client, r, site_headers, mod_headers):
    cid = submit(client, site_headers, author="auteur-w", text="Bravo pour ce reportage, très instructif.")
    assert wait_for(lambda: status_of(r, cid), timeout=30) == "published"
    for name in ("f1", "f2", "f3"):
        make_proven(r, name)
        assert report(client, site_headers, cid, name).status_code == 201
    assert r.hget(keys.comment(cid), "status") == "hidden"
    queued = client.get("/v1/queues/reported", headers=mod_headers).get_json()["items"]
    assert [i["comment"]["id"] for i in queued] == [cid]
    seen = queued[0]["comment"]["version"]
    resp = decide(client, mod_headers, cid, "approve", ver=seen, reason_code="other", moderator="paul@exemple.fr")
    assert resp.status_code == 200 and resp.get_json()["status"] == "published"
    events = [e for _, e in r.xrange(keys.events("site"))]
    resolved = [e for e in events if e["type"] == "report.resolved"]
    assert [(e["reporter_id"], e["outcome"], e["moderator"]) for e in resolved] == [
        ("f1", "dismissed", "paul@exemple.fr"), ("f2", "dismissed", "paul@exemple.fr"),
        ("f3", "dismissed", "paul@exemple.fr")]
    assert [e["to"] for e in events if e["type"] == "comment.status"] == ["published", "hidden", "published"]
    assert int(r.hget(keys.reporter("f1"), "dismissed")) == 1


def test_premoderation_and_ban_apply_to_what_the_worker_decides(lenient_worker, client, r, site_headers, mod_headers):
    act = lambda action: client.post("/v1/authors/auteur-p/actions", headers=mod_headers,
                                     json={"action": action, "moderator": "claire@exemple.fr"})
    assert act("premoderate").status_code == 200
    cid = submit(client, site_headers, author="auteur-p", text="Bravo pour ce reportage, très instructif.")
    assert wait_for(lambda: status_of(r, cid), timeout=30) == "review"
    item = client.get("/v1/queues/review", headers=mod_headers).get_json()["items"][0]
    assert item["comment"]["id"] == cid and item["author"]["state"] == "premoderated"
    assert act("ban").status_code == 200
    resp = client.post("/v1/comments", json={"article_id": "a1", "author_id": "auteur-p", "text": "Encore moi"},
                       headers=site_headers)
    assert resp.status_code == 403
