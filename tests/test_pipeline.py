"""The whole path across the queue, with real Celery worker processes on the test Redis."""

import os
import signal
import time

import pytest

from moderation import create_app, keys
from moderation.queueing import ScoringQueue
from moderation.sweep import requeue_stale

from .conftest import start_worker, stop_process_group, wait_for

pytestmark = pytest.mark.worker

BODY = {"article_id": "a1", "author_id": "u1", "text": "Bravo pour ce reportage, très instructif."}


def decided(r, cid):
    status = r.hget(keys.comment(cid), "status")
    return status if status and status != "pending" else None


def test_submitted_comment_is_decided_by_a_worker(worker, client, r, site_headers):
    resp = client.post("/v1/comments", json=BODY, headers=site_headers)
    cid = resp.get_json()["id"]
    status = wait_for(lambda: decided(r, cid), timeout=30)
    body = client.get(resp.headers["Location"], headers=site_headers).get_json()
    assert body["status"] == status
    assert body["decision"]["decided_by"] == "model"
    assert body["decision"]["model_version"] == client.application.extensions["classifier"].version
    assert set(body["scores"]) >= {"toxicity", "insult", "threat", "hate", "obscene", "spam"}


def test_comment_whose_queueing_failed_is_requeued_by_the_sweep(worker, app_config, r, site_token):
    # The broker is unreachable when the comment arrives: the API still accepts it.
    broken = create_app({**app_config, "BROKER_URL": "redis://127.0.0.1:1/0"})
    resp = broken.test_client().post("/v1/comments", json=BODY,
                                     headers={"Authorization": f"Bearer {site_token}"})
    assert resp.status_code == 202
    cid = resp.get_json()["id"]
    time.sleep(1.0)
    assert r.hget(keys.comment(cid), "status") == "pending"  # nobody got the task

    healthy = create_app(app_config)
    with healthy.app_context():
        queue = healthy.extensions["scoring_queue"]
        assert requeue_stale(r, queue, older_than=60) == 0  # not stale yet
        assert requeue_stale(r, queue, older_than=0.5) == 1
    assert wait_for(lambda: decided(r, cid), timeout=30)
    assert r.zscore(keys.PENDING, cid) is None


def test_sweep_runs_periodically_in_the_scheduler(redis_server, app_config, r, site_token, tmp_path):
    broken = create_app({**app_config, "BROKER_URL": "redis://127.0.0.1:1/0"})
    cid = broken.test_client().post("/v1/comments", json=BODY,
                                    headers={"Authorization": f"Bearer {site_token}"}).get_json()["id"]
    proc = start_worker(redis_server, ("MODERATION_SWEEP_AFTER_SECONDS", "1"),
                        ("MODERATION_SWEEP_INTERVAL_SECONDS", "1"),
                        beat_schedule=tmp_path / "beat-schedule")
    try:
        assert wait_for(lambda: decided(r, cid), timeout=60)
    finally:
        stop_process_group(proc)


def test_worker_killed_mid_task_loses_no_comment(redis_server, client, r, site_headers):
    """SIGKILL the whole worker (parent and pool) while it holds a backlog: the messages it
    had taken come back after the visibility timeout and a new worker decides them all."""
    n = 300
    ids = [client.post("/v1/comments", json={**BODY, "text": f"Commentaire {i} sur la réforme"},
                       headers=site_headers).get_json()["id"] for i in range(n)]
    env = ("MODERATION_VISIBILITY_TIMEOUT_SECONDS", "3")
    first = start_worker(redis_server, env)
    wait_for(lambda: sum(1 for c in ids if decided(r, c)) >= 1, timeout=30, interval=0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done_before = sum(1 for c in ids if decided(r, c))
    assert done_before < n, "the worker finished everything before it could be killed"

    second = start_worker(redis_server, env)
    try:
        wait_for(lambda: all(decided(r, c) for c in ids), timeout=90, interval=0.2)
    finally:
        stop_process_group(second)
    # each comment was decided exactly once
    for cid in ids:
        events = r.xrange(keys.comment_history(cid))
        assert [e["to"] for _, e in events][0] == "pending" and len(events) == 2


def test_inline_message_runs_on_a_real_worker(worker, app, r):
    """The task message written by the storing script is one a Celery worker accepts."""
    from moderation.comments import store

    queue: ScoringQueue = app.extensions["scoring_queue"]
    assert queue.shared_redis
    cid = store.new_id()
    broker_list, message = queue.inline_message(cid)
    store.create_comment(r, comment_id=cid, client="site", article_id="a1", author_id="u1",
                         text="Bonne journée", broker_list=broker_list, broker_message=message)
    assert wait_for(lambda: decided(r, cid), timeout=30)


def test_inline_messages_are_unique_celery_messages(app):
    import base64
    import json

    queue: ScoringQueue = app.extensions["scoring_queue"]
    first = json.loads(queue.inline_message("c_1")[1])
    second = json.loads(queue.inline_message("c_2")[1])
    assert first["headers"]["task"] == "moderation.score_comment"
    assert json.loads(base64.b64decode(first["body"]))[0] == ["c_1"]
    assert json.loads(base64.b64decode(second["body"]))[0] == ["c_2"]
    assert first["headers"]["id"] != second["headers"]["id"]
    assert first["properties"]["delivery_tag"] != second["properties"]["delivery_tag"]
    assert first["properties"]["delivery_info"] == {"exchange": "", "routing_key": app.config["TASK_QUEUE"]}
