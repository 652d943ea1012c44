"""GET /v1/events: a client's status changes and report outcomes, oldest first, by cursor."""

from datetime import datetime

import pytest

from moderation import auth, keys
from moderation.comments import store


def stream_order(event_id: str) -> tuple[int, int]:
    millis, _, seq = event_id.partition("-")
    return int(millis), int(seq or 0)


def submit(client, headers, n: int, **extra) -> list[str]:
    return [client.post("/v1/comments", json={"article_id": "a1", "author_id": f"u{i}",
                                              "text": f"Commentaire {i}", **extra},
                        headers=headers).get_json()["id"] for i in range(n)]


def decide(r, ids: list[str], to: str = "published") -> None:
    for cid in ids:
        assert store.transition(r, cid, expected="pending", to=to, actor="model",
                                reason="toxicity 0.010 < publish threshold 0.120").applied


def test_events_are_typed_and_oldest_first(client, r, site_headers):
    first = client.post("/v1/comments", json={"article_id": "a1", "author_id": "membre-1",
                                               "text": "Merci", "external_id": "com-1"},
                        headers=site_headers).get_json()["id"]
    second, = submit(client, site_headers, 1)
    decide(r, [first])
    decide(r, [second], to="review")

    resp = client.get("/v1/events", headers=site_headers)
    assert resp.status_code == 200
    body = resp.get_json()
    ids = [event_id for event_id, _ in r.xrange(keys.events("site"))]
    assert [e["id"] for e in body["items"]] == ids and len(ids) == 2
    assert body["next_cursor"] == ids[-1]
    event = body["items"][0]
    assert event == {"id": ids[0], "type": "comment.status", "comment_id": first,
                     "external_id": "com-1", "article_id": "a1", "author_id": "membre-1",
                     "version": 2, "actor": "model", "from": "pending", "to": "published",
                     "reason": "toxicity 0.010 < publish threshold 0.120", "at": event["at"]}
    assert datetime.fromisoformat(event["at"]).tzinfo is not None
    assert body["items"][1]["external_id"] is None
    assert body["items"][1]["to"] == "review"


def test_pages_follow_the_cursor_and_an_empty_page_keeps_it(client, r, site_headers):
    decide(r, submit(client, site_headers, 5))
    ids = [event_id for event_id, _ in r.xrange(keys.events("site"))]
    seen, cursor, pages = [], None, 0
    while True:
        query = "/v1/events?limit=2" + (f"&after={cursor}" if cursor else "")
        body = client.get(query, headers=site_headers).get_json()
        if not body["items"]:
            assert body["next_cursor"] == cursor  # poll again with the same cursor
            break
        pages += 1
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
    assert seen == ids and pages == 3

    # What happens next is read with the cursor kept from before.
    decide(r, submit(client, site_headers, 1))
    later = client.get(f"/v1/events?after={cursor}", headers=site_headers).get_json()
    assert len(later["items"]) == 1
    assert stream_order(later["items"][0]["id"]) > stream_order(cursor)


def test_after_accepts_a_time_alone(client, r, site_headers):
    decide(r, submit(client, site_headers, 2))
    ids = [event_id for event_id, _ in r.xrange(keys.events("site"))]
    assert [e["id"] for e in client.get("/v1/events?after=0", headers=site_headers).get_json()["items"]] == ids
    millis = ids[-1].split("-")[0]
    assert client.get(f"/v1/events?after={int(millis) + 1}", headers=site_headers).get_json()["items"] == []


@pytest.mark.parametrize("query", [
    "after=abc", "after=", "after=1-2-3", "after=-1", "after=1-", "after=(1-0",
    "after=99999999999999999999-0", "after=1.5", "limit=0", "limit=101", "limit=x",
])
def test_bad_cursor_or_limit_is_a_problem(client, site_headers, query):
    resp = client.get(f"/v1/events?{query}", headers=site_headers)
    assert resp.status_code in (400, 422)
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == resp.status_code


def test_a_client_reads_only_its_own_events(client, r, site_headers):
    decide(r, submit(client, site_headers, 2))
    other = auth.create_client(r, "other-site", ["comments:write"])
    assert client.get("/v1/events", headers={"Authorization": f"Bearer {other}"}).get_json() == {
        "items": [], "next_cursor": "0-0"}
    moderators = auth.create_client(r, "moderators", ["moderation"])
    assert client.get("/v1/events", headers={"Authorization": f"Bearer {moderators}"}).status_code == 200
    reporter = auth.create_client(r, "reporter", ["reports:write"])
    assert client.get("/v1/events", headers={"Authorization": f"Bearer {reporter}"}).status_code == 403
    assert client.get("/v1/events").status_code == 401


def test_report_outcomes_and_unknown_fields_pass_through(client, r, site_headers):
    # As keys.RESOLVE_REPORTS writes them (and any field added later reaches the site).
    r.xadd(keys.events("site"), {"type": "report.resolved", "comment_id": "c_1", "external_id": "",
                                 "article_id": "a1", "author_id": "u1", "reporter_id": "membre-7",
                                 "reason": "insult", "outcome": "upheld", "reason_code": "",
                                 "moderator": "alice", "at": "1764072000.5", "note": "doublon"})
    event, = client.get("/v1/events", headers=site_headers).get_json()["items"]
    assert event["type"] == "report.resolved" and event["outcome"] == "upheld"
    assert event["reporter_id"] == "membre-7" and event["moderator"] == "alice"
    assert event["external_id"] is None and event["reason_code"] is None
    assert event["note"] == "doublon"
    assert "version" not in event and "from" not in event
    assert event["at"].startswith("2025-11-25T12:00:00.5")
