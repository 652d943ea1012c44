"""Metrics, threshold choice and cross-validation across training files."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from models.data import Dataset, read_rows
from models.groups import names_group


@dataclass(frozen=True)
class Goals:
    """What the automatic decisions must achieve, on traffic with ``deployment_prior`` toxic.

    The forum file the thresholds are tuned on is half toxic; a news site's
    comment section is assumed to hold far fewer (10 % by default), and
    out-of-fold scores are reweighted to that share before the cuts are chosen.
    """

    deployment_prior: float = 0.10
    max_toxic_among_published: float = 0.05
    max_acceptable_among_rejected: float = 0.05
    operating_metric: str = "accuracy"  # or "f1": the cut reported on balanced data


def metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float | None]:
    """ROC-AUC (None when one class only), accuracy and F1 of the toxic class at ``threshold``."""
    predicted = (p >= threshold).astype(int)
    return {
        "rows": int(len(y)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else None,
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
    }


def group_error_rates(y: np.ndarray, p: np.ndarray, threshold: float, named: np.ndarray) -> dict:
    """Error rates at ``threshold`` of the rows that name a group (``named``) beside the others:
    the share of acceptable rows flagged toxic and of toxic rows missed (None without such rows).

    A gap in the first is the classifier holding comments for the groups they mention.
    """
    y, flagged, named = np.asarray(y).astype(bool), np.asarray(p) >= threshold, np.asarray(named, dtype=bool)

    def share(mask: np.ndarray, of: np.ndarray) -> float | None:
        return float(mask[of].mean()) if of.any() else None

    return {
        "rows": int(named.sum()),
        "acceptable": int((named & ~y).sum()),
        "acceptable_flagged": share(flagged, named & ~y),
        "others_acceptable_flagged": share(flagged, ~named & ~y),
        "toxic_missed": share(~flagged, named & y),
        "others_toxic_missed": share(~flagged, ~named & y),
    }


def group_summary(rates: dict) -> str:
    """One line comparing the rows that name a group with the others (``group_error_rates``)."""

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0%}"

    return (
        f"naming a group: {rates['rows']} rows ({rates['acceptable']} acceptable); acceptable flagged {percent(rates['acceptable_flagged'])} "
        f"(others {percent(rates['others_acceptable_flagged'])}), toxic missed "
        f"{percent(rates['toxic_missed'])} (others {percent(rates['others_toxic_missed'])})"
    )


def prior_weights(y: np.ndarray, prior: float) -> np.ndarray:
    """Row weights (summing to 1) that make the toxic share of ``y`` equal to ``prior``."""
    y = np.asarray(y).astype(bool)
    positives = y.sum()
    if positives in (0, len(y)):
        return np.full(len(y), 1.0 / len(y))
    return np.where(y, prior / positives, (1.0 - prior) / (len(y) - positives))


def decision_estimates(y: np.ndarray, p: np.ndarray, thresholds: dict, prior: float) -> dict[str, float | None]:
    """Shares of traffic published / rejected / reviewed, and the error rate of each
    automatic decision, on out-of-fold scores reweighted to ``prior``."""
    w = prior_weights(y, prior)
    toxic = np.asarray(y).astype(bool)
    published = p < thresholds["publish_below"]
    rejected = p >= thresholds["reject_above"]

    def rate(mask: np.ndarray, of: np.ndarray) -> float | None:
        return float(w[mask & of].sum() / w[mask].sum()) if w[mask].sum() > 0 else None

    return {
        "deployment_prior": prior,
        "auto_published_share": float(w[published].sum()),
        "auto_rejected_share": float(w[rejected].sum()),
        "review_share": float(w[~published & ~rejected].sum()),
        "toxic_rate_among_published": rate(published, toxic),
        "acceptable_rate_among_rejected": rate(rejected, ~toxic),
        "toxic_caught_before_publication": float(w[toxic & ~published].sum() / w[toxic].sum()) if toxic.any() else None,
    }


def choose_thresholds(y: np.ndarray, p: np.ndarray, goals: Goals = Goals()) -> dict[str, float]:
    """Pick the three thresholds from out-of-fold probabilities.

    Rows are reweighted so that the toxic share is ``goals.deployment_prior``.
    ``publish_below``: the highest cut with at most
    ``max_toxic_among_published`` toxic (weighted) among the comments below it;
    ``reject_above``: the lowest cut with at most ``max_acceptable_among_rejected``
    acceptable (weighted) among the comments at or above it, 1.0 (reject
    nothing) if no cut achieves that; ``operating``: the cut with the best
    accuracy (or F1) on the data as it is, unweighted, for reporting figures
    comparable with balanced benchmarks.  ``publish_below`` < ``operating`` <
    ``reject_above`` always: the automatic decisions are searched on their own
    side of the operating cut only.  Candidate cuts are midpoints between
    consecutive distinct probabilities, so a cut never sits on a training score.
    """
    y = np.asarray(y).astype(float)
    order = np.argsort(p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    w_sorted = prior_weights(y, goals.deployment_prior)[order]
    # Cut i sends the i lowest below it; only cuts between distinct values are real.
    distinct = np.flatnonzero(np.diff(p_sorted) > 0) + 1
    cut_index = np.concatenate([[0], distinct, [len(p)]])
    mids = (p_sorted[distinct - 1] + p_sorted[distinct]) / 2
    cuts = np.concatenate([[p_sorted[0] / 2 if len(p) else 0.0], mids, [(1.0 + p_sorted[-1]) / 2 if len(p) else 1.0]])

    w_toxic_below = np.concatenate([[0.0], np.cumsum(w_sorted * y_sorted)])[cut_index]
    w_below = np.concatenate([[0.0], np.cumsum(w_sorted)])[cut_index]
    with np.errstate(invalid="ignore", divide="ignore"):
        toxic_share_below = np.where(w_below > 0, w_toxic_below / w_below, 0.0)
        w_above = w_below[-1] - w_below
        acceptable_share_above = np.where(
            w_above > 0, ((w_above) - (w_toxic_below[-1] - w_toxic_below)) / w_above, 1.0
        )
    n_toxic_below = np.concatenate([[0.0], np.cumsum(y_sorted)])[cut_index]
    n_below = cut_index.astype(float)
    true_negatives = n_below - n_toxic_below
    true_positives = n_toxic_below[-1] - n_toxic_below
    if goals.operating_metric == "f1":
        predicted_positive = len(p) - n_below
        score = 2 * true_positives / np.maximum(predicted_positive + n_toxic_below[-1], 1)
    else:
        score = (true_negatives + true_positives) / max(len(p), 1)
    best = int(np.argmax(score))
    operating = float(cuts[best])

    # Nothing the operating cut calls toxic is published automatically, nothing
    # it calls acceptable is rejected automatically: both automatic decisions
    # stay on their side of it, however loose their error goal.
    index = np.arange(len(cuts))
    publish_ok = np.flatnonzero(
        (toxic_share_below <= goals.max_toxic_among_published) & (w_below > 0) & (index < best)
    )
    publish_below = float(cuts[publish_ok.max()]) if len(publish_ok) else 0.0
    reject_ok = np.flatnonzero(
        (acceptable_share_above <= goals.max_acceptable_among_rejected) & (w_above > 0) & (index > best)
    )
    reject_above = float(cuts[reject_ok.min()]) if len(reject_ok) else 1.0
    return {"publish_below": publish_below, "reject_above": reject_above, "operating": operating}


Fit = Callable[[Dataset], Callable[[list[str]], np.ndarray]]


def register_oof(data: Dataset, fit: Fit, register: str, folds: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold toxicity probabilities of the ``register`` rows (all rows if there are none)
    and their labels: ``folds`` stratified folds (shuffled by ``seed``), each predicted by a
    model trained on everything else."""
    target = data.sources == register
    if not target.any():
        target = np.ones(len(data), dtype=bool)
    y = data.y[:, 0]
    index = np.flatnonzero(target)
    oof = np.empty(len(index))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(index, y[index]):
        held = np.zeros(len(data), dtype=bool)
        held[index[test]] = True
        predict = fit(data.subset(~held))
        oof[test] = predict([data.texts[i] for i in index[test]])
    return y[index].astype(int), oof


def cross_validate(data: Dataset, fit: Fit, register: str, folds: int = 5, seed: int = 0) -> dict:
    """Out-of-fold toxicity probabilities for the ``register`` source, and leave-one-file-out figures.

    ``fit`` trains on a Dataset and returns a function mapping texts to
    toxicity probabilities.  The register source (the one closest to the
    site's comments) is split into stratified folds, each predicted by a model
    trained on everything else (``register_oof``); every other file is
    predicted by a model that never saw any row of it.  ``rows`` gives the positions in
    ``data`` of the rows ``y`` and ``oof`` describe, in their order.
    """
    target = data.sources == register
    if not target.any():
        register, target = "all rows", np.ones(len(data), dtype=bool)
    y_register, oof = register_oof(data, fit, register, folds, seed)
    y = data.y[:, 0]
    per_file: dict[str, dict] = {}
    for source in sorted(set(data.sources.tolist()) - {register, "seeds"}):
        if target.all():
            break
        held = data.sources == source
        predict = fit(data.subset(~held))
        per_file[source] = metrics(y[held].astype(int), predict([t for t, h in zip(data.texts, held) if h]), 0.5)
    return {"register": register, "rows": np.flatnonzero(target), "y": y_register, "oof": oof,
            "leave_one_file_out": per_file}


def median_thresholds(choices: list[dict[str, float]]) -> dict[str, float]:
    """Each threshold's median over the choices made on several fold splits.

    With a few hundred register rows the accuracy-maximising cut moves by
    0.1 from one split to the next; the median is steadier.  Medians keep the
    order ``publish_below`` < ``operating`` < ``reject_above`` that every
    choice has.
    """
    return {key: float(np.median([c[key] for c in choices])) for key in choices[0]}


def evaluate(clf, path: str | os.PathLike) -> dict:
    """Score a labelled CSV with ``clf``: rows, ROC-AUC, accuracy and F1 at the operating threshold.

    The error rates of the rows naming a group beside the others' are added
    under ``group_mentions`` (``group_error_rates``).  When the file has a
    ``functionality`` column (HateCheck), the accuracy of each functionality is
    added under ``per_functionality``.
    """
    rows = read_rows(path)
    y = np.array([int(float(r["label"])) for r in rows])
    p = np.array([s["toxicity"] for s in clf.score([r["text"] for r in rows])])
    threshold = clf.thresholds["operating"]
    result = {"file": os.fspath(path), **metrics(y, p, threshold), "threshold": threshold}
    named = np.array([names_group(r["text"]) for r in rows], dtype=bool)
    result["group_mentions"] = group_error_rates(y, p, threshold, named)
    if rows and "functionality" in rows[0]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[r["functionality"]].append(i)
        result["per_functionality"] = {
            name: float(np.mean((p[idx] >= threshold) == y[idx])) for name, idx in sorted(groups.items())
        }
    return result
