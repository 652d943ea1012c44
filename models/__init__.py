"""French comment classifier: load, score, explain, train and evaluate.

    import models
    clf = models.load()
    clf.score(["Quel article ridicule."])  # [{"toxicity": 0.2, "insult": ..., ...}]
"""

from __future__ import annotations

import os
from pathlib import Path

from models.artifact import ArtifactError, ModelVersionError
from models.artifact import load as _load_artifact
from models.artifact import save as _save_artifact
from models.classifier import Classifier
from models.data import LABELS
from models.evaluation import Goals, evaluate, group_summary
from models.normalize import normalize
from models.training import Params
from models.training import train as _train

DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "model.skops"

__all__ = [
    "LABELS", "ArtifactError", "Classifier", "Goals", "ModelVersionError", "Params",
    "default_path", "evaluate", "group_summary", "load", "normalize", "train",
]


def default_path() -> Path:
    """``MODERATION_MODEL_PATH`` if set, else the committed artifact."""
    return Path(os.environ.get("MODERATION_MODEL_PATH") or DEFAULT_ARTIFACT)


def load(path: str | os.PathLike | None = None) -> Classifier:
    """Load a classifier; raises ModelVersionError on a scikit-learn version mismatch."""
    pipeline, metadata, version = _load_artifact(path if path is not None else default_path())
    return Classifier(pipeline, metadata, version)


def train(
    data_dir: str | os.PathLike | None = None,
    seeds_only: bool = False,
    out: str | os.PathLike | None = None,
    params: Params = Params(),
    folds: int = 5,
    goals: Goals = Goals(),
    repeats: int = 5,
    site_labels: list[str | os.PathLike] = (),
) -> Classifier:
    """Train on the seeds plus ``<data_dir>/train`` (default: ``MODERATION_DATA_DIR`` or ../shared/data).

    With ``out`` the artifact and its metadata are written there and the
    returned classifier is the one loaded back from disk.  ``goals`` states the
    deployment prior and the error rates the publish / reject thresholds must meet;
    the thresholds are the medians of those chosen on ``repeats`` fold splits.
    ``site_labels``: CSV files of the site's own moderation (``flask --app moderation labels
    export``), weighted and adapted like the forum file; the thresholds stay tuned on the forum.
    """
    pipeline, metadata = _train(data_dir, seeds_only=seeds_only, params=params, folds=folds, goals=goals,
                                repeats=repeats, site_labels=site_labels)
    if out is None:
        return Classifier(pipeline, {**metadata, "version": "unsaved"}, "unsaved")
    _save_artifact(pipeline, metadata, out)
    return load(out)
