"""The object the API and workers use: scores and explanations for comments."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from models.normalize import normalize_with_offsets
from models.scorer import Scorer

_FIRST_ALNUM = re.compile(r"\w")
_LAST_ALNUM = re.compile(r"\w(?!\w*\W*\w)")  # the last word character before ``end``


class Classifier:
    """A loaded pipeline with its metadata, version and thresholds."""

    def __init__(self, pipeline: Pipeline, metadata: dict, version: str) -> None:
        self.pipeline = pipeline
        self._scorer = Scorer(pipeline)
        self.metadata = metadata
        self.version = version
        self.labels: tuple[str, ...] = tuple(metadata["labels"])
        self.thresholds: dict = dict(metadata["thresholds"])
        self._label_rank = np.argsort(np.argsort(self.labels))

    def __repr__(self) -> str:
        return f"Classifier(version={self.version!r})"

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One dict per text mapping every label to its calibrated probability."""
        if isinstance(texts, str):
            raise TypeError("score() takes a sequence of texts, not one string")
        texts = list(texts)
        if not texts:
            return []
        probabilities = self._scorer.predict_proba(texts)
        return [dict(zip(self.labels, map(float, row))) for row in probabilities]

    def explain(self, text: str, top: int = 8) -> list[dict]:
        """The words that moved the labels' scores most, as spans of ``text``.

        Each item is ``{"start", "end", "text", "label", "weight"}`` with
        ``text[start:end] == item["text"]`` in the original text.  A word's weight
        for a label is its share of the calibrated logit: the sum, over the
        features it takes part in (its character n-grams, the word n-grams it
        belongs to, its word vector), of feature value × coefficient ×
        calibration slope; a word n-gram spanning two words is shared evenly.
        Positive weights push toward the label; items are sorted by weight,
        largest first.
        """
        normalized, offsets = normalize_with_offsets(text)
        units, weights = self._scorer.contributions(normalized)
        spans: dict[tuple[int, int], int] = {}
        keep: list[int] = []
        for u, (start, end) in enumerate(units):
            first = _FIRST_ALNUM.search(normalized, start, end)
            if first is None:
                continue
            last = _LAST_ALNUM.search(normalized, first.start(), end)
            span = (offsets[first.start()][0], offsets[last.start()][1])
            if span in spans:  # two units from one rewritten stretch of the original
                weights[keep[spans[span]]] += weights[u]
            else:
                spans[span] = len(keep)
                keep.append(u)
        if not keep:
            return []
        matrix = weights[keep]
        span_list = list(spans)
        n_labels = matrix.shape[1]
        flat = matrix.ravel()
        candidates = np.flatnonzero(flat)
        starts = np.array([start for start, _ in span_list])
        # Weight desc, then span start, then label name.
        order = np.lexsort((self._label_rank[candidates % n_labels], starts[candidates // n_labels], -flat[candidates]))
        result = []
        for k in candidates[order[:top]]:
            (start, end), label = span_list[k // n_labels], self.labels[k % n_labels]
            result.append({"start": start, "end": end, "text": text[start:end], "label": label, "weight": float(flat[k])})
        return result
