"""Threshold choice from out-of-fold probabilities, under a deployment prior."""

import numpy as np
import pytest

from models.evaluation import Goals, choose_thresholds, decision_estimates, median_thresholds, prior_weights


def balanced_scores(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.clip(0.5 + (y - 0.5) * 0.4 + rng.normal(0, 0.2, len(y)), 0, 1)
    return y, p


def test_prior_weights_give_the_stated_toxic_share() -> None:
    y = np.array([1, 1, 0, 0, 0, 1])
    w = prior_weights(y, 0.1)
    assert w.sum() == pytest.approx(1.0)
    assert w[y == 1].sum() == pytest.approx(0.1)


@pytest.mark.parametrize("prior", [0.5, 0.1, 0.03])
def test_thresholds_meet_their_stated_goals_at_the_prior(prior: float) -> None:
    y, p = balanced_scores()
    goals = Goals(deployment_prior=prior)
    t = choose_thresholds(y, p, goals)
    e = decision_estimates(y, p, t, prior)
    assert e["auto_published_share"] > 0
    assert e["toxic_rate_among_published"] <= goals.max_toxic_among_published
    if e["auto_rejected_share"] > 0:
        assert e["acceptable_rate_among_rejected"] <= goals.max_acceptable_among_rejected
    assert e["auto_published_share"] + e["auto_rejected_share"] + e["review_share"] == pytest.approx(1.0)
    assert t["publish_below"] < t["operating"] < t["reject_above"]
    assert np.mean((p >= t["operating"]) == y) > 0.8


def test_a_rarer_toxic_share_publishes_more_and_rejects_less() -> None:
    y, p = balanced_scores()
    balanced, site = choose_thresholds(y, p, Goals(deployment_prior=0.5)), choose_thresholds(y, p, Goals(deployment_prior=0.1))
    assert site["publish_below"] > balanced["publish_below"]
    assert site["reject_above"] > balanced["reject_above"]
    assert site["operating"] == balanced["operating"]


def test_no_safe_cut_publishes_nothing() -> None:
    y = np.array([1, 0, 1, 0])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    t = choose_thresholds(y, p, Goals(deployment_prior=0.5))
    assert not (p < t["publish_below"]).any()
    assert not (p >= t["reject_above"]).any()


def test_median_thresholds_keep_their_order() -> None:
    choices = [
        {"publish_below": 0.40, "operating": 0.43, "reject_above": 0.97},
        {"publish_below": 0.55, "operating": 0.56, "reject_above": 0.96},
        {"publish_below": 0.58, "operating": 0.59, "reject_above": 0.98},
    ]
    median = median_thresholds(choices)
    assert median == {"publish_below": 0.55, "operating": 0.56, "reject_above": 0.97}
    assert median["publish_below"] < median["operating"] < median["reject_above"]
