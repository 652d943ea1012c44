"""Metrics, threshold choice and cross-validation across training files."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from models.data import Dataset, read_rows

# Stated goals for the two automatic decisions (see MODEL_CARD.md).
MAX_TOXIC_AMONG_PUBLISHED = 0.05
MIN_TOXIC_AMONG_REJECTED = 0.95


def metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float | None]:
    """ROC-AUC (None when one class only), accuracy and F1 of the toxic class at ``threshold``."""
    predicted = (p >= threshold).astype(int)
    return {
        "rows": int(len(y)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else None,
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
    }


def choose_thresholds(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Pick the three thresholds from out-of-fold probabilities.

    ``publish_below``: the highest cut with at most 5 % toxic among the comments
    below it; ``reject_above``: the lowest cut with at least 95 % toxic at or
    above it; ``operating``: the cut with the best accuracy.  Candidate cuts are
    the observed probabilities, so every figure is one the data supports.
    """
    order = np.argsort(p, kind="stable")
    p_sorted, y_sorted = p[order], y[order].astype(float)
    n = len(p)
    toxic_below = np.concatenate([[0.0], np.cumsum(y_sorted)])  # toxic among the i lowest
    counts = np.arange(n + 1)
    cuts = np.concatenate([p_sorted, [1.0]])  # cut i publishes the i lowest

    publish = [i for i in range(1, n + 1) if toxic_below[i] / i <= MAX_TOXIC_AMONG_PUBLISHED]
    publish_below = float(cuts[max(publish)]) if publish else float(p_sorted[0])

    toxic_above = toxic_below[-1] - toxic_below
    above = n - counts
    reject = [i for i in range(n) if toxic_above[i] / above[i] >= MIN_TOXIC_AMONG_REJECTED]
    reject_above = float(p_sorted[min(reject)]) if reject else 1.0

    correct = (counts - toxic_below) + toxic_above  # acceptable below + toxic at or above
    operating = float(cuts[int(np.argmax(correct))])
    operating = min(max(operating, publish_below), reject_above)
    return {"publish_below": publish_below, "reject_above": reject_above, "operating": operating}


Fit = Callable[[Dataset], Callable[[list[str]], np.ndarray]]


def cross_validate(data: Dataset, fit: Fit, register: str, folds: int = 5, seed: int = 0) -> dict:
    """Out-of-fold toxicity probabilities for the ``register`` source, and leave-one-file-out figures.

    ``fit`` trains on a Dataset and returns a function mapping texts to
    toxicity probabilities.  The register source (the one closest to the
    site's comments) is split into stratified folds, each predicted by a model
    trained on everything else; every other file is predicted by a model that
    never saw any row of it.
    """
    target = data.sources == register
    if not target.any():
        register, target = "all rows", np.ones(len(data), dtype=bool)
    y = data.y[:, 0]
    index = np.flatnonzero(target)
    oof = np.empty(len(index))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(index, y[index]):
        held = np.zeros(len(data), dtype=bool)
        held[index[test]] = True
        predict = fit(data.subset(~held))
        oof[test] = predict([data.texts[i] for i in index[test]])

    per_file: dict[str, dict] = {}
    for source in sorted(set(data.sources.tolist()) - {register, "seeds"}):
        if target.all():
            break
        held = data.sources == source
        predict = fit(data.subset(~held))
        per_file[source] = metrics(y[held].astype(int), predict([t for t, h in zip(data.texts, held) if h]), 0.5)
    return {"register": register, "y": y[index].astype(int), "oof": oof, "leave_one_file_out": per_file}


def evaluate(clf, path: str | os.PathLike) -> dict:
    """Score a labelled CSV with ``clf``: rows, ROC-AUC, accuracy and F1 at the operating threshold.

    When the file has a ``functionality`` column (HateCheck), the accuracy of
    each functionality is added under ``per_functionality``.
    """
    rows = read_rows(path)
    y = np.array([int(float(r["label"])) for r in rows])
    p = np.array([s["toxicity"] for s in clf.score([r["text"] for r in rows])])
    threshold = clf.thresholds["operating"]
    result = {"file": os.fspath(path), **metrics(y, p, threshold), "threshold": threshold}
    if rows and "functionality" in rows[0]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[r["functionality"]].append(i)
        result["per_functionality"] = {
            name: float(np.mean((p[idx] >= threshold) == y[idx])) for name, idx in sorted(groups.items())
        }
    return result
