"""Building and fitting the pipeline, with cross-validated thresholds."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

import numpy as np
import scipy
import sklearn
import skops
from sklearn.pipeline import Pipeline

from models.data import LABELS, PROJECT_ROOT, SITE_PREFIX, Dataset, load_training_data
from models.evaluation import (
    Goals, choose_thresholds, cross_validate, decision_estimates, group_error_rates, median_thresholds, metrics,
    register_oof,
)
from models.features import Normalizer, build_features
from models.groups import names_group
from models.heads import LabelHeads
from models.spam import FEATURE_NAMES
from models.vectors import PACKAGE as VECTORS_PACKAGE
from models.vectors import package_version as vectors_version

REGISTER_SOURCE = "toxifrench_forum_fr"


@dataclass(frozen=True)
class Params:
    """Modelling choices; the defaults are the ones cross-validation on train/ favoured."""

    C: float = 2.0
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    min_df: int = 2
    max_features: int = 300_000
    # Relative weight of each file's rows, after every file is scaled to the same total.
    register_weight: float = 10.0
    seeds_weight: float = 1.0
    # The idf-weighted mean of pretrained word vectors (models.vectors) as 300 more columns.
    word_vectors: bool = True
    # Scale of the register-only copy of the features in the toxicity head
    # (feature augmentation, see models.heads); 0 turns the adaptation off.
    register_adaptation: float = 0.5
    # Scale of the standardised log-length column (models.features.Length); 0 leaves it out.
    length_scale: float = 0.4


def build_pipeline(params: Params = Params()) -> Pipeline:
    """Raw text → normalised text → n-gram and spam features → calibrated heads."""
    return Pipeline(
        [
            ("normalize", Normalizer()),
            ("features", build_features(
                params.char_ngrams, params.word_ngrams, params.min_df, params.max_features, params.word_vectors,
                params.length_scale,
            )),
            ("heads", LabelHeads(
                C=params.C, tail_width=len(FEATURE_NAMES), label_names=LABELS,
                adapted=("toxicity",), domain_scale=params.register_adaptation,
            )),
        ]
    )


def in_register(source: str) -> bool:
    """The forum file and the site's own labels: the comments the served model meets."""
    return source == REGISTER_SOURCE or source.startswith(SITE_PREFIX)


def sample_weights(sources: np.ndarray, params: Params) -> np.ndarray:
    """Give every file the same total weight, times its importance.

    Without this the keyword-collected tweets (mostly toxic) would dominate
    the forum comments the site resembles.
    """
    names, inverse, counts = np.unique(sources, return_inverse=True, return_counts=True)
    importance = np.array(
        [params.register_weight if in_register(n) else params.seeds_weight if n == "seeds" else 1.0 for n in names]
    )
    weight = (importance / counts)[inverse]
    return weight * len(sources) / weight.sum()


def fit_pipeline(data: Dataset, params: Params = Params()) -> Pipeline:
    pipeline = build_pipeline(params)
    pipeline.fit(
        data.texts, data.y,
        heads__sample_weight=sample_weights(data.sources, params),
        heads__in_domain=np.array([in_register(s) for s in data.sources], dtype=bool),
    )
    # Fitted vocabularies map to numpy integers, which skops stores one object
    # each; plain ints make the artifact about five times smaller and faster to load.
    for _, step in pipeline.named_steps["features"].transformer_list:
        if hasattr(step, "vocabulary_"):
            step.vocabulary_ = {term: int(j) for term, j in step.vocabulary_.items()}
    return pipeline


def _toxicity_predictor(params: Params):
    def fit(data: Dataset):
        pipeline = fit_pipeline(data, params)
        return lambda texts: pipeline.predict_proba(texts)[:, 0]

    return fit


def _mean_sd(values: list) -> dict[str, float | None]:
    values = [v for v in values if v is not None]
    if not values:
        return {"mean": None, "sd": None}
    return {"mean": float(np.mean(values)), "sd": float(np.std(values))}


def _code_revision() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "models", "seeds"], cwd=PROJECT_ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def library_versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
        VECTORS_PACKAGE: vectors_version(),
        "python": platform.python_version(),
    }


def train(
    data_dir: str | os.PathLike | None = None,
    seeds_only: bool = False,
    params: Params = Params(),
    folds: int = 5,
    goals: Goals = Goals(),
    repeats: int = 5,
    site_labels: list[str | os.PathLike] = (),
) -> tuple[Pipeline, dict]:
    """Cross-validate, choose thresholds on out-of-fold scores for ``goals``, then fit on all the data.

    The thresholds are chosen on each of ``repeats`` fold splits of the
    register file and their medians kept; the reported figures are those of
    the first split at the median thresholds, with every split's own summarised.

    Returns the fitted pipeline and its metadata (without the artifact hash,
    which ``artifact.save`` adds).
    """
    data = load_training_data(data_dir, seeds_only=seeds_only, site_labels=site_labels)
    predictor = _toxicity_predictor(params)
    cv = cross_validate(data, predictor, REGISTER_SOURCE, folds=folds)
    splits = [(cv["y"], cv["oof"])] + [
        register_oof(data, predictor, REGISTER_SOURCE, folds, seed) for seed in range(1, repeats)
    ]
    choices = [choose_thresholds(y, oof, goals) for y, oof in splits]
    thresholds = median_thresholds(choices)
    per_split = [metrics(y, oof, c["operating"]) for (y, oof), c in zip(splits, choices)]
    pipeline = fit_pipeline(data, params)
    heads = pipeline.named_steps["heads"]
    named = np.array([names_group(data.texts[i]) for i in cv["rows"]], dtype=bool)
    metadata = {
        "labels": list(LABELS),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_files": data.files,
        "rows": len(data),
        "labelled_rows_per_label": dict(zip(LABELS, heads.n_labelled_.tolist())),
        "positives_per_label": {name: int(np.nansum(data.y[:, j])) for j, name in enumerate(LABELS)},
        "versions": library_versions(),
        "code_revision": _code_revision(),
        "params": asdict(params),
        "goals": asdict(goals),
        "deployment_prior": goals.deployment_prior,
        "thresholds": thresholds,
        "cv": {
            "register": cv["register"],
            "register_oof": {
                "at_operating": metrics(cv["y"], cv["oof"], thresholds["operating"]),
                "at_0.5": metrics(cv["y"], cv["oof"], 0.5),
                # Reweighted to the deployment prior: what the thresholds would do on site traffic.
                "decisions_at_deployment_prior": decision_estimates(
                    cv["y"], cv["oof"], thresholds, goals.deployment_prior
                ),
                # The same cuts on the forum file as it is (half toxic).
                "decisions_as_sampled": decision_estimates(cv["y"], cv["oof"], thresholds, float(np.mean(cv["y"]))),
                # Comments naming a group beside the others: is a mention alone held against them?
                "group_mentions": group_error_rates(cv["y"], cv["oof"], thresholds["operating"], named),
            },
            "leave_one_file_out_at_0.5": cv["leave_one_file_out"],
            # Each fold split (seeds 0..repeats-1) at its own accuracy-maximising cut.
            "register_repeats": {
                "operating_per_split": [c["operating"] for c in choices],
                "roc_auc": _mean_sd([m["roc_auc"] for m in per_split]),
                "accuracy_at_own_cut": _mean_sd([m["accuracy"] for m in per_split]),
                "accuracy_at_median_cut": _mean_sd(
                    [metrics(y, oof, thresholds["operating"])["accuracy"] for y, oof in splits]
                ),
            },
        },
    }
    return pipeline, metadata
