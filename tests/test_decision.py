"""The decision policy and the scoring step, called directly as the worker calls them."""

import json
import time

import pytest

from moderation import keys
from moderation.comments import store
from moderation.decision import Policy, current_policy, process_comment, process_comments
from moderation.terms import TermList, fold


def policy(banned=(), suspect=(), low=0.3, high=0.8) -> Policy:
    return Policy(low, high, TermList({fold(t) for t in banned}), TermList({fold(t) for t in suspect}))


@pytest.mark.parametrize("toxicity,action,status", [
    (0.0, "publish", "published"),
    (0.299, "publish", "published"),
    (0.3, "review", "review"),
    (0.79, "review", "review"),
    (0.8, "reject", "rejected"),
    (1.0, "reject", "rejected"),
])
def test_thresholds(toxicity, action, status):
    verdict = policy().decide("texte", toxicity)
    assert (verdict.action, verdict.status) == (action, status)
    assert f"{toxicity:.3f}" in verdict.reason


@pytest.mark.parametrize("text,kind", [
    ("Il faut parler de Dupont-Aignan ici", "banned"),
    ("il faut parler de DUPONT-AIGNAN", "banned"),
    ("Une ÉNORME arnaque", "suspect"),
    ("une enorme arnaque", "suspect"),
    ("une énorme   arnaque !", "suspect"),
])
def test_term_lists_force_the_decision_whatever_the_score(text, kind):
    p = policy(banned=["Dupont-Aignan"], suspect=["énorme arnaque"])
    verdict = p.decide(text, 0.01)
    assert verdict.action == ("reject" if kind == "banned" else "review")
    assert kind in verdict.reason


@pytest.mark.parametrize("text", ["arnaquer les gens", "les arnaques", "pas d'énormité"])
def test_terms_match_whole_words_only(text):
    assert policy(suspect=["arnaque", "énorme"]).decide(text, 0.0).action == "publish"


@pytest.mark.parametrize("text,reason", [
    ("D*p*nt est coupable", "banned term: dupont (written d*p*nt)"),
    ("Dup*nt est coupable", "banned term: dupont (written dup*nt)"),
    ("**D*p*nt** est coupable", "banned term: dupont (written d*p*nt)"),
    ("d***nt", "banned term: dupont (written d***nt)"),
    ("il faut parler de D*pont-A*gnan", "banned term: dupont-aignan (written d*pont-a*gnan)"),
    # too masked for the longer term, it still names the shorter one
    ("il faut parler de D*p*nt-A*****", "banned term: dupont (written d*p*nt)"),
    ("quel c*nn*rd", "suspect term: connard (written c*nn*rd)"),
    ("Quel C*NN*RD !", "suspect term: connard (written c*nn*rd)"),
    ("une én*rme arn*que", "suspect term: enorme arnaque (written en*rme arn*que)"),
])
def test_terms_are_seen_through_letters_masked_with_asterisks(text, reason):
    p = policy(banned=["Dupont", "Dupont-Aignan"], suspect=["connard", "énorme arnaque"])
    assert p.decide(text, 0.01).reason == reason


@pytest.mark.parametrize("masked,not_a_mask", [
    ("d***nt", "d*****"),  # half the letters at least stay visible
    ("d***nt", "*******"),
    ("D*pont", "*upont"),  # "*upont*" is emphasis
    ("une én*rme arn*que", "une én*rme *rnaque"),
    ("d*pont", "xd*pont"),  # whole words still
    ("d*pont", "x*dupont"),
    ("d*pont", "d*ponts"),
    ("dupon*", "dupon**"),  # one asterisk for one letter
    ("Dupont-*ignan", "Dupont*Aignan"),  # and only for a letter
])
def test_masks_hide_some_letters_one_for_one_within_a_word(masked, not_a_mask):
    p = policy(banned=["Dupont", "Dupont-Aignan"], suspect=["énorme arnaque"])
    assert p.decide(masked, 0.0).action != "publish"
    assert p.decide(not_a_mask, 0.0).action == "publish"


def test_term_lists_come_from_redis_and_the_cli(app, runner, r):
    assert runner.invoke(args=["terms", "add", "suspect", "Arnaque", "Escroc"]).exit_code == 0
    assert r.smembers(keys.terms("suspect")) == {"arnaque", "escroc"}
    assert "arnaque" in runner.invoke(args=["terms", "list", "suspect"]).output
    app.extensions["terms_cache"]._expires = 0
    assert current_policy(app).decide("Quel ESCROC", 0.0).action == "review"
    assert runner.invoke(args=["terms", "remove", "suspect", "escroc"]).exit_code == 0
    app.extensions["terms_cache"]._expires = 0
    assert current_policy(app).decide("Quel escroc", 0.0).action == "publish"


def test_policy_thresholds_default_to_the_models_and_config_overrides(app_config, r):
    from moderation import create_app

    app = create_app(app_config)
    clf = app.extensions["classifier"]
    p = current_policy(app)
    assert (p.publish_below, p.reject_above) == (clf.thresholds["publish_below"], clf.thresholds["reject_above"])
    app = create_app({**app_config, "PUBLISH_BELOW": 0.1, "REJECT_ABOVE": 0.95})
    p = current_policy(app)
    assert (p.publish_below, p.reject_above) == (0.1, 0.95)


def new_comment(r, text="Merci pour l'article", article="a1") -> str:
    cid = store.new_id()
    store.create_comment(r, comment_id=cid, client="site", article_id=article, author_id="u1", text=text)
    return cid


class FixedClassifier:
    """Stands in for the model where the test is about the policy, not about scores."""

    version = "fixed-1"
    labels = ("toxicity", "insult")

    def __init__(self, toxicity):
        self.toxicity = toxicity

    def score(self, texts):
        return [{"toxicity": self.toxicity, "insult": self.toxicity / 2} for _ in texts]

    def explain(self, text):
        return [{"start": 0, "end": 5, "text": text[:5], "label": "toxicity", "weight": 0.5}]


@pytest.mark.parametrize("toxicity,status,queued", [(0.1, "published", False), (0.5, "review", True), (0.9, "rejected", False)])
def test_process_comment_stores_status_scores_decision_and_queue(r, toxicity, status, queued):
    cid = new_comment(r)
    applied, now_status = process_comment(r, cid, FixedClassifier(toxicity), policy())
    assert applied and now_status == status
    stored = r.hgetall(keys.comment(cid))
    assert stored["status"] == status
    assert json.loads(stored["scores"])["toxicity"] == toxicity
    assert json.loads(stored["decision"])["model_version"] == "fixed-1"
    assert stored["model_version"] == "fixed-1"
    assert json.loads(stored["spans"])[0]["text"] == "Merci"
    assert (r.zscore(keys.queue("review"), cid) is not None) == queued
    assert r.zscore(keys.PENDING, cid) is None
    assert r.zrange(keys.article_status("a1", status), 0, -1) == [cid]
    assert r.zrange(keys.article_status("a1", "pending"), 0, -1) == []


def test_processing_twice_changes_nothing(r):
    cid = new_comment(r)
    process_comment(r, cid, FixedClassifier(0.5), policy())
    snapshot = r.hgetall(keys.comment(cid)), r.xlen(keys.AUDIT), r.zrange(keys.queue("review"), 0, -1, withscores=True)
    applied, status = process_comment(r, cid, FixedClassifier(0.95), policy())
    assert (applied, status) == (False, "review")
    assert (r.hgetall(keys.comment(cid)), r.xlen(keys.AUDIT), r.zrange(keys.queue("review"), 0, -1, withscores=True)) == snapshot


def test_processing_an_unknown_comment_is_a_no_op(r):
    assert process_comment(r, "c_missing", FixedClassifier(0.5), policy()) == (False, "")
    assert not r.keys("mod:comment:*")


def test_the_real_model_publishes_a_kind_comment_and_holds_an_insult(app, r):
    with app.app_context():
        p = current_policy(app)
        clf = app.extensions["classifier"]
        kind = new_comment(r, "Merci pour cet article très clair, j'ai appris beaucoup de choses.")
        nasty = new_comment(r, "Ferme ta gueule espèce de connard, sale merde")
        process_comment(r, kind, clf, p)
        process_comment(r, nasty, clf, p)
    assert r.hget(keys.comment(kind), "status") == "published"
    assert r.hget(keys.comment(nasty), "status") in ("review", "rejected")


def test_a_task_claims_its_comment_and_others_due_without_overlap(r):
    from moderation.decision import claim_batch

    ids = [new_comment(r, f"Commentaire {i}") for i in range(10)]
    first = claim_batch(r, ids[5], size=4, lease=30)
    assert first[0] == ids[5] and len(first) == 4 and len(set(first)) == 4
    second = claim_batch(r, ids[9], size=100, lease=30)
    assert second[0] == ids[9]
    # every comment claimed once, the task's own comment whatever its lease
    assert sorted(set(first) | set(second)) == sorted(ids)
    assert set(first) & set(second) <= {ids[9]}
    assert claim_batch(r, "c_missing", size=100, lease=30) == []


def test_claimed_comments_come_back_when_the_lease_runs_out(r):
    from moderation.decision import claim_batch

    cid = new_comment(r)
    now = time.time()
    assert claim_batch(r, "c_other", size=10, lease=30, now=now) == [cid]
    assert claim_batch(r, "c_other", size=10, lease=30, now=now + 1) == []
    assert claim_batch(r, "c_other", size=10, lease=30, now=now + 31) == [cid]


def test_a_batch_decides_each_pending_comment_once(r):
    ids = [new_comment(r, f"Commentaire {i}") for i in range(5)]
    process_comment(r, ids[0], FixedClassifier(0.5), policy())
    decided = process_comments(r, ids + ["c_missing"], FixedClassifier(0.1), policy())
    assert decided == {cid: "published" for cid in ids[1:]}
    assert r.hget(keys.comment(ids[0]), "status") == "review"


def test_a_transition_updates_author_counts_and_the_clients_events(r):
    cid = new_comment(r)
    store.transition(r, cid, expected="pending", to="published", actor="model", reason="ok")
    assert r.hget(keys.author("u1"), "published") == "1"
    moved = store.transition(r, cid, to="rejected", actor="mod@example.fr", reason="insult", version=2)
    assert moved.applied and moved.version == 3
    assert r.hmget(keys.author("u1"), "published", "rejected") == ["0", "1"]
    events = [e for _, e in r.xrange(keys.events("site"))]
    assert [(e["from"], e["to"], e["type"]) for e in events] == [
        ("pending", "published", "comment.status"), ("published", "rejected", "comment.status")]
    assert events[1]["actor"] == "mod@example.fr" and events[1]["version"] == "3"


def test_a_transition_on_a_stale_version_is_refused_and_changes_nothing(r):
    cid = new_comment(r)
    store.transition(r, cid, to="review", actor="model", reason="held")
    snapshot = r.hgetall(keys.comment(cid))
    refused = store.transition(r, cid, to="published", actor="a@example.fr", reason="ok", version=1)
    assert (refused.applied, refused.stale, refused.status, refused.version) == (False, True, "review", 2)
    assert r.hgetall(keys.comment(cid)) == snapshot
