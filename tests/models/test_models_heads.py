"""The calibrated heads, and the register adaptation that folds into one linear head."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from models.heads import LabelHeads


@pytest.fixture
def problem() -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = sparse.random(300, 40, density=0.2, random_state=1, format="csr", dtype=np.float64)
    in_domain = np.arange(300) < 100
    # The register reads feature 0 the other way round from the other rows.
    signal = np.where(in_domain, -1.0, 1.0) * X[:, 0].toarray().ravel() + X[:, 1].toarray().ravel()
    y = (signal + rng.normal(0, 0.05, 300) > np.median(signal)).astype(float)
    return X, y.reshape(-1, 1), in_domain


def test_adapted_head_serves_the_register_weights_of_the_augmented_model(problem) -> None:
    X, Y, in_domain = problem
    heads = LabelHeads(C=2.0, label_names=("toxicity",), domain_scale=0.5).fit(X, Y, in_domain=in_domain)
    # The model the head was fitted as: register rows carry a half-scale copy of their features.
    augmented = sparse.hstack([X, sparse.diags(0.5 * in_domain) @ X]).tocsr()
    reference = LogisticRegression(C=2.0, solver="liblinear", max_iter=1000, random_state=0).fit(augmented, Y[:, 0])
    # Served as one linear head, it scores any comment as the register's rows.
    as_register = sparse.hstack([X, 0.5 * X]).tocsr()
    assert heads.decision_function(X)[:, 0] == pytest.approx(reference.decision_function(as_register), abs=1e-6)


def test_no_adaptation_without_a_scale_or_a_register(problem) -> None:
    X, Y, in_domain = problem
    plain = LabelHeads(label_names=("toxicity",)).fit(X, Y)
    off = LabelHeads(label_names=("toxicity",), domain_scale=0.0).fit(X, Y, in_domain=in_domain)
    other = LabelHeads(label_names=("toxicity",), adapted=(), domain_scale=0.5).fit(X, Y, in_domain=in_domain)
    for heads in (off, other):
        assert heads.coef_ == pytest.approx(plain.coef_)
        assert heads.calibration_ == pytest.approx(plain.calibration_)


def test_adaptation_fits_the_register_better(problem) -> None:
    X, Y, in_domain = problem
    plain = LabelHeads(label_names=("toxicity",)).fit(X, Y)
    adapted = LabelHeads(label_names=("toxicity",), domain_scale=1.0).fit(X, Y, in_domain=in_domain)
    # Feature 0 means the opposite in the register: the served head learns that.
    assert adapted.coef_[0, 0] < plain.coef_[0, 0]
