import json

from moderation import keys
from moderation.seed import DEMO_FILE, load_demo


def test_demo_comments_are_submitted_once(app, r):
    expected = len(json.loads(DEMO_FILE.read_text(encoding="utf-8"))["comments"])
    with app.app_context():
        assert load_demo(r) == expected
        assert load_demo(r) == 0
    assert r.zcard(keys.PENDING) == expected
    assert r.llen(app.config["TASK_QUEUE"]) == expected
    assert {r.hget(keys.comment(cid), "article_id") for cid in r.zrange(keys.PENDING, 0, -1)} == {
        c["article_id"] for c in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["comments"]}


def test_seed_cli(runner, r):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0 and "demo comment(s) submitted" in result.output
    assert r.zcard(keys.PENDING) > 0
