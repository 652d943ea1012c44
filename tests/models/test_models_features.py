"""Feature blocks that are not n-grams."""

import pytest

from models.features import Length


def test_length_column_is_standardised_on_the_training_texts() -> None:
    texts = ["ok", "tu es nul", "un commentaire de longueur moyenne", "x" * 400]
    step = Length(scale=0.5).fit(texts)
    column = step.transform(texts).toarray().ravel()
    assert abs(column.mean()) < 1e-9
    assert column.std() == pytest.approx(0.5)
    assert list(column) == sorted(column)
    assert step.value("tu es nul") == pytest.approx(column[1])
