"""The last pipeline step: one calibrated linear head per label.

Each head is a logistic regression fitted on the rows whose label is known,
then Platt-scaled on out-of-fold decision values so that a probability means
the same thing whatever the data mix and regularisation of a given version.
Keeping the heads linear lets ``explain`` attribute a score to words exactly.

Domain adaptation by feature augmentation ("frustratingly easy", Daumé 2007):
for the heads named in ``adapted``, the rows of the register closest to the
site (``in_domain``) get a second, register-only copy of their features,
scaled by ``domain_scale``, so the head learns weights shared by every file
plus a register-specific correction that cannot be pulled by the tweets.
Every comment served is taken to be of that register, so the two sets of
weights add up into one linear head: serving and explanations are unchanged.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold


class LabelHeads(ClassifierMixin, BaseEstimator):
    """Multi-label calibrated logistic regression tolerant of unknown (NaN) labels.

    ``tail_only`` names labels whose head sees only the last ``tail_width``
    feature columns (the spam heuristics), because their labelled rows are too
    few to learn a vocabulary from.
    """

    def __init__(
        self,
        C: float = 4.0,
        calibration_folds: int = 3,
        tail_only: tuple[str, ...] = ("spam",),
        tail_width: int = 0,
        label_names: tuple[str, ...] = (),
        adapted: tuple[str, ...] = ("toxicity",),
        domain_scale: float = 0.0,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.tail_only = tail_only
        self.tail_width = tail_width
        self.label_names = label_names
        self.adapted = adapted
        self.domain_scale = domain_scale
        self.random_state = random_state

    def _linear(self, C: float) -> LogisticRegression:
        return LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=self.random_state)

    def _fit_linear(self, X, y, weight, C, in_domain):
        """(coef, intercept) of a head as served: shared weights plus, with
        ``in_domain``, ``domain_scale`` × the register-only weights."""
        if in_domain is None:
            model = self._linear(C).fit(X, y, sample_weight=weight)
            return model.coef_.ravel(), model.intercept_[0]
        copy = sparse.diags(in_domain.astype(np.float64) * self.domain_scale) @ X
        augmented = sparse.hstack([sparse.csr_matrix(X), copy]).tocsr()
        model = self._linear(C).fit(augmented, y, sample_weight=weight)
        shared, own = np.split(model.coef_.ravel(), 2)
        return shared + self.domain_scale * own, model.intercept_[0]

    def _fit_head(self, X, y, weight, C, in_domain=None):
        coef, intercept = self._fit_linear(X, y, weight, C, in_domain)
        folds = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=self.random_state)
        decision = np.empty(len(y))
        for train, test in folds.split(X, y):
            fold_coef, fold_intercept = self._fit_linear(
                X[train], y[train], weight[train], C, None if in_domain is None else in_domain[train]
            )
            # Calibrated as served: every row scored with the combined weights.
            decision[test] = X[test] @ fold_coef + fold_intercept
        platt = LogisticRegression(C=1e4).fit(decision.reshape(-1, 1), y, sample_weight=weight)
        return coef, intercept, platt.coef_[0, 0], platt.intercept_[0]

    def fit(self, X, Y, sample_weight=None, in_domain=None):
        """``in_domain``: boolean per row, the register rows (only used when ``domain_scale`` > 0)."""
        Y = np.asarray(Y, dtype=float)
        n_features = X.shape[1]
        weight = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        names = self.label_names or tuple(str(i) for i in range(Y.shape[1]))
        self.coef_ = np.zeros((n_features, Y.shape[1]), dtype=np.float32)
        self.intercept_ = np.zeros(Y.shape[1])
        self.calibration_ = np.zeros((Y.shape[1], 2))
        self.n_labelled_ = np.zeros(Y.shape[1], dtype=int)
        for j, name in enumerate(names):
            known = ~np.isnan(Y[:, j])
            rows = X[known]
            start = n_features - self.tail_width if name in self.tail_only else 0
            adapt = in_domain is not None and self.domain_scale > 0 and name in self.adapted
            coef, intercept, slope, offset = self._fit_head(
                rows[:, start:], Y[known, j].astype(int), weight[known], self.C,
                np.asarray(in_domain, dtype=bool)[known] if adapt else None,
            )
            self.coef_[start:, j] = coef
            self.intercept_[j] = intercept
            self.calibration_[j] = slope, offset
            self.n_labelled_[j] = int(known.sum())
        self.classes_ = np.array(names, dtype=object)
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X) -> np.ndarray:
        """Uncalibrated linear scores, one column per label."""
        return np.asarray(X @ self.coef_) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of each label (columns), not a distribution over classes."""
        z = self.decision_function(X) * self.calibration_[:, 0] + self.calibration_[:, 1]
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)
