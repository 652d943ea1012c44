"""The object the API and workers use: scores and explanations for comments."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from models.normalize import normalize_with_offsets
from models.scorer import Scorer

_UNIT = re.compile(r"\S+")
_ALNUM = re.compile(r"\w")


class Classifier:
    """A loaded pipeline with its metadata, version and thresholds."""

    def __init__(self, pipeline: Pipeline, metadata: dict, version: str) -> None:
        self.pipeline = pipeline
        self._scorer = Scorer(pipeline)
        self.metadata = metadata
        self.version = version
        self.labels: tuple[str, ...] = tuple(metadata["labels"])
        self.thresholds: dict = dict(metadata["thresholds"])

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
        """The words that moved each label's score most, as spans of ``text``.

        A word's weight for a label is the sum, over the n-gram features it
        takes part in, of tf-idf value × coefficient × calibration slope; an
        n-gram seen several times, or spanning two words, is shared evenly.
        Positive weights push toward the label.
        """
        normalized, offsets = normalize_with_offsets(text)
        units = [m.span() for m in _UNIT.finditer(normalized)]
        if not units:
            return []
        unit_of_char = np.full(len(normalized), -1)
        for u, (start, end) in enumerate(units):
            unit_of_char[start:end] = u

        union = self.pipeline.named_steps["features"]
        heads = self.pipeline.named_steps["heads"]
        x = union.transform([normalized]).tocsr()
        slope = heads.calibration_[:, 0]

        # (feature index, unit) occurrences, gathered per block with the block's offset.
        occurrences: dict[int, list[int]] = defaultdict(list)
        offset = 0
        for name, vectorizer in union.transformer_list:
            if name == "char":
                analyze = vectorizer.build_analyzer()
                for u, (start, end) in enumerate(units):
                    for gram in analyze(normalized[start:end]):
                        j = vectorizer.vocabulary_.get(gram)
                        if j is not None:
                            occurrences[offset + j].append(u)
            elif name == "word":
                low, high = vectorizer.ngram_range
                tokens = [(m.group(), unit_of_char[m.start()]) for m in re.finditer(vectorizer.token_pattern, normalized)]
                for n in range(low, high + 1):
                    for i in range(len(tokens) - n + 1):
                        j = vectorizer.vocabulary_.get(" ".join(t for t, _ in tokens[i : i + n]))
                        if j is not None:
                            occurrences[offset + j].extend(u for _, u in tokens[i : i + n])
            offset += len(vectorizer.get_feature_names_out()) if name == "spam" else len(vectorizer.vocabulary_)

        weights = np.zeros((len(units), len(self.labels)))
        for j, value in zip(x.indices, x.data):
            owners = occurrences.get(int(j))
            if owners:
                share = value * heads.coef_[j] * slope / len(owners)
                for u in owners:
                    weights[u] += share

        spans: dict[tuple[int, int], np.ndarray] = {}
        for u, (start, end) in enumerate(units):
            alnum = [start + m.start() for m in _ALNUM.finditer(normalized[start:end])]
            if not alnum:
                continue
            span = (offsets[alnum[0]][0], offsets[alnum[-1]][1])
            spans[span] = spans.get(span, 0) + weights[u]
        result = [
            {"start": s, "end": e, "text": text[s:e], "label": label, "weight": float(w[k])}
            for (s, e), w in spans.items()
            for k, label in enumerate(self.labels)
            if w[k] != 0
        ]
        result.sort(key=lambda item: (-item["weight"], item["start"], item["label"]))
        return result[:top]
