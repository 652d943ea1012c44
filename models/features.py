"""Pipeline steps from raw text to a sparse feature matrix."""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from models.normalize import normalize
from models.spam import FEATURE_NAMES, spam_matrix
from models.vectors import WORD, package_table, package_version


class Normalizer(TransformerMixin, BaseEstimator):
    """First pipeline step: the French normaliser, so raw text goes in."""

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> list[str]:
        return [normalize(t) for t in X]

    def __sklearn_is_fitted__(self) -> bool:
        return True


class SpamFeatures(TransformerMixin, BaseEstimator):
    """Spam heuristics (see ``models.spam``) as a small sparse block."""

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> sparse.csr_matrix:
        return sparse.csr_matrix(spam_matrix(list(X)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"spam_{n}" for n in FEATURE_NAMES], dtype=object)

    def __sklearn_is_fitted__(self) -> bool:
        return True


class WordVectors(TransformerMixin, BaseEstimator):
    """The idf-weighted mean of the pretrained vectors of a text's words, at unit length.

    Words the model never saw in training still land near the words it did,
    which is what n-grams cannot do with a few thousand labelled comments.
    ``fit`` reads the table of ``models.vectors`` and computes each word's idf
    on the training texts (a word absent from them gets the largest idf); the
    table, the idf and the package version are fitted attributes, so the
    artifact is self-contained.  Texts without a known word give zeros.
    """

    def fit(self, X, y=None):
        words, rows, vectors = package_table()
        index = {w: i for i, w in enumerate(words)}
        df = np.zeros(len(words))
        texts = list(X)
        for text in texts:
            seen = {index[w] for w in WORD.findall(text) if w in index}
            df[list(seen)] += 1
        self.words_ = "\n".join(words)  # one string: far lighter in the artifact than a dict
        self.rows_ = rows
        self.idf_ = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        self.vectors_ = vectors
        self.package_version_ = package_version()
        return self

    def index(self) -> dict[str, int]:
        """Word → position in ``rows_`` and ``idf_``, built once per process."""
        if getattr(self, "_index", None) is None:
            self._index = {w: i for i, w in enumerate(self.words_.split("\n"))}
        return self._index

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_index", None)
        return state

    def transform(self, X) -> np.ndarray:
        index, rows, idf = self.index(), self.rows_, self.idf_
        texts = list(X)
        out = np.zeros((len(texts), self.vectors_.shape[1]), dtype=np.float32)
        for k, text in enumerate(texts):
            found = [index[w] for w in WORD.findall(text) if w in index]
            if found:
                v = idf[found] @ self.vectors_[rows[found]].astype(np.float32)
                norm = np.sqrt(v @ v)
                if norm > 0:
                    out[k] = v / norm
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"vector_{i}" for i in range(self.vectors_.shape[1])], dtype=object)


class Length(TransformerMixin, BaseEstimator):
    """The standardised log length of the text, times ``scale``, as one column.

    Every other block is normalised to unit length, so without this the heads
    cannot tell a two-word jab from a paragraph holding the same words; short
    comments are far more often toxic in the forum register.  ``scale`` sets how
    strongly the regularised heads may lean on it.
    """

    def __init__(self, scale: float = 0.4) -> None:
        self.scale = scale

    @staticmethod
    def raw(texts) -> np.ndarray:
        return np.log1p(np.fromiter((len(t) for t in texts), dtype=np.float64))

    def fit(self, X, y=None):
        values = self.raw(list(X))
        self.mean_ = float(values.mean())
        # One text, or texts all of a length, would otherwise divide by zero.
        self.std_ = float(values.std()) or 1.0
        return self

    def value(self, text: str) -> float:
        return (math.log1p(len(text)) - self.mean_) / self.std_ * self.scale

    def transform(self, X) -> sparse.csr_matrix:
        values = (self.raw(list(X)) - self.mean_) / self.std_ * self.scale
        return sparse.csr_matrix(values.reshape(-1, 1))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(["log_length"], dtype=object)


def build_features(
    char_ngrams: tuple[int, int] = (2, 5),
    word_ngrams: tuple[int, int] = (1, 2),
    min_df: int = 2,
    max_features: int | None = 300_000,
    word_vectors: bool = True,
    length_scale: float = 0.4,
) -> FeatureUnion:
    """Character n-grams (robust to spelling), word n-grams, word vectors, length, spam heuristics.

    The text is already normalised, so the vectorisers neither lower-case nor
    strip accents again.  The spam block comes last: the spam head reads only
    the last columns.
    """
    return FeatureUnion(
        [
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=char_ngrams, min_df=min_df, lowercase=False,
                    sublinear_tf=True, max_features=max_features, dtype=np.float32,
                ),
            ),
            (
                "word",
                TfidfVectorizer(
                    analyzer="word", ngram_range=word_ngrams, min_df=min_df, lowercase=False,
                    sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", dtype=np.float32,
                ),
            ),
            *([("vectors", WordVectors())] if word_vectors else []),
            *([("length", Length(length_scale))] if length_scale else []),
            ("spam", SpamFeatures()),
        ]
    )
