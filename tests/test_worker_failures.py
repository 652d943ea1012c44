"""Workers that die or never get the message: run without the module worker of
test_pipeline.py, so that only the workers each test starts can decide its comments."""

import os
import signal

from moderation import create_app, keys
from moderation.comments import store

from .conftest import start_worker, stop_process_group, wait_for

BODY = {"article_id": "a1", "author_id": "u1", "text": "Bravo pour ce reportage, très instructif."}


def decided(r, cid):
    status = r.hget(keys.comment(cid), "status")
    return status if status and status != "pending" else None


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


def test_worker_killed_mid_task_loses_no_comment(redis_server, app, r):
    """SIGKILL the whole worker (parent and pool) while it holds a backlog: the messages it
    had taken come back after the visibility timeout and a new worker decides them all."""
    n = 2000
    queue = app.extensions["scoring_queue"]
    ids = [store.new_id() for _ in range(n)]
    for i, cid in enumerate(ids):
        store.create_comment(r, comment_id=cid, client="site", article_id="a1", author_id="u1",
                             text=f"Commentaire {i} sur la réforme")
        r.lpush(*queue.inline_message(cid))
    # One comment per task, so the backlog takes seconds, not milliseconds, to drain.
    env = [("MODERATION_VISIBILITY_TIMEOUT_SECONDS", "3"), ("MODERATION_SCORING_BATCH", "1")]
    first = start_worker(redis_server, *env)
    wait_for(lambda: sum(1 for c in ids[:50] if decided(r, c)) >= 1, timeout=30, interval=0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert r.hlen("unacked") > 0, "the killed worker held no message: nothing to redeliver"
    assert sum(1 for c in ids if decided(r, c)) < n

    second = start_worker(redis_server, *env)
    try:
        # A bound, not a speed target: one task per comment takes over 90 s when the
        # machine is busy with the rest of the suite.
        wait_for(lambda: all(decided(r, c) for c in ids), timeout=240, interval=0.2)
    finally:
        stop_process_group(second)
    # each comment was decided exactly once
    for cid in ids:
        events = r.xrange(keys.comment_history(cid))
        assert [e["to"] for _, e in events][0] == "pending" and len(events) == 2


