"""Threshold choice from out-of-fold probabilities."""

import numpy as np

from models.evaluation import choose_thresholds


def test_thresholds_meet_their_stated_goals() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    p = np.clip(0.5 + (y - 0.5) * 0.4 + rng.normal(0, 0.2, len(y)), 0, 1)
    t = choose_thresholds(y, p)
    published, rejected = p < t["publish_below"], p >= t["reject_above"]
    assert published.any() and rejected.any()
    assert y[published].mean() <= 0.05
    assert y[rejected].mean() >= 0.95
    assert t["publish_below"] <= t["operating"] <= t["reject_above"]
    assert np.mean((p >= t["operating"]) == y) > 0.8


def test_no_safe_cut_publishes_nothing() -> None:
    y = np.array([1, 0, 1, 0])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    t = choose_thresholds(y, p)
    assert not (p < t["publish_below"]).any()
