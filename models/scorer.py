"""A lean scorer that evaluates a fitted pipeline's arithmetic without its overhead.

The Pipeline is what is fitted, cross-validated and persisted.  Serving one
comment through ``Pipeline.predict_proba`` spends most of its time in input
validation and FeatureUnion's joblib dispatch (milliseconds per call), so the
scorer reads the fitted vocabularies, idf weights and head coefficients once
and recomputes the same tf-idf → linear → sigmoid arithmetic directly.
``tests/models`` checks that both give the same probabilities.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.pipeline import Pipeline

from models.normalize import normalize
from models.spam import spam_features


class Scorer:
    """Calibrated label probabilities for raw texts, equal to ``pipeline.predict_proba``."""

    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        heads = pipeline.named_steps["heads"]
        coef = heads.coef_.astype(np.float64)
        self._blocks = []
        offset = 0
        for name, step in union.transformer_list:
            if name == "spam":
                width = len(step.get_feature_names_out())
                self._spam = coef[offset : offset + width]
            else:
                width = len(step.vocabulary_)
                self._blocks.append(
                    (step.build_analyzer(), step.vocabulary_, step.idf_.astype(np.float64), step.sublinear_tf,
                     coef[offset : offset + width])
                )
            offset += width
        self._intercept = heads.intercept_
        self._slope, self._offset = heads.calibration_[:, 0], heads.calibration_[:, 1]

    def decision(self, normalized: str) -> np.ndarray:
        """Uncalibrated linear score of each label for one normalised text."""
        z = self._intercept + np.asarray(spam_features(normalized)) @ self._spam
        for analyze, vocabulary, idf, sublinear, coef in self._blocks:
            counts = Counter(j for j in map(vocabulary.get, analyze(normalized)) if j is not None)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if sublinear:
                tf = np.log(tf) + 1.0
            tfidf = tf * idf[index]
            z = z + (tfidf / np.sqrt(tfidf @ tfidf)) @ coef[index]
        return z

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        z = np.array([self.decision(normalize(t)) for t in texts]).reshape(len(texts), -1)
        return 1.0 / (1.0 + np.exp(-(z * self._slope + self._offset)))
