"""The whole path across the queue, with real Celery worker processes on the test Redis."""

import time

import pytest

from moderation import create_app, keys
from moderation.queueing import ScoringQueue
from moderation.sweep import requeue_stale

from .conftest import wait_for

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
