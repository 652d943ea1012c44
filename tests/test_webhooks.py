"""Webhooks: registration (API and CLI), signed in-order delivery, retries with backoff, and
the whole path across a real Celery worker and its scheduler."""

import json
import time

import pytest

from moderation import auth, create_app, keys
from moderation.comments import store
from moderation.webhooks import delivery

from .conftest import start_worker, stop_process_group, wait_for
from .webhook_receiver import Receiver, verify

HTTPS_URL = "https://www.example.fr/hooks/moderation"


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def local_app(app_config, r):
    """The app with plain-http local endpoints allowed, as the tests' receivers need."""
    return create_app({**app_config, "WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_RETRY_BASE_SECONDS": 0.05,
                       "WEBHOOK_TIMEOUT_SECONDS": 2.0})


def settings(app, **overrides) -> delivery.Settings:
    return delivery.Settings.from_config({**app.config, **overrides})


def make_events(r, n: int, client: str = "site") -> list[str]:
    """n comments of `client` decided: n events in its stream; returns their event ids."""
    before = {i for i, _ in r.xrange(keys.events(client))}
    for i in range(n):
        cid = store.new_id()
        store.create_comment(r, comment_id=cid, client=client, article_id="a1", author_id=f"u{i}",
                             text=f"Commentaire {i}", external_id=f"ext-{cid}")
        store.transition(r, cid, expected="pending", to="published", actor="model", reason="ok")
    return [i for i, _ in r.xrange(keys.events(client)) if i not in before]


def register(app, site_headers, url: str) -> str:
    resp = app.test_client().put("/v1/webhook", json={"url": url}, headers=site_headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["secret"]


# --- registration through the API --------------------------------------------------------

def test_put_shows_the_secret_once_and_get_never(client, r, site_headers):
    resp = client.put("/v1/webhook", json={"url": HTTPS_URL}, headers=site_headers)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["url"] == HTTPS_URL and body["client"] == "site"
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["delivery"]["consecutive_failures"] == 0 and body["delivery"]["cursor"] == "0-0"

    shown = client.get("/v1/webhook", headers=site_headers)
    assert shown.status_code == 200 and "secret" not in shown.get_json()
    assert body["secret"] not in shown.get_data(as_text=True)

    again = client.put("/v1/webhook", json={"url": HTTPS_URL + "/v2"}, headers=site_headers).get_json()
    assert again["secret"] != body["secret"]  # registering again rotates the secret
    assert again["created_at"] == body["created_at"]
    assert client.get("/v1/webhook", headers=site_headers).get_json()["url"] == HTTPS_URL + "/v2"

    assert client.delete("/v1/webhook", headers=site_headers).status_code == 204
    for resp in (client.get("/v1/webhook", headers=site_headers),
                 client.delete("/v1/webhook", headers=site_headers)):
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert r.smembers(keys.WEBHOOKS) == set()


@pytest.mark.parametrize("body", [
    {"url": "http://www.example.fr/hooks"},
    {"url": "http://127.0.0.1:8080/hooks"},  # local, but plain http is not allowed here
    {"url": "ftp://www.example.fr/hooks"},
    {"url": "https://"},
    {"url": "/hooks"},
    {"url": "pas une url"},
    {"url": ""},
    {"url": "https://user:motdepasse@www.example.fr/hooks"},
    {"url": "https://www.example.fr/hooks#x"},
    {"url": "https://www.example.fr:99999/hooks"},
    {"url": "https://www.example.fr:port/hooks"},
    {"url": "https://www.example.fr/" + "a" * 3000},
    {"url": "https://www.example.fr/\x00"},
    {"url": 5},
    {"url": None},
    {},
    {"url": HTTPS_URL, "events": ["comment.status"]},
    [HTTPS_URL],
])
def test_bad_registrations_are_problems(client, r, site_headers, body):
    resp = client.put("/v1/webhook", json=body, headers=site_headers)
    assert resp.status_code in (400, 422), resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert not r.exists(keys.webhook("site"))


def test_http_on_this_machine_only_when_allowed(local_app, site_headers):
    client = local_app.test_client()
    for url in ("http://127.0.0.1:8080/hooks", "http://localhost/hooks", "http://[::1]:9/h"):
        assert client.put("/v1/webhook", json={"url": url}, headers=site_headers).status_code == 200
    refused = client.put("/v1/webhook", json={"url": "http://www.example.fr/hooks"}, headers=site_headers)
    assert refused.status_code == 422 and "127.0.0.1" in refused.get_json()["detail"]


def test_webhook_needs_the_comments_scope(client, r, site_headers):
    token = auth.create_client(r, "moderators", ["moderation"])
    headers = {"Authorization": f"Bearer {token}"}
    assert client.put("/v1/webhook", json={"url": HTTPS_URL}, headers=headers).status_code == 403
    assert client.get("/v1/webhook", headers=headers).status_code == 403
    assert client.put("/v1/webhook", json={"url": HTTPS_URL}).status_code == 401


def test_a_new_webhook_starts_after_the_events_already_there(client, r, site_headers):
    old = make_events(r, 2)
    client.put("/v1/webhook", json={"url": HTTPS_URL}, headers=site_headers)
    assert client.get("/v1/webhook", headers=site_headers).get_json()["delivery"]["cursor"] == old[-1]
    assert delivery.due_clients(r) == []
    make_events(r, 1)
    assert delivery.due_clients(r) == ["site"]


# --- registration through the CLI --------------------------------------------------------

def test_cli_set_show_remove(runner, r, site_token):
    result = runner.invoke(args=["webhooks", "set", "site", HTTPS_URL])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert secret.startswith("whsec_")
    assert r.hget(keys.webhook("site"), "secret") == secret

    shown = runner.invoke(args=["webhooks", "show", "site"])
    assert shown.exit_code == 0
    assert f"url\t{HTTPS_URL}" in shown.output and "consecutive_failures\t0" in shown.output
    assert secret not in shown.output

    assert runner.invoke(args=["webhooks", "remove", "site"]).exit_code == 0
    for args in (["webhooks", "show", "site"], ["webhooks", "remove", "site"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "no webhook" in result.output


def test_cli_refuses_http_unknown_clients_and_bad_urls(runner, local_app, r, site_token):
    assert runner.invoke(args=["webhooks", "set", "site", "http://127.0.0.1:8080/h"]).exit_code != 0
    assert runner.invoke(args=["webhooks", "set", "nobody", HTTPS_URL]).exit_code != 0
    assert runner.invoke(args=["webhooks", "set", "site", "https://"]).exit_code != 0
    auth.revoke_client(r, "site")
    assert runner.invoke(args=["webhooks", "set", "site", HTTPS_URL]).exit_code != 0
    assert not r.exists(keys.webhook("site"))
    auth.create_client(r, "local", ["comments:write"])
    allowed = local_app.test_cli_runner().invoke(args=["webhooks", "set", "local", "http://127.0.0.1:8080/h"])
    assert allowed.exit_code == 0, allowed.output


# --- delivery, in process ---------------------------------------------------------------

def test_events_are_posted_in_order_with_a_valid_signature(local_app, r, site_headers, receiver):
    secret = register(local_app, site_headers, receiver.url)
    ids = make_events(r, 3)
    outcome = delivery.deliver(r, "site", settings(local_app))
    assert outcome == delivery.Outcome(delivered=3)
    assert receiver.accepted_ids() == ids

    events = local_app.test_client().get("/v1/events", headers=site_headers).get_json()["items"]
    for got, event in zip(receiver.received, events):
        assert verify(secret, got.headers, got.body)
        assert json.loads(got.body) == event  # the same body GET /v1/events lists
        assert got.headers["Moderation-Event-Type"] == "comment.status"
        assert got.headers["Content-Type"].startswith("application/json")
    assert not verify("whsec_another", receiver.received[0].headers, receiver.received[0].body)
    assert not verify(secret, receiver.received[0].headers, receiver.received[0].body + b" ")

    status = local_app.test_client().get("/v1/webhook", headers=site_headers).get_json()["delivery"]
    assert status["cursor"] == ids[-1] and status["last_success_at"] and status["consecutive_failures"] == 0
    assert delivery.deliver(r, "site", settings(local_app)).skipped == "nothing to deliver"
    assert delivery.due_clients(r) == []


def test_a_failure_stops_the_run_and_is_retried_after_a_backoff(local_app, r, site_headers):
    receiver = Receiver(fail_first=2, status=503)
    try:
        register(local_app, site_headers, receiver.url)
        ids = make_events(r, 2)
        slow = settings(local_app, WEBHOOK_RETRY_BASE_SECONDS=60)
        first = delivery.deliver(r, "site", slow)
        assert first == delivery.Outcome(delivered=0, error="HTTP 503")
        status = local_app.test_client().get("/v1/webhook", headers=site_headers).get_json()["delivery"]
        assert status["consecutive_failures"] == 1 and status["last_error"] == "HTTP 503"
        assert status["cursor"] == "0-0" and status["next_attempt_at"]
        # Waiting: neither a run nor the scheduler tries again before the backoff is over.
        assert delivery.deliver(r, "site", slow).skipped == "waiting to retry"
        assert delivery.due_clients(r) == []
        assert len(receiver.received) == 1

        r.hset(keys.webhook("site"), "next_attempt_at", time.time())  # a minute later…
        fast = settings(local_app)  # base 0.05 s: the second failure waits 0.1 s
        assert delivery.deliver(r, "site", fast).error == "HTTP 503"
        assert int(r.hget(keys.webhook("site"), "consecutive_failures")) == 2
        next_attempt = float(r.hget(keys.webhook("site"), "next_attempt_at"))
        assert next_attempt - time.time() > 0.05  # the wait doubled
        wait_for(lambda: delivery.due_clients(r), timeout=2)
        assert delivery.deliver(r, "site", fast).delivered == 2
        assert receiver.accepted_ids() == ids
        assert [x.event_id for x in receiver.received] == [ids[0]] * 3 + [ids[1]]
        status = local_app.test_client().get("/v1/webhook", headers=site_headers).get_json()["delivery"]
        assert status["consecutive_failures"] == 0 and status["cursor"] == ids[-1]
        assert status["last_error"] == "HTTP 503"  # kept for the record
    finally:
        receiver.close()


def test_redirects_are_not_followed(local_app, r, site_headers, receiver):
    redirecting = Receiver(fail_first=1, status=307, headers={"Location": receiver.url})
    try:
        register(local_app, site_headers, redirecting.url)
        make_events(r, 1)
        assert delivery.deliver(r, "site", settings(local_app)).error == "HTTP 307"
        assert receiver.received == []
    finally:
        redirecting.close()


def test_a_slow_endpoint_times_out(local_app, r, site_headers):
    slow = Receiver(delay=1.0)
    try:
        register(local_app, site_headers, slow.url)
        make_events(r, 1)
        outcome = delivery.deliver(r, "site", settings(local_app, WEBHOOK_TIMEOUT_SECONDS=0.2))
        assert outcome.error == "timeout"
    finally:
        slow.close()


def test_an_unreachable_endpoint_is_a_failure(local_app, r, site_headers):
    from .conftest import free_port

    register(local_app, site_headers, f"http://127.0.0.1:{free_port()}/h")
    make_events(r, 1)
    outcome = delivery.deliver(r, "site", settings(local_app))
    assert outcome.error and outcome.error.startswith("ConnectionError")


def test_one_deliverer_per_client(local_app, r, site_headers, receiver):
    register(local_app, site_headers, receiver.url)
    make_events(r, 1)
    r.set(keys.webhook_lock("site"), "someone-else", px=10_000)
    assert delivery.deliver(r, "site", settings(local_app)).skipped == "another delivery is running"
    assert delivery.due_clients(r) == []
    assert receiver.received == []
    r.delete(keys.webhook_lock("site"))
    assert delivery.deliver(r, "site", settings(local_app)).delivered == 1
    assert not r.exists(keys.webhook_lock("site"))  # released after the run


def test_a_lost_lock_or_a_new_registration_stops_the_cursor(local_app, r, site_headers):
    register(local_app, site_headers, HTTPS_URL)
    record = lambda token, generation: keys.run_script(  # noqa: E731
        r, keys.WEBHOOK_RECORD, [keys.webhook_lock("site"), keys.webhook("site")],
        [token, 10_000, generation, "cursor", "9-9"])
    r.set(keys.webhook_lock("site"), "mine")
    assert record("not-mine", "1") == 0
    assert record("mine", "2") == 0  # re-registered meanwhile: another URL or secret
    assert r.hget(keys.webhook("site"), "cursor") == "0-0"
    assert record("mine", "1") == 1
    assert r.hget(keys.webhook("site"), "cursor") == "9-9"


def test_http_turned_off_after_registration_is_not_delivered(local_app, app, r, site_headers, receiver):
    register(local_app, site_headers, receiver.url)
    make_events(r, 1)
    outcome = delivery.deliver(r, "site", settings(app))  # WEBHOOK_ALLOW_HTTP false
    assert outcome.error and "https" in outcome.error
    assert receiver.received == []


def test_backoff_doubles_up_to_the_cap():
    assert [delivery.backoff(n, 2, 60) for n in (1, 2, 3, 4, 5, 6, 100)] == [2, 4, 8, 16, 32, 60, 60]


# --- across the queue ---------------------------------------------------------------------

@pytest.mark.worker
def test_worker_delivers_every_decision_in_order_after_failures(redis_server, local_app, r,
                                                                 site_headers, tmp_path):
    """The endpoint answers 500 three times, then 200: the scheduler and a real worker
    deliver every decision, in order, each with a valid signature."""
    receiver = Receiver(fail_first=3, status=500)
    proc = None
    try:
        secret = register(local_app, site_headers, receiver.url)
        client = local_app.test_client()
        comments = [client.post("/v1/comments", json={"article_id": "a1", "author_id": f"u{i}",
                                                     "text": f"Merci pour cet article {i}"},
                                headers=site_headers).get_json()["id"] for i in range(5)]
        proc = start_worker(redis_server, ("MODERATION_WEBHOOK_ALLOW_HTTP", "true"),
                            ("MODERATION_WEBHOOK_INTERVAL_SECONDS", "0.3"),
                            ("MODERATION_WEBHOOK_RETRY_BASE_SECONDS", "0.2"),
                            beat_schedule=tmp_path / "beat-schedule")
        wait_for(lambda: r.xlen(keys.events("site")) == len(comments), timeout=60)
        ids = [i for i, _ in r.xrange(keys.events("site"))]
        wait_for(lambda: len(set(receiver.accepted_ids())) == len(ids), timeout=60, interval=0.1)

        accepted = list(dict.fromkeys(receiver.accepted_ids()))  # de-duplicated on the id
        assert accepted == ids
        attempts = [x.event_id for x in receiver.received]
        assert attempts[:3] == [ids[0]] * 3 and sum(x.status == 500 for x in receiver.received) == 3
        assert attempts == sorted(attempts, key=lambda i: tuple(map(int, i.split("-"))))
        assert all(verify(secret, x.headers, x.body) for x in receiver.received)
        assert {json.loads(x.body)["comment_id"] for x in receiver.received} == set(comments)

        status = client.get("/v1/webhook", headers=site_headers).get_json()["delivery"]
        assert status["cursor"] == ids[-1] and status["consecutive_failures"] == 0
        assert status["last_error"] == "HTTP 500"
    finally:
        if proc is not None:
            stop_process_group(proc)
        receiver.close()
