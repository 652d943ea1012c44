"""Member reports: one per member, weighted by the reporter's record, hiding past a threshold."""

import pytest

from moderation import keys
from moderation.decision import Policy, process_comment
from moderation.priority import Priority
from moderation.reports import store as reports
from moderation.reports.store import Rules, text_hash
from moderation.terms import TermList

from .moderation_helpers import decide, make_proven, published, report, submit
from .test_decision import FixedClassifier


@pytest.fixture
def mod_headers(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


def test_a_report_is_recorded_once_and_a_repeat_changes_nothing(client, r, site_headers):
    cid = published(client, r, site_headers)
    first = report(client, site_headers, cid, "m1", note="C'est insultant.")
    assert first.status_code == 201
    assert first.get_json() == {"comment_id": cid, "reporter_id": "m1", "reason": "insult",
                                "duplicate": False, "weight": 1.0, "comment_status": "published"}
    snapshot = (r.hgetall(keys.comment(cid)), r.hgetall(keys.comment_reports(cid)),
                r.xlen(keys.comment_history(cid)), r.hgetall(keys.reporter("m1")),
                r.zrange(keys.queue("reported"), 0, -1, withscores=True))
    again = report(client, site_headers, cid, "m1", reason="spam")
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True and again.get_json()["weight"] is None
    assert (r.hgetall(keys.comment(cid)), r.hgetall(keys.comment_reports(cid)),
            r.xlen(keys.comment_history(cid)), r.hgetall(keys.reporter("m1")),
            r.zrange(keys.queue("reported"), 0, -1, withscores=True)) == snapshot
    assert r.hget(keys.reporter("m1"), "reports") == "1"
    assert r.hget(keys.author("auteur-1"), "reported") == "1"


def test_a_member_cannot_report_their_own_comment(client, r, site_headers):
    cid = published(client, r, site_headers, author="m9")
    resp = report(client, site_headers, cid, "m9")
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert "own comment" in resp.get_json()["detail"]
    assert not r.exists(keys.comment_reports(cid))


def test_reporting_an_unknown_comment_is_404(client, r, site_headers):
    resp = report(client, site_headers, "c_nope", "m1")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_reporting_needs_the_reports_scope(client, r, moderator_token):
    resp = report(client, {"Authorization": f"Bearer {moderator_token}"}, "c_x", "m1")
    assert resp.status_code == 403


def test_a_light_report_queues_the_comment_without_hiding_it(client, r, site_headers):
    cid = published(client, r, site_headers)
    assert report(client, site_headers, cid, "m1").status_code == 201
    assert r.hget(keys.comment(cid), "status") == "published"
    assert r.zscore(keys.queue("reported"), cid) is not None


def test_a_brigade_of_new_reporters_does_not_hide_a_comment(client, r, site_headers):
    cid = published(client, r, site_headers)
    for i in range(30):
        assert report(client, site_headers, cid, f"new-{i}").status_code == 201
    assert r.hget(keys.comment(cid), "status") == "published"
    assert r.zscore(keys.queue("reported"), cid) is not None
    assert r.hget(keys.comment(cid), "report_count") == "30"


def test_a_few_reliable_reporters_hide_a_comment(client, r, site_headers):
    cid = published(client, r, site_headers)
    for name in ("fiable-1", "fiable-2", "fiable-3"):
        make_proven(r, name)
    assert report(client, site_headers, cid, "fiable-1").get_json()["comment_status"] == "published"
    assert report(client, site_headers, cid, "fiable-2").get_json()["comment_status"] == "published"
    third = report(client, site_headers, cid, "fiable-3").get_json()
    assert third["comment_status"] == "hidden" and third["weight"] > 2
    assert r.hget(keys.comment(cid), "status") == "hidden"
    assert r.zscore(keys.queue("reported"), cid) is not None
    assert r.zrange(keys.article_status("a1", "hidden"), 0, -1) == [cid]
    last = r.xrevrange(keys.comment_history(cid), count=1)[0][1]
    assert (last["from"], last["to"], last["actor"]) == ("published", "hidden", "reports")


def test_a_comment_past_the_threshold_is_queued_even_if_hiding_never_runs(client, r, site_headers, monkeypatch):
    cid = published(client, r, site_headers)
    make_proven(r, "fiable-1")

    def crash(*args, **kwargs):
        raise ConnectionError("the API process lost Redis before hiding")

    monkeypatch.setattr(reports.comments, "transition", crash)
    with pytest.raises(ConnectionError):
        # One reliable report crosses this lower threshold on its own.
        reports.report_comment(r, cid, reporter_id="fiable-1", reason="insult", note=None,
                             rules=Rules(hide_threshold=2.0), priority=Priority())
    assert r.hget(keys.comment(cid), "status") == "published"
    assert r.zscore(keys.queue("reported"), cid) is not None

    # The site retries the report it got an error for: the repeat finishes the hiding.
    monkeypatch.undo()
    retried = reports.report_comment(r, cid, reporter_id="fiable-1", reason="insult", note=None,
                                     rules=Rules(hide_threshold=2.0), priority=Priority())
    assert retried.duplicate and retried.comment_status == "hidden"
    assert r.hget(keys.comment(cid), "status") == "hidden"
    assert r.hget(keys.comment(cid), "report_count") == "1"
    last = r.xrevrange(keys.comment_history(cid), count=1)[0][1]
    assert (last["from"], last["to"], last["actor"]) == ("published", "hidden", "reports")


def test_a_repeated_report_does_not_hide_what_a_moderator_restored(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers)
    for name in ("fiable-1", "fiable-2", "fiable-3"):
        make_proven(r, name)
        report(client, site_headers, cid, name)
    assert r.hget(keys.comment(cid), "status") == "hidden"
    assert decide(client, mod_headers, cid, "approve", r=r).status_code == 200
    again = report(client, site_headers, cid, "fiable-3").get_json()
    assert again["duplicate"] is True and again["comment_status"] == "published"
    assert r.hget(keys.comment(cid), "status") == "published"


def test_reliable_reporters_and_a_brigade_add_up_only_to_the_cap(client, r, site_headers):
    cid = published(client, r, site_headers)
    for i in range(10):
        report(client, site_headers, cid, f"new-{i}")
    make_proven(r, "fiable-1")
    # 3 (capped brigade) + 2.19 (one proven reporter) >= 5
    assert report(client, site_headers, cid, "fiable-1").get_json()["comment_status"] == "hidden"


def policy() -> Policy:
    return Policy(0.3, 0.8, TermList(set()), TermList(set()))


def test_a_comment_reported_while_pending_is_queued_when_published(client, r, site_headers):
    cid = submit(client, site_headers)
    assert report(client, site_headers, cid, "m1").get_json()["comment_status"] == "pending"
    assert process_comment(r, cid, FixedClassifier(0.05), policy())[1] == "published"
    assert r.zscore(keys.queue("reported"), cid) is not None
    assert r.zscore(keys.queue("published"), cid) is None
    quiet = submit(client, site_headers, text="Personne ne l'a signalé.")
    process_comment(r, quiet, FixedClassifier(0.05), policy())
    assert r.zscore(keys.queue("reported"), quiet) is None
    # Ranked by its report (one new member weighs 1), as a published comment reported later.
    created_at = float(r.hget(keys.comment(cid), "created_at"))
    expected = Priority().score(toxicity=0.05, created_at=created_at, report_score=1.0)
    assert r.zscore(keys.queue("reported"), cid) == pytest.approx(expected)


def test_reliable_reports_while_pending_hide_the_comment_once_scored(client, r, site_headers):
    cid = submit(client, site_headers)
    for name in ("fiable-1", "fiable-2", "fiable-3"):
        make_proven(r, name)
        report(client, site_headers, cid, name)
    applied, status = process_comment(r, cid, FixedClassifier(0.05), policy())
    assert (applied, status) == (True, "hidden")
    assert r.zscore(keys.queue("reported"), cid) is not None
    last = r.xrevrange(keys.comment_history(cid), count=1)[0][1]
    assert (last["from"], last["to"], last["actor"]) == ("pending", "hidden", "model")
    assert "reported while pending" in last["reason"]


def test_reports_while_pending_do_not_stop_a_rejection(client, r, site_headers):
    cid = submit(client, site_headers)
    report(client, site_headers, cid, "m1")
    assert process_comment(r, cid, FixedClassifier(0.99), policy())[1] == "rejected"
    assert r.zscore(keys.queue("rejected"), cid) is not None


@pytest.mark.parametrize("upheld,dismissed,low,high", [
    (0, 0, 1.0, 1.0), (1, 0, 1.4, 1.5), (5, 0, 2.1, 2.3), (50, 0, 2.8, 3.0),
    (0, 1, 0.65, 0.7), (0, 10, 0.35, 0.41), (5, 5, 1.0, 1.0),
])
def test_reporter_weight_formula(upheld, dismissed, low, high):
    assert low <= Rules().weight(upheld, dismissed) <= high


def test_reporter_weights_move_with_decisions(client, r, site_headers, mod_headers):
    bad = published(client, r, site_headers, text="Texte insultant")
    fine = published(client, r, site_headers, text="Texte correct")
    report(client, site_headers, bad, "juste")
    report(client, site_headers, fine, "abusif")
    assert decide(client, mod_headers, bad, "reject", r=r).status_code == 200
    assert decide(client, mod_headers, fine, "approve", r=r, reason_code="other").status_code == 200
    assert r.hgetall(keys.reporter("juste")) == {"reports": "1", "upheld": "1"}
    assert r.hgetall(keys.reporter("abusif")) == {"reports": "1", "dismissed": "1"}
    third = published(client, r, site_headers, text="Encore un texte")
    assert report(client, site_headers, third, "juste").get_json()["weight"] > 1.4
    assert report(client, site_headers, third, "abusif").get_json()["weight"] < 0.7
    reports = {rep["reporter_id"]: rep for rep in
               client.get("/v1/queues/reported", headers=mod_headers).get_json()["items"][0]["reports"]}
    assert reports["juste"]["weight"] > 1.4 and reports["abusif"]["weight"] < 0.7


def test_an_approved_text_is_not_queued_again_by_reports(client, r, site_headers, mod_headers):
    cid = published(client, r, site_headers, text="Le Gouvernement a tort.")
    report(client, site_headers, cid, "m1")
    assert decide(client, mod_headers, cid, "approve", r=r, reason_code="other").status_code == 200
    assert r.zscore(keys.queue("reported"), cid) is None
    # more reports on the approved comment, and on a copy with other case and accents
    for i in range(3):
        make_proven(r, f"fiable-{i}")
    copy = published(client, r, site_headers, author="autre", text="le gouvernement  a TORT.")
    for target in (cid, copy):
        for i in range(3):
            assert report(client, site_headers, target, f"fiable-{i}").status_code == 201
        assert r.hget(keys.comment(target), "status") == "published"
        assert r.zscore(keys.queue("reported"), target) is None


def test_reports_on_a_comment_in_review_raise_its_priority(client, r, site_headers):
    from .moderation_helpers import decide_as_model

    cid = submit(client, site_headers)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    before = r.zscore(keys.queue("review"), cid)
    report(client, site_headers, cid, "m1")
    assert r.zscore(keys.queue("review"), cid) > before
    assert r.hget(keys.comment(cid), "status") == "review"


def test_rate_limit_answers_429_with_retry_after(app_config, r, site_headers):
    from moderation import create_app

    client = create_app({**app_config, "REPORTS_PER_MINUTE": 3}).test_client()
    ids = [published(client, r, site_headers, text=f"Texte {i}") for i in range(5)]
    for cid in ids[:3]:
        assert report(client, site_headers, cid, "pressé").status_code == 201
    resp = report(client, site_headers, ids[3], "pressé")
    assert resp.status_code == 429
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert not r.exists(keys.comment_reports(ids[3]))
    # a repeat is still told it is a duplicate; other members are not limited
    assert report(client, site_headers, ids[0], "pressé").status_code == 200
    assert report(client, site_headers, ids[3], "calme").status_code == 201


def test_daily_limit_counts_reports_across_a_day(r):
    from moderation.comments import store
    from moderation.errors import TooManyRequests
    from moderation.priority import Priority

    rules = Rules(limits=((10, 60), (3, 86400)))
    ids = []
    for i in range(4):
        cid = store.new_id()
        store.create_comment(r, comment_id=cid, client="site", article_id="a1", author_id="u1", text=f"t{i}")
        ids.append(cid)
    start = 1_000_000.0
    for i, cid in enumerate(ids[:3]):  # an hour apart: the per-minute limit never bites
        reports.report_comment(r, cid, reporter_id="m1", reason="spam", note=None, rules=rules,
                               priority=Priority(), now=start + 3600 * i)
    with pytest.raises(TooManyRequests) as exc:
        reports.report_comment(r, ids[3], reporter_id="m1", reason="spam", note=None, rules=rules,
                               priority=Priority(), now=start + 3 * 3600)
    assert int(exc.value.headers["Retry-After"]) == 86400 - 3 * 3600
    # the next day the oldest has left the window
    reports.report_comment(r, ids[3], reporter_id="m1", reason="spam", note=None, rules=rules,
                           priority=Priority(), now=start + 86400 + 1)


def test_reports_while_pending_on_an_approved_text_queue_nothing(client, r, site_headers):
    text = "Le maire a raison, cette piste cyclable est une bonne idée."
    r.sadd(keys.BENIGN_TEXTS, text_hash(text.upper()))
    cid = submit(client, site_headers, text=text)
    for name in ("fiable-1", "fiable-2", "fiable-3"):
        make_proven(r, name)
        report(client, site_headers, cid, name)
    assert process_comment(r, cid, FixedClassifier(0.05), policy())[1] == "published"
    assert r.zscore(keys.queue("reported"), cid) is None
    assert r.hget(keys.comment(cid), "report_count") == "3"
