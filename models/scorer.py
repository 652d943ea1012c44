"""A lean scorer that evaluates a fitted pipeline's arithmetic without its overhead.

The Pipeline is what is fitted, cross-validated and persisted.  Serving one
comment through ``Pipeline.predict_proba`` spends most of its time in input
validation and FeatureUnion's joblib dispatch (milliseconds per call), so the
scorer reads the fitted vocabularies, idf weights, word vectors and head
coefficients once and recomputes the same arithmetic directly:
tf-idf n-grams, the idf-weighted mean word vector and the length → linear → sigmoid.
``tests/models`` checks that both give the same probabilities.

The same parameters give explanations: every feature is a function of the
words of the text, and the heads are linear, so a score splits exactly into
one contribution per word (see ``Scorer.contributions``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import repeat

import numpy as np
from sklearn.pipeline import Pipeline

from models.normalize import normalize
from models.spam import spam_features, spam_matrix
from models.vectors import WORD

_UNIT = re.compile(r"\S+")
# Distinct whitespace-delimited units whose char n-gram ids are kept for explanations.
_UNIT_CACHE_SIZE = 50_000
# From this many texts, array operations over the whole batch beat scoring one by one
# (their fixed cost is a few hundred microseconds).
_BATCH_FROM = 8
_NO_IDS = np.empty(0, dtype=np.intp)


def _sum_rows(row_of: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum the rows of ``values`` into ``n`` rows by ``row_of`` (sorted)."""
    out = np.zeros((n, values.shape[1]))
    if len(row_of):
        starts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
        out[row_of[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


class Scorer:
    """Calibrated label probabilities for raw texts, equal to ``pipeline.predict_proba``."""

    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        heads = pipeline.named_steps["heads"]
        coef = heads.coef_.astype(np.float64)
        self._char = self._word = self._vectors = self._length = None
        self._spam = np.zeros((0, coef.shape[1]))
        offset = 0
        for name, step in union.transformer_list:
            width = len(step.vocabulary_) if hasattr(step, "vocabulary_") else len(step.get_feature_names_out())
            block = coef[offset : offset + width]
            if name == "spam":
                self._spam = block
            elif name == "length":
                self._length = (step, block[0])
            elif name == "vectors":
                vectors = step.vectors_.astype(np.float64)
                # Per distinct vector: its projection on every head, for explanations.
                self._vectors = (step.index(), step.rows_, step.idf_.astype(np.float64), vectors, block, vectors @ block)
            else:
                ngram = (step.build_analyzer(), step.vocabulary_, step.idf_.astype(np.float64), step.sublinear_tf, block)
                if name == "char":
                    self._char = ngram
                else:
                    self._word, self._word_range = ngram, step.ngram_range
            offset += width
        self._unit_cache: dict[str, np.ndarray] = {}
        self._intercept = heads.intercept_
        self._slope, self._offset = heads.calibration_[:, 0], heads.calibration_[:, 1]

    # -- scoring -------------------------------------------------------------

    @staticmethod
    def _tfidf_score(block, index: np.ndarray, counts: np.ndarray) -> np.ndarray:
        _, _, idf, sublinear, coef = block
        tf = counts.astype(np.float64)
        if sublinear:
            tf = np.log(tf) + 1.0
        tfidf = tf * idf[index]
        return (tfidf / np.sqrt(tfidf @ tfidf)) @ coef[index]

    def _word_score(self, normalized: str) -> np.ndarray | float:
        analyze, vocabulary = self._word[0], self._word[1]
        counts = Counter(j for j in map(vocabulary.get, analyze(normalized)) if j is not None)
        if not counts:
            return 0.0
        index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        return self._tfidf_score(self._word, index, np.fromiter(counts.values(), dtype=np.intp, count=len(counts)))

    def _char_score(self, normalized: str) -> np.ndarray | float:
        # char_wb n-grams never cross whitespace, so a text's are the union of its
        # units' — and the units' ids are cached, common words being most of any comment.
        units = normalized.split()
        if not units:
            return 0.0
        ids = np.concatenate([self._char_ids(unit) for unit in units])
        ids = ids[ids >= 0]
        if not len(ids):
            return 0.0
        index, counts = np.unique(ids, return_counts=True)
        return self._tfidf_score(self._char, index, counts)

    def _vector_score(self, normalized: str) -> np.ndarray | float:
        lookup, rows, idf, vectors, coef, _ = self._vectors
        found = [i for i in map(lookup.get, WORD.findall(normalized)) if i is not None]
        if not found:
            return 0.0
        v = idf[found] @ vectors[rows[found]]
        norm = math.sqrt(v @ v)
        return (v / norm) @ coef if norm > 0 else 0.0

    def unattributed(self, normalized: str) -> np.ndarray:
        """The part of each label's uncalibrated score that belongs to no word:
        intercept, spam heuristics and length."""
        z = self._intercept + np.asarray(spam_features(normalized)) @ self._spam
        if self._length is not None:
            step, coef = self._length
            z = z + step.value(normalized) * coef
        return z

    def decision(self, normalized: str) -> np.ndarray:
        """Uncalibrated linear score of each label for one normalised text."""
        z = self.unattributed(normalized)
        if self._char is not None:
            z = z + self._char_score(normalized)
        if self._word is not None:
            z = z + self._word_score(normalized)
        if self._vectors is not None:
            z = z + self._vector_score(normalized)
        return z

    def decisions(self, normalized: list[str]) -> np.ndarray:
        """``decision`` for many texts at once (rows): a few array operations per feature
        block for the whole batch instead of a dozen small numpy calls per text, which are
        most of a single comment's cost."""
        n = len(normalized)
        z = np.tile(self._intercept, (n, 1)) + spam_matrix(normalized) @ self._spam
        if self._length is not None:
            step, coef = self._length
            z += np.array([step.value(t) for t in normalized])[:, None] * coef
        if self._char is not None:
            z += self._tfidf_rows(self._char, [
                np.concatenate([self._char_ids(unit) for unit in t.split()]) if t else _NO_IDS for t in normalized
            ])
        if self._word is not None:
            analyze, vocabulary = self._word[0], self._word[1]
            z += self._tfidf_rows(self._word, [
                np.fromiter(map(vocabulary.get, analyze(t), repeat(-1)), dtype=np.intp) for t in normalized
            ])
        if self._vectors is not None:
            z += self._vector_rows(normalized)
        return z

    @staticmethod
    def _tfidf_rows(block, ids_per_text: list[np.ndarray]) -> np.ndarray:
        """Each text's tf-idf (ids -1: not in the vocabulary) times the block's coefficients."""
        _, _, idf, sublinear, coef = block
        n = len(ids_per_text)
        ids = np.concatenate(ids_per_text)
        text_of = np.repeat(np.arange(n), [len(a) for a in ids_per_text])
        known = ids >= 0
        # One key per (text, n-gram): its count is the term frequency.
        keys, counts = np.unique(text_of[known] * len(idf) + ids[known], return_counts=True)
        text_of, ids = np.divmod(keys, len(idf))
        tf = counts.astype(np.float64)
        if sublinear:
            tf = np.log(tf) + 1.0
        tfidf = tf * idf[ids]
        norms = np.sqrt(np.bincount(text_of, weights=tfidf * tfidf, minlength=n))
        share = tfidf / norms[text_of]
        return _sum_rows(text_of, share[:, None] * coef[ids], n)

    def _vector_rows(self, normalized: list[str]) -> np.ndarray:
        lookup, rows, idf, vectors, coef, _ = self._vectors
        found = [np.fromiter((i for i in map(lookup.get, WORD.findall(t)) if i is not None), dtype=np.intp)
                 for t in normalized]
        index = np.concatenate(found)
        text_of = np.repeat(np.arange(len(found)), [len(f) for f in found])
        v = _sum_rows(text_of, idf[index, None] * vectors[rows[index]], len(found))
        norms = np.sqrt(np.einsum("ij,ij->i", v, v))
        v[norms > 0] /= norms[norms > 0, None]
        return v @ coef

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        normalized = [normalize(t) for t in texts]
        if len(texts) < _BATCH_FROM:
            z = np.array([self.decision(t) for t in normalized]).reshape(len(texts), -1)
        else:
            z = self.decisions(normalized)
        return 1.0 / (1.0 + np.exp(-(z * self._slope + self._offset)))

    # -- explanations --------------------------------------------------------

    @staticmethod
    def _per_occurrence(block, ids: np.ndarray) -> np.ndarray:
        """For each occurrence of a feature (``ids``), its tf-idf value × coefficient
        divided by the feature's number of occurrences (occurrences × labels)."""
        _, _, idf, sublinear, coef = block
        order = ids.argsort(kind="stable")
        ordered = ids[order]
        first = np.empty(len(ids), dtype=bool)
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        group = np.cumsum(first) - 1
        features, counts = ordered[first], np.bincount(group)
        inverse = np.empty(len(ids), dtype=np.intp)
        inverse[order] = group
        tf = counts.astype(np.float64)
        if sublinear:
            tf = np.log(tf) + 1.0
        tfidf = tf * idf[features]
        share = tfidf / (np.sqrt(tfidf @ tfidf) * counts)
        return (share[:, None] * coef[features])[inverse]

    def _char_ids(self, unit: str) -> np.ndarray:
        """Vocabulary ids of the char n-grams of one unit (-1: not in the vocabulary), cached."""
        ids = self._unit_cache.get(unit)
        if ids is None:
            analyze, vocabulary = self._char[0], self._char[1]
            ids = np.fromiter(map(vocabulary.get, analyze(unit), repeat(-1)), dtype=np.intp)
            if len(self._unit_cache) >= _UNIT_CACHE_SIZE:
                self._unit_cache.clear()
            self._unit_cache[unit] = ids
        return ids

    def _word_entries(self, words: list[str], token_units: np.ndarray, owners: list, values: list) -> None:
        """Word n-gram occurrences: an n-gram's share goes 1/n to each unit holding one of its words."""
        vocabulary = self._word[1]
        low, high = self._word_range
        ids, owner_rows, scales = [], [], []
        for n in range(low, high + 1):
            grams = words if n == 1 else map(" ".join, zip(*(words[k:] for k in range(n))))
            found = np.fromiter(map(vocabulary.get, grams, repeat(-1)), dtype=np.intp)
            position = np.flatnonzero(found >= 0)
            if len(position):
                ids.append(found[position])
                owner_rows.append(np.stack([token_units[position + k] for k in range(n)]))
                scales.append(n)
        if not ids:
            return
        per = self._per_occurrence(self._word, np.concatenate(ids))
        start = 0
        for found, units_of, n in zip(ids, owner_rows, scales):
            share = per[start : start + len(found)] / n
            start += len(found)
            for k in range(n):
                owners.append(units_of[k])
                values.append(share)

    def contributions(self, normalized: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Whitespace-delimited units of ``normalized`` and each one's calibrated
        contribution to every label's logit (units × labels).

        Exact for the char n-grams (``char_wb`` never crosses whitespace) and the
        word vectors; a word n-gram spanning two units is shared evenly between
        them.  The spam heuristics, the length and the intercept are not attributed.
        """
        matches = list(_UNIT.finditer(normalized))
        units = [m.span() for m in matches]
        n_units = len(units)
        owners: list[np.ndarray] = []
        values: list[np.ndarray] = []

        if self._char is not None and units:
            per_unit = [self._char_ids(m.group()) for m in matches]
            ids = np.concatenate(per_unit)
            owner = np.repeat(np.arange(n_units), [len(a) for a in per_unit])
            known = ids >= 0
            if known.any():
                owners.append(owner[known])
                values.append(self._per_occurrence(self._char, ids[known]))

        tokens = [(m.group(), m.start()) for m in WORD.finditer(normalized)]
        if tokens:
            starts = np.array([s for s, _ in units])
            token_units = np.searchsorted(starts, [p for _, p in tokens], side="right") - 1
            words = [t for t, _ in tokens]

            if self._word is not None:
                self._word_entries(words, token_units, owners, values)

            if self._vectors is not None:
                lookup, rows, idf, vectors, _, projected = self._vectors
                found = [(i, u) for i, u in zip(map(lookup.get, words), token_units) if i is not None]
                if found:
                    index = np.array([i for i, _ in found])
                    weight = idf[index]
                    v = weight @ vectors[rows[index]]
                    norm = math.sqrt(v @ v)
                    if norm > 0:
                        owners.append(np.array([u for _, u in found]))
                        values.append((weight / norm)[:, None] * projected[rows[index]])

        if not owners:
            return units, np.zeros((n_units, len(self._intercept)))
        owner = np.concatenate(owners)
        onehot = (owner[None, :] == np.arange(n_units)[:, None]).astype(np.float64)
        return units, (onehot @ np.concatenate(values)) * self._slope
