"""Pipeline steps from raw text to a sparse feature matrix."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from models.normalize import normalize
from models.spam import FEATURE_NAMES, spam_matrix


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


def build_features(
    char_ngrams: tuple[int, int] = (2, 5),
    word_ngrams: tuple[int, int] = (1, 2),
    min_df: int = 2,
    max_features: int | None = 300_000,
) -> FeatureUnion:
    """Character n-grams (robust to spelling), word n-grams, spam heuristics.

    The text is already normalised, so the vectorisers neither lower-case nor
    strip accents again.
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
            ("spam", SpamFeatures()),
        ]
    )
